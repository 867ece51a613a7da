import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { DAY } from "@/lib/clock";
import { encodeCursor } from "@/lib/paging";
import { refusal, testDatabase } from "@/lib/testing";
import {
  createCampaign,
  decideInBulk,
  launchCampaign,
  parseQueueFilter,
  QUEUE_PAGE,
  queueCampaigns,
  reviewQueue,
} from "./index";

// My reviews over a large queue: filtered (campaign, idleness, name) and paged by URL, and decided
// all at once over a filter ("revoke everything unused for 90 days"), only the reviewer's own.

const conn = testDatabase({ identities: 400 });

describe("the reviewer's queue", () => {
  it("pages, filters, and decides everything a filter matches and nothing else", async () => {
    const { sam, olivia } = conn.personas;
    const { id } = await createCampaign(conn.db, sam, {
      name: "Everything, by security",
      scope: {},
      reviewerRule: "security",
      dueOn: "2099-01-01",
    });
    const { items } = await launchCampaign(conn.db, sam, id);
    expect(items).toBeGreaterThan(QUEUE_PAGE);
    // The campaign filter offers active campaigns only, to those who may see them.
    const draft = await createCampaign(conn.db, sam, {
      name: "Not launched",
      scope: {},
      reviewerRule: "security",
      dueOn: "2099-01-01",
    });
    const offered = (await queueCampaigns(conn.db, sam)).map((c) => c.id);
    expect(offered).toContain(id);
    expect(offered).not.toContain(draft.id);
    expect((await queueCampaigns(conn.db, olivia)).map((c) => c.id)).not.toContain(id);

    // Pages: the second starts after the first, and together they hold every item once.
    const first = await reviewQueue(conn.db, sam, parseQueueFilter({ campaign: id }));
    expect(first.total).toBe(items);
    expect(first.items).toHaveLength(QUEUE_PAGE);
    const second = await reviewQueue(conn.db, sam, parseQueueFilter({ campaign: id, after: first.next! }));
    const seen = new Set([...first.items, ...second.items].map((x) => x.id));
    expect(seen.size).toBe(first.items.length + second.items.length);
    expect(second.items[0]!.identity >= first.items.at(-1)!.identity).toBe(true);
    expect(() => parseQueueFilter({ after: "not-a-cursor" })).toThrow(/not valid/);
    expect(() => parseQueueFilter({ unused: "ninety" })).toThrow();
    // A cursor smuggling a NUL is refused in words, not passed on to PostgreSQL.
    expect(() => parseQueueFilter({ after: encodeCursor(["a\u0000b", id]) })).toThrow(/not valid/);

    // Revoke everything unused for 90 days (or never used), over the filter.
    const cutoff = new Date(Date.now() - 90 * DAY).toISOString();
    const idle = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM review_items r JOIN identities i ON i.id = r.identity_id
          WHERE r.campaign_id = ${id}::uuid AND (i.last_used_at IS NULL OR i.last_used_at < ${cutoff}::timestamptz)
            AND i.owner_id IS DISTINCT FROM ${sam.personId}::uuid AND i.backup_owner_id IS DISTINCT FROM ${sam.personId}::uuid`,
    );
    const filter = { campaign: id, unused: "90" };
    expect((await reviewQueue(conn.db, sam, parseQueueFilter(filter))).total).toBeGreaterThanOrEqual(idle[0]!.n);
    // Olivia reviews nothing here: the filter finds nothing of hers, and nothing changes.
    expect(await refusal(decideInBulk(conn.db, olivia, { filter, decision: "revoke" }))).toMatchObject({
      code: "invalid",
    });
    const out = await decideInBulk(conn.db, sam, { filter, decision: "revoke", comment: "Idle." });
    expect(out.decided).toBe(idle[0]!.n);
    expect(out.more).toBe(false);
    const decided = await queryRows<{ decision: string | null; idle: boolean; n: number }>(
      conn.db,
      sql`SELECT r.decision, (i.last_used_at IS NULL OR i.last_used_at < ${cutoff}::timestamptz) AS idle, count(*)::int AS n
          FROM review_items r JOIN identities i ON i.id = r.identity_id WHERE r.campaign_id = ${id}::uuid GROUP BY 1, 2`,
    );
    // Nothing recently used was touched; every idle one that was Sam's to decide is revoked.
    expect(decided.filter((d) => !d.idle && d.decision !== null)).toEqual([]);
    expect(decided.find((d) => d.idle && d.decision === "revoke")?.n).toBe(idle[0]!.n);
    expect(
      await refusal(decideInBulk(conn.db, sam, { filter, itemIds: [first.items[0]!.id], decision: "revoke" })),
    ).toMatchObject({ code: "invalid" });
    // A filter that narrows nothing would decide the whole queue: refused.
    expect(await refusal(decideInBulk(conn.db, sam, { filter: { bogus: "1" }, decision: "certify" }))).toMatchObject({
      code: "invalid",
    });
    // A bulk decision never re-decides: the same filter now matches nothing, a selection of decided items is skipped.
    expect(await refusal(decideInBulk(conn.db, sam, { filter, decision: "certify" }))).toMatchObject({
      code: "invalid",
    });
    const [revoked] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM review_items WHERE campaign_id = ${id}::uuid AND decision = 'revoke' LIMIT 1`,
    );
    const again = await decideInBulk(conn.db, sam, { itemIds: [revoked!.id], decision: "certify" });
    expect(again).toMatchObject({ decided: 0, skipped: [{ reason: "already decided" }] });
  });
});
