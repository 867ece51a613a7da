import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { refusal, testDatabase } from "@/lib/testing";
import { certifyNeedsComment, closeCampaign, confirmReviewItem, decideReviewItem, myReviewItems } from "./index";
import { launchedCampaign } from "./test-campaigns";

// The second stage: security confirms what an owner certified of a privileged or high-risk
// identity, or overturns it to a revocation; one left unconfirmed at close gets the no-response
// outcome; a changed decision needs confirming again.

const conn = testDatabase({ identities: 120 });

describe("second stage", () => {
  it("security confirms or overturns certifications of privileged items; unconfirmed ones get the no-response outcome", async () => {
    const { sam, olivia, maya } = conn.personas;
    const { id } = await launchedCampaign(conn.db, sam, { noResponse: "revoke", confirmPrivileged: "1" });
    const mine = (await myReviewItems(conn.db, olivia)).filter((x) => x.campaignId === id);
    const heavy = mine.filter((x) => certifyNeedsComment(x));
    const light = mine.filter((x) => !certifyNeedsComment(x));
    expect(heavy.length).toBeGreaterThanOrEqual(3);
    const [confirmed, overturned, unanswered] = heavy;
    for (const x of [...heavy, ...light])
      await decideReviewItem(conn.db, olivia, { itemId: x.id, decision: "certify", comment: "Still needed." });

    // Sam's queue holds the three privileged certifications, not the light ones.
    const toConfirm = (await myReviewItems(conn.db, sam)).filter((x) => x.campaignId === id);
    expect(toConfirm.map((x) => x.id).sort()).toEqual(heavy.map((x) => x.id).sort());
    expect(
      await refusal(confirmReviewItem(conn.db, olivia, { itemId: confirmed!.id, answer: "confirm" })),
    ).toMatchObject({ code: "forbidden" });
    expect(await refusal(confirmReviewItem(conn.db, maya, { itemId: confirmed!.id, answer: "confirm" }))).toMatchObject(
      { code: "forbidden" },
    );
    expect(await refusal(confirmReviewItem(conn.db, sam, { itemId: overturned!.id, answer: "revoke" }))).toMatchObject({
      code: "invalid",
    });
    if (light[0])
      expect(await refusal(confirmReviewItem(conn.db, sam, { itemId: light[0].id, answer: "confirm" }))).toMatchObject({
        code: "conflict",
      });

    await confirmReviewItem(conn.db, sam, { itemId: confirmed!.id, answer: "confirm" });
    await confirmReviewItem(conn.db, sam, { itemId: overturned!.id, answer: "revoke", comment: "Standing admin." });
    expect(await refusal(confirmReviewItem(conn.db, sam, { itemId: confirmed!.id, answer: "confirm" }))).toMatchObject({
      code: "conflict",
    }); // answered once

    // Olivia changes her mind and certifies again: the confirmation is needed again.
    await decideReviewItem(conn.db, olivia, { itemId: confirmed!.id, decision: "certify", comment: "Still." });
    await confirmReviewItem(conn.db, sam, { itemId: confirmed!.id, answer: "confirm" });

    await closeCampaign(conn.db, sam, id);
    const rows = await queryRows<{ id: string; decision: string; applied: string | null; confirmed_by: string | null }>(
      conn.db,
      sql`SELECT id, decision, applied, confirmed_by FROM review_items WHERE campaign_id = ${id}::uuid`,
    );
    const of = (itemId: string) => rows.find((r) => r.id === itemId)!;
    expect(of(confirmed!.id)).toMatchObject({ decision: "certify", confirmed_by: sam.personId });
    expect(of(overturned!.id)).toMatchObject({
      decision: "revoke",
      applied: "revocation requested",
      confirmed_by: sam.personId,
    });
    expect(of(unanswered!.id)).toMatchObject({
      decision: "no_response",
      applied: "revocation requested (certified, but security did not confirm it)",
    });
    if (light[0]) expect(of(light[0].id).decision).toBe("certify");
    const actions = await queryRows<{ action: string }>(
      conn.db,
      sql`SELECT action FROM audit_events WHERE after->>'campaignId' = ${id} AND action LIKE 'review.%' ORDER BY seq`,
    );
    expect(actions.filter((a) => a.action === "review.confirmed")).toHaveLength(2);
    expect(actions.filter((a) => a.action === "review.overturned")).toHaveLength(1);
  });
});
