import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { campaignColumns, pick, readRows, type RowOf } from "@/db/columns";
import { lockById } from "@/db/locks";
import { campaigns } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { type Actor, resolveActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { parseInventoryFilter } from "@/lib/identities";
import { forEachCampaign } from "./campaign-jobs";
import { mayRunCampaigns, scopeSql } from "./scope";

/**
 * Launch snapshots a campaign's scope into review items, set-based (INSERT … SELECT), each with
 * its reviewer chosen by the campaign's rule. A scope of up to FILL_INLINE identities is taken in
 * the launch's own transaction. A larger one is taken after the launch, in parts committed one by
 * one, so the campaign is usable while it fills: reviewers decide the items that have arrived, the
 * campaign page shows how far it has got, and a restart resumes where it stopped (the lifecycle job).
 *
 * The parts are ranges of identity id (the id space cut into equal slices): an identity's id never
 * changes, so each identity falls in exactly one part whatever is updated meanwhile, and no part
 * is taken twice (the campaign's row lock and `fill_next`). Identities created after the launch
 * are left out (`snapshot_at`); one that leaves the scope while the campaign fills (retired, say)
 * is left out if its part had not been taken yet. The evidence shows the count at launch beside
 * the items made.
 */
export const FILL_INLINE = 20_000;
export const FILL_PART = 25_000;
const MAX_PARTS = 256;
// A large snapshot changes review_items' shape at once: the planner's statistics are brought up to
// date now rather than when autovacuum gets to it, or the reviewers' first pages and bulk decisions
// are planned as if the items were not there (seconds instead of milliseconds).
const ANALYZE_AFTER = 10_000;

export type FillSizes = { inlineUpTo: number; part: number };
export const FILL_SIZES: FillSizes = { inlineUpTo: FILL_INLINE, part: FILL_PART };

export function partsFor(count: number, part: number): number {
  return Math.min(MAX_PARTS, Math.max(1, Math.ceil(count / Math.max(1, part))));
}

// Where part k of n starts in the id space: the first 32 bits of the uuid cut into n equal slices.
function bound(k: number, n: number): string {
  const top = Math.floor((k * 2 ** 32) / n);
  return `${top.toString(16).padStart(8, "0")}-0000-0000-0000-000000000000`;
}

/** Part k of n as a condition on `i.id` (the first part has no lower bound, the last no upper). */
export function partSql(k: number, n: number): SQL {
  const from = k > 0 ? sql`i.id >= ${bound(k, n)}::uuid` : sql`true`;
  const to = k + 1 < n ? sql`i.id < ${bound(k + 1, n)}::uuid` : sql`true`;
  return sql`${from} AND ${to}`;
}

// A reviewer chosen by rule over `identities i` joined to its owner `rv_o` and the owner's manager
// `rv_m` (users: a hash join, where a subquery per identity probed users twice for each of a million
// rows): nobody who has left, and (but for the owner's own attestation) never the identity's owner.
function candidate(rule: string, namedId: string | null): SQL {
  switch (rule) {
    case "owner":
      return sql`CASE WHEN rv_o.status = 'active' THEN rv_o.id END`;
    case "owner_manager":
      return sql`CASE WHEN rv_m.status = 'active' AND rv_m.id <> rv_o.id THEN rv_m.id END`;
    case "named":
      // The subquery is uncorrelated: evaluated once for the statement.
      return sql`CASE WHEN i.owner_id IS DISTINCT FROM ${namedId}::uuid THEN (SELECT u.id FROM users u WHERE u.id = ${namedId}::uuid AND u.status = 'active') END`;
    default:
      return sql`NULL::uuid`; // security: the security team's shared queue
  }
}

/** What taking a snapshot reads of its campaign (launch and each part lock the row with these). */
export const snapshotColumns = pick(
  campaignColumns,
  "id",
  "name",
  "status",
  "createdBy",
  "scope",
  "reviewerRule",
  "reviewerId",
  "fallbackReviewerRule",
);
type Snapshotted = RowOf<typeof snapshotColumns>;

/**
 * Inserts the review items of the scope's live identities that `extra` admits (a part, the
 * snapshot's moment), as the scope read for its creator at `at`; returns how many.
 */
export async function insertItems(
  tx: Database,
  c: Snapshotted,
  creator: Actor,
  at: Date,
  extra: SQL[] = [],
): Promise<number> {
  const where = sql.join([scopeSql(creator, parseInventoryFilter(c.scope), at), ...extra], sql` AND `);
  const first = candidate(c.reviewerRule, c.reviewerId);
  // Security's shared queue is a reviewer in itself: it needs no fallback.
  const reviewer =
    c.reviewerRule === "security" || c.fallbackReviewerRule === c.reviewerRule
      ? first
      : sql`coalesce(${first}, ${candidate(c.fallbackReviewerRule, null)})`;
  // In identity order: the items' indexes keyed by identity then grow at one end instead of at a
  // million random places (a launch over 912,389 identities: 66.7 s → 56.7 s).
  const [made] = await readRows(
    tx,
    { n: sql<number>`n`.mapWith(Number) },
    sql`WITH made AS (
          INSERT INTO review_items (campaign_id, identity_id, reviewer_id)
          SELECT ${c.id}::uuid, i.id, ${reviewer} FROM identities i
            LEFT JOIN users rv_o ON rv_o.id = i.owner_id LEFT JOIN users rv_m ON rv_m.id = rv_o.manager_id
          WHERE ${where} ORDER BY i.id
          RETURNING 1)
        SELECT count(*)::int AS n FROM made`,
  );
  return made?.n ?? 0;
}

export async function analyzeItemsIf(tx: Database, items: number): Promise<void> {
  if (items >= ANALYZE_AFTER) await tx.execute(sql`ANALYZE review_items`);
}

const filling = {
  ...snapshotColumns,
  ...pick(campaignColumns, "launchedAt", "itemCount", "scopeCount", "fillParts", "fillNext", "snapshotAt", "filledAt"),
};

export type Filled = { items: number; done: boolean };

/**
 * Takes the next part of a launched campaign's snapshot: one transaction with, on the last part,
 * the `campaign.filled` audit event. `done` once nothing is left to take.
 */
export async function fillCampaignPart(db: Database, by: AuditActor, campaignId: string): Promise<Filled> {
  const part = await db.transaction(async (tx) => {
    // The campaign's row lock keeps two fillers (the launch's and the job) to one part at a time.
    // FOR NO KEY UPDATE: decisions on the items already there (FOR KEY SHARE) go on meanwhile.
    const c = await lockById(tx, campaigns, filling, campaignId, "no key update");
    if (!c || c.status !== "active" || c.filledAt || c.fillNext === null || c.fillParts === null)
      return { items: 0, done: true, analyze: 0 };
    const at = now();
    const creator = await resolveActor(tx, c.createdBy);
    const k = c.fillNext;
    // The scope is read for its creator (a manager's reports); one who has left ends the snapshot
    // where it stands, as their recurring series would end.
    const stopped = !creator || !mayRunCampaigns(creator);
    const made =
      stopped || !c.launchedAt || !c.snapshotAt
        ? 0
        : await insertItems(tx, c, creator, c.launchedAt, [
            partSql(k, c.fillParts),
            sql`i.created_at <= ${c.snapshotAt.toISOString()}::timestamptz`,
          ]);
    const items = (c.itemCount ?? 0) + made;
    const done = stopped || k + 1 >= c.fillParts;
    await tx
      .update(campaigns)
      .set({ itemCount: items, fillNext: done ? null : k + 1, filledAt: done ? at : null })
      .where(sql`${campaigns.id} = ${c.id}::uuid`);
    if (done)
      await record(tx, {
        actor: by,
        action: "campaign.filled",
        subject: { type: "campaign", id: c.id },
        after: {
          name: c.name,
          items,
          scopeAtLaunch: c.scopeCount,
          snapshotAt: c.snapshotAt?.toISOString() ?? null,
          parts: c.fillParts,
          ...(stopped ? { stopped: "Its creator has left or no longer runs campaigns." } : {}),
        },
      });
    // Statistics once the first part has landed (the reviewers' first pages) and at the end.
    return { items: made, done, analyze: k === 0 || done ? items : 0 };
  });
  // After the part's transaction, holding no lock: ANALYZE inside it would take review_items'
  // ShareUpdateExclusiveLock before the audit chain's lock, the reverse of a recurring launch.
  await analyzeItemsIf(db, part.analyze);
  return { items: part.items, done: part.done };
}

/** Takes every part left of the campaign's snapshot. */
export async function fillCampaign(db: Database, by: AuditActor, campaignId: string): Promise<{ items: number }> {
  let items = 0;
  for (;;) {
    const part = await fillCampaignPart(db, by, campaignId);
    items += part.items;
    if (part.done) return { items };
  }
}

/** The lifecycle job: every launched campaign whose snapshot is not complete (what a restart interrupted). */
export async function fillLaunchedCampaigns(db: Database, by: AuditActor): Promise<Record<string, number>> {
  return forEachCampaign(
    db,
    sql`status = 'active' AND filled_at IS NULL`,
    sql`launched_at`,
    async (id) => (await fillCampaign(db, by, id)).items,
  );
}
