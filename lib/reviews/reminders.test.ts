import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { DAY, setClock } from "@/lib/clock";
import { markNotificationsRead, myNotifications, unreadNotifications } from "@/lib/notifications";
import { refusal, testDatabase } from "@/lib/testing";
import { decideReviewItem, myReviewItems, remindAndEscalate } from "./index";
import { launchedCampaign } from "./test-campaigns";

// Reminders on the campaign's cadence to reviewers with items waiting (and nobody else), then, at
// the due date, escalation of what is still waiting to each reviewer's manager, who may decide it;
// with the clock moved, not slept, and each step done once however often the job runs.

const conn = testDatabase({ identities: 150 });
const JOB = { type: "job" as const, id: null, label: "job:review-reminders" };
afterEach(() => setClock(undefined));

describe("reminders and escalation", () => {
  it("reminds the reviewers with items waiting on the cadence, escalates at the due date to their manager, once each", async () => {
    const t0 = new Date();
    const { maya, olivia, omar, sam } = conn.personas;
    const dueOn = new Date(t0.getTime() + 10 * DAY).toISOString().slice(0, 10);
    // Olivia attests to her own identities; her manager is Maya, who runs the campaign.
    const { id, items } = await launchedCampaign(conn.db, maya, {
      name: "Payments attestation",
      dueOn,
      remindEvery: "3",
    });
    expect(items).toBeGreaterThan(2);
    const mine = (await myReviewItems(conn.db, olivia)).filter((x) => x.campaignId === id);
    await decideReviewItem(conn.db, olivia, { itemId: mine[0]!.id, decision: "certify", comment: "In use." });
    const of = async (actor: typeof maya) =>
      (await myNotifications(conn.db, actor)).filter((n) => n.text.includes("Payments attestation"));

    expect(await remindAndEscalate(conn.db, JOB, new Date(t0.getTime() + 2 * DAY))).toEqual({
      reminded: 0,
      escalated: 0,
      notified: 0,
    });
    const day3 = new Date(t0.getTime() + 3 * DAY + 60_000);
    expect(await remindAndEscalate(conn.db, JOB, day3)).toMatchObject({ reminded: 1, notified: 1 });
    expect(await remindAndEscalate(conn.db, JOB, day3)).toMatchObject({ reminded: 0, notified: 0 }); // once
    const [reminder] = await of(olivia);
    expect(reminder).toMatchObject({ kind: "review_reminder", href: "/reviews/mine", readAt: null });
    expect(reminder!.text).toBe(`${items - 1} items wait for your review in "Payments attestation", due ${dueOn}`);
    expect(await of(maya)).toEqual([]); // nothing waits for her: she is not nagged
    expect(await remindAndEscalate(conn.db, JOB, new Date(t0.getTime() + 6 * DAY + 120_000))).toMatchObject({
      reminded: 1,
    });
    expect(await of(olivia)).toHaveLength(2);

    // Before the due date Maya cannot decide Olivia's items; past it they are escalated to her.
    const waiting = mine[1]!;
    expect(
      await refusal(decideReviewItem(conn.db, maya, { itemId: waiting.id, decision: "revoke", comment: "x" })),
    ).toMatchObject({ code: "forbidden" });
    const late = new Date(t0.getTime() + 11 * DAY);
    expect(await remindAndEscalate(conn.db, JOB, late)).toMatchObject({ reminded: 0, escalated: items - 1 });
    expect(await remindAndEscalate(conn.db, JOB, late)).toMatchObject({ escalated: 0, notified: 0 }); // once
    const rows = await queryRows<{ to: string | null; n: number }>(
      conn.db,
      sql`SELECT escalated_to_id AS to, count(*)::int AS n FROM review_items WHERE campaign_id = ${id}::uuid AND escalated_at IS NOT NULL GROUP BY 1`,
    );
    expect(rows).toEqual([{ to: maya.personId, n: items - 1 }]);
    const escalated = (await myReviewItems(conn.db, maya)).filter((x) => x.campaignId === id);
    expect(escalated).toHaveLength(items - 1);
    expect((await of(maya)).map((n) => n.kind).sort()).toEqual(["review_escalated", "review_overdue"]);
    expect((await of(olivia)).map((n) => n.kind)).toContain("review_overdue");

    // Maya decides one now; Olivia still may decide the rest; Omar (backup owner, not the reviewer) may not.
    await decideReviewItem(conn.db, maya, { itemId: waiting.id, decision: "revoke", comment: "Not needed." });
    await decideReviewItem(conn.db, olivia, { itemId: mine[2]!.id, decision: "certify", comment: "In use." });
    expect(
      await refusal(decideReviewItem(conn.db, omar, { itemId: mine[2]!.id, decision: "revoke", comment: "x" })),
    ).toMatchObject({ code: "forbidden" });

    // Each reads and clears only their own notifications.
    const before = await unreadNotifications(conn.db, olivia);
    expect(before).toBeGreaterThanOrEqual(3);
    const [oliviasFirst] = await of(olivia);
    expect(await refusal(markNotificationsRead(conn.db, sam, { ids: [oliviasFirst!.id] }))).toMatchObject({
      code: "forbidden",
    });
    expect(await markNotificationsRead(conn.db, olivia, "all")).toEqual({ read: before });
    expect(await unreadNotifications(conn.db, olivia)).toBe(0);
    const actions = await queryRows<{ action: string }>(
      conn.db,
      sql`SELECT action FROM audit_events WHERE subject_id = ${id} ORDER BY seq`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      "campaign.created",
      "campaign.launched",
      "campaign.reminded",
      "campaign.reminded",
      "campaign.escalated",
    ]);
  });

  it("sends nothing for a campaign without reminders, and nothing once everything is decided", async () => {
    const t0 = new Date();
    const { maya, olivia } = conn.personas;
    const { id } = await launchedCampaign(conn.db, maya, {
      dueOn: new Date(t0.getTime() + 5 * DAY).toISOString().slice(0, 10),
      remindEvery: "0",
    });
    for (const x of (await myReviewItems(conn.db, olivia)).filter((i) => i.campaignId === id))
      await decideReviewItem(conn.db, olivia, { itemId: x.id, decision: "certify", comment: "In use." });
    await remindAndEscalate(conn.db, JOB, new Date(t0.getTime() + 4 * DAY));
    await remindAndEscalate(conn.db, JOB, new Date(t0.getTime() + 6 * DAY));
    const sent = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM notifications WHERE campaign_id = ${id}::uuid`,
    );
    expect(sent[0]!.n).toBe(0);
  });
});
