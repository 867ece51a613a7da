import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, refusal, testDatabase } from "@/lib/testing";
import {
  closeCampaign,
  createCampaign,
  decideReviewItem,
  fillCampaign,
  fillCampaignPart,
  fillLaunchedCampaigns,
  handOverItems,
  launchCampaign,
  parseQueueFilter,
  previewScope,
  reviewQueue,
} from "./index";

// A large scope is snapshotted after the launch, part by part: the campaign is usable while it
// fills, every identity of the scope at launch gets exactly one item (also with two fillers at
// once), identities created after the launch are left out, closing waits for the whole, and the
// job finishes a snapshot a restart interrupted. Small parts stand in for the 25,000 of real ones.

const conn = testDatabase({ identities: 200 });
const BY = { type: "job", id: null, label: "job:test" } as const;
const SMALL_PARTS = { inlineUpTo: 0, part: 40 };

type CampaignRow = {
  item_count: number;
  scope_count: number;
  fill_parts: number | null;
  fill_next: number | null;
  filled_at: unknown;
};
const campaignRow = async (id: string) =>
  (
    await queryRows<CampaignRow>(
      conn.db,
      sql`SELECT item_count, scope_count, fill_parts, fill_next, filled_at FROM campaigns WHERE id = ${id}::uuid`,
    )
  )[0]!;
const itemStats = async (id: string) =>
  (
    await queryRows<{ n: number; distinct_identities: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n, count(DISTINCT identity_id)::int AS distinct_identities FROM review_items WHERE campaign_id = ${id}::uuid`,
    )
  )[0]!;

async function securityCampaign(name: string) {
  const { sam } = conn.personas;
  return createCampaign(conn.db, sam, { name, scope: {}, reviewerRule: "security", dueOn: "2099-01-01" });
}

describe("a large scope's snapshot", () => {
  it("is taken in parts after the launch, usable while it fills, one item per identity in scope at launch", async () => {
    const { sam } = conn.personas;
    const { count } = await previewScope(conn.db, sam, {}, new Date());
    const { id } = await securityCampaign("Everything, in parts");
    const launched = await launchCampaign(conn.db, sam, id, undefined, SMALL_PARTS);
    expect(launched).toEqual({ items: 0, scopeCount: count, filling: true });
    const parts = Math.ceil(count / SMALL_PARTS.part);
    expect(await campaignRow(id)).toMatchObject({
      item_count: 0,
      scope_count: count,
      fill_parts: parts,
      fill_next: 0,
      filled_at: null,
    });
    expect(await auditCount(conn.db, "campaign.launched")).toBe(1);

    // An identity created after the launch is not part of the snapshot, whichever part it falls in.
    const [late] = await queryRows<{ id: string }>(
      conn.db,
      sql`INSERT INTO identities (name, kind, system_id, environment, origin, created_at)
          SELECT 'created-after-launch', kind, system_id, environment, origin, now() + interval '1 minute'
          FROM identities WHERE status = 'active' AND origin <> 'requested' LIMIT 1 RETURNING id`,
    );

    // Closing waits for the whole snapshot; the refusal changes nothing and records nothing.
    const events = await auditCount(conn.db);
    const early = await refusal(closeCampaign(conn.db, sam, id));
    expect(early.message).toMatch(/snapshot is still being taken \(0 of \d+ parts\)/);
    expect(await auditCount(conn.db)).toBe(events);

    // Nor can its items be handed over: the parts still to come would follow the rule regardless.
    const handOver = await refusal(
      handOverItems(conn.db, sam, { campaignId: id, from: "security", to: "maya.manager@example.com", note: "Busy." }),
    );
    expect(handOver.message).toMatch(/snapshot is still being taken/);
    expect(await auditCount(conn.db)).toBe(events);

    // The first part lands: its items are in security's queue and can be decided at once.
    const first = await fillCampaignPart(conn.db, BY, id);
    expect(first.done).toBe(false);
    expect(first.items).toBeGreaterThan(0);
    expect((await campaignRow(id)).item_count).toBe(first.items);
    const queue = await reviewQueue(conn.db, sam, parseQueueFilter({ campaign: id }));
    expect(queue.total).toBe(first.items);
    const item = queue.items[0]!;
    await decideReviewItem(conn.db, sam, { itemId: item.id, decision: "revoke", comment: "left over" });

    // Two fillers at once (the launch's after() and the job) take each part once.
    await Promise.all([fillCampaign(conn.db, BY, id), fillCampaign(conn.db, BY, id)]);
    const stats = await itemStats(id);
    expect(stats).toEqual({ n: count, distinct_identities: count });
    const row = await campaignRow(id);
    expect(row).toMatchObject({ item_count: count, fill_next: null });
    expect(row.filled_at).not.toBeNull();
    expect(await auditCount(conn.db, "campaign.filled")).toBe(1);
    const lateItems = await queryRows(
      conn.db,
      sql`SELECT 1 FROM review_items WHERE campaign_id = ${id}::uuid AND identity_id = ${late!.id}::uuid`,
    );
    expect(lateItems).toHaveLength(0);
    // The decision made while it filled stands; the campaign now closes.
    const decided = await queryRows<{ decision: string }>(
      conn.db,
      sql`SELECT decision FROM review_items WHERE id = ${item.id}::uuid`,
    );
    expect(decided[0]!.decision).toBe("revoke");
    const closed = await closeCampaign(conn.db, sam, id);
    expect(closed.revocationIds.length + closed.noResponse + closed.certified).toBeGreaterThan(0);
    await conn.db.execute(sql`DELETE FROM identities WHERE id = ${late!.id}::uuid`);
  });

  it("is finished by the lifecycle job after a restart, and a small scope is taken in the launch itself", async () => {
    const { sam } = conn.personas;
    const { id } = await securityCampaign("Interrupted");
    await launchCampaign(conn.db, sam, id, undefined, SMALL_PARTS);
    await fillCampaignPart(conn.db, BY, id); // then the app stopped
    const job = await fillLaunchedCampaigns(conn.db, BY);
    expect(job.campaigns).toBe(1);
    const row = await campaignRow(id);
    expect(row.filled_at).not.toBeNull();
    expect(await itemStats(id)).toEqual({ n: row.scope_count, distinct_identities: row.scope_count });
    // Nothing left: the job finds nothing more to do.
    expect(await fillLaunchedCampaigns(conn.db, BY)).toEqual({ campaigns: 0, items: 0 });

    const small = await securityCampaign("Small");
    const inline = await launchCampaign(conn.db, sam, small.id);
    expect(inline.filling).toBe(false);
    const smallRow = await campaignRow(small.id);
    expect(smallRow.item_count).toBe(inline.items);
    const [same] = await queryRows<{ same: boolean }>(
      conn.db,
      sql`SELECT filled_at = launched_at AS same FROM campaigns WHERE id = ${small.id}::uuid`,
    );
    expect(same!.same).toBe(true);
    expect((await fillCampaignPart(conn.db, BY, small.id)).done).toBe(true);
    expect((await itemStats(small.id)).n).toBe(inline.items);
  });
});
