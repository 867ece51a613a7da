import "server-only";
import { and, asc, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { campaignColumns, pick, readRows } from "@/db/columns";
import { campaigns, reviewItems, systems, teams, users } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { forbidden, notFound, parseInput } from "@/lib/errors";
import { encodeCursor } from "@/lib/paging";
import { isGuid } from "@/lib/validation";
import { campaignIdSchema } from "./input";
import { itemIdentity as i, itemTable as r, itemsWhere, type ReviewItem } from "./facts";
import { mayManage } from "./campaigns";
import { activeCampaignIds, afterCursor, queueWhere, waitingFor, type QueueFilter } from "./queue-filter";
import { FILTER_MAX } from "./bulk";

/**
 * What the Reviews pages read: the campaigns an actor may see (security and auditors: all;
 * managers: their own; anyone: those they review in), one campaign with its progress per
 * reviewer, and the items waiting for a reviewer.
 */
const creator = alias(users, "creator");

// Spelled out: inside a select field's subquery Drizzle writes ${campaigns.id} as a bare "id",
// which the subquery would read as its own review_items.id.
const progress = {
  // Launch counted them and a campaign's items never change after: no count over its items here.
  items: sql<number>`coalesce("campaigns"."item_count", 0)`.mapWith(Number),
  decided:
    sql<number>`(SELECT count(*)::int FROM review_items x WHERE x.campaign_id = "campaigns"."id" AND x.decision IS NOT NULL)`.mapWith(
      Number,
    ),
};

function visibleTo(actor: Actor): SQL | undefined {
  if (hasRole(actor, "security", "auditor")) return undefined;
  return or(
    eq(campaigns.createdBy, actor.personId),
    sql`EXISTS (SELECT 1 FROM review_items x WHERE x.campaign_id = "campaigns"."id" AND x.reviewer_id = ${actor.personId}::uuid)`,
  );
}

export async function listCampaigns(db: Database, actor: Actor) {
  return db
    .select({
      ...pick(
        campaignColumns,
        "id",
        "name",
        "status",
        "dueAt",
        "createdAt",
        "launchedAt",
        "closedAt",
        "itemCount",
        "filledAt",
      ),
      ...progress,
      createdBy: creator.name,
    })
    .from(campaigns)
    .innerJoin(creator, eq(creator.id, campaigns.createdBy))
    .where(visibleTo(actor))
    .orderBy(desc(campaigns.createdAt))
    .limit(200);
}
export type CampaignSummary = Awaited<ReturnType<typeof listCampaigns>>[number];

/**
 * My reviews' campaign filter: the active campaigns the actor may see, by name (newest first).
 * Just the names: listCampaigns' progress counts every campaign's decided items.
 */
export async function queueCampaigns(db: Database, actor: Actor) {
  return db
    .select(pick(campaignColumns, "id", "name"))
    .from(campaigns)
    .where(and(eq(campaigns.status, "active"), visibleTo(actor)))
    .orderBy(desc(campaigns.createdAt))
    .limit(200);
}

export async function getCampaign(db: Database, actor: Actor, rawId: unknown) {
  const id = parseInput(campaignIdSchema, rawId, "That campaign id is not valid.");
  const where = visibleTo(actor);
  const [campaign] = await db
    .select({ ...campaignColumns, createdByName: creator.name, ...progress })
    .from(campaigns)
    .innerJoin(creator, eq(creator.id, campaigns.createdBy))
    .where(where ? and(eq(campaigns.id, id), where) : eq(campaigns.id, id));
  if (!campaign) throw notFound("That campaign");
  const named = campaign.reviewerId
    ? (await db.select({ name: users.name }).from(users).where(eq(users.id, campaign.reviewerId)))[0]?.name
    : null;
  const rv = alias(users, "rv");
  const reviewers = await db
    .select({
      reviewerId: reviewItems.reviewerId,
      reviewer: sql<string>`coalesce(${rv.name}, 'Security (shared queue)')`,
      items: sql<number>`count(*)::int`.mapWith(Number),
      decided: sql<number>`count(${reviewItems.decision})::int`.mapWith(Number),
      certified: sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} = 'certify')::int`.mapWith(Number),
      revoked: sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} = 'revoke')::int`.mapWith(Number),
      reassigned: sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} = 'reassign')::int`.mapWith(Number),
      noResponse: sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} = 'no_response')::int`.mapWith(Number),
      certifiedApplied:
        sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} = 'certify' AND ${reviewItems.applied} IS NOT NULL)::int`.mapWith(
          Number,
        ),
      /** Decisions a person made (not the no-response ones closing set) and the minutes they took, first to last. */
      byHand:
        sql<number>`count(*) FILTER (WHERE ${reviewItems.decision} IN ('certify', 'revoke', 'reassign'))::int`.mapWith(
          Number,
        ),
      minutes:
        sql<number>`coalesce(extract(epoch FROM max(${reviewItems.decidedAt}) FILTER (WHERE ${reviewItems.decision} <> 'no_response') - min(${reviewItems.decidedAt}) FILTER (WHERE ${reviewItems.decision} <> 'no_response')) / 60, 0)`.mapWith(
          Number,
        ),
    })
    .from(reviewItems)
    .leftJoin(rv, eq(rv.id, reviewItems.reviewerId))
    .where(eq(reviewItems.campaignId, id))
    .groupBy(reviewItems.reviewerId, rv.name)
    .orderBy(sql`count(*) - count(${reviewItems.decision}) DESC`, rv.name);
  // Who else reviews, and how fast, is for those who run or check the campaign, not for each reviewer.
  const canManage = mayManage(actor, campaign);
  const overseer = canManage || hasRole(actor, "auditor", "security");
  const paced = overseer ? reviewers.map((r) => ({ ...r, ...pace(r) })) : [];
  // After the close, certifications are applied in batches (apply.ts): how far that has got.
  const sum = (k: "certified" | "certifiedApplied") => reviewers.reduce((n, r) => n + r[k], 0);
  const applying =
    campaign.status === "closed" && !campaign.appliedAt
      ? { applied: sum("certifiedApplied"), of: sum("certified") }
      : null;
  return {
    campaign,
    applying,
    scopeWords: await describeScope(db, campaign.scope),
    namedReviewer: named ?? null,
    reviewers: paced,
    canManage,
  };
}
/**
 * How fast a reviewer decided, and whether it looks like rubber-stamping: at least RUBBER_STAMP.min
 * decisions, every one a certification, faster than RUBBER_STAMP.perMinute a minute.
 */
export const RUBBER_STAMP = { min: 20, perMinute: 10 } as const;
function pace(r: { byHand: number; minutes: number; certified: number }) {
  const perMinute = r.byHand > 1 ? r.byHand / Math.max(r.minutes, 1 / 60) : null;
  const stamped = r.byHand >= RUBBER_STAMP.min && r.certified === r.byHand && (perMinute ?? 0) > RUBBER_STAMP.perMinute;
  return { perMinute, stamped };
}

/** The stored scope as people read it: the owner, team and system by name, the rest as the filter says. */
async function describeScope(db: Database, scope: Record<string, unknown>): Promise<string> {
  const nameOf = async (table: typeof users | typeof teams | typeof systems, id: unknown) =>
    isGuid(id) ? (await db.select({ name: table.name }).from(table).where(eq(table.id, id)))[0]?.name : undefined;
  const words: string[] = [];
  for (const [key, value] of Object.entries(scope)) {
    const table = key === "owner" ? users : key === "team" ? teams : key === "system" ? systems : null;
    const named = table ? await nameOf(table, value) : undefined;
    words.push(`${key} ${named ?? String(value)}`);
  }
  return words.length ? words.join(", ") : "every live identity";
}

export type CampaignDetail = Awaited<ReturnType<typeof getCampaign>>;

/** A page of a campaign's items (its creator, security and auditors), decided or not. */
export async function campaignItems(db: Database, actor: Actor, campaignId: string): Promise<ReviewItem[]> {
  const { campaign } = await getCampaign(db, actor, campaignId);
  if (!mayManage(actor, campaign) && !hasRole(actor, "auditor"))
    throw forbidden("Only the campaign's creator, security and auditors see all its items.");
  return itemsWhere(db, eq(r.campaignId, campaign.id), [sql`${r.decision} NULLS FIRST`, asc(i.name), asc(r.id)], 200);
}

/** Items waiting for the actor that match `filter` (a page after its cursor), in name order. */
export async function myReviewItems(
  db: Database,
  actor: Actor,
  filter: QueueFilter = {},
  limit = QUEUE_PAGE,
): Promise<ReviewItem[]> {
  const where = sql`${waitingFor(actor, "r", await activeCampaignIds(db))} AND ${queueWhere(filter, now())} AND ${afterCursor(filter)}`;
  return itemsWhere(db, where, undefined, limit);
}

// Fifty cards a page: each carries its facts and forms, and rendering them is most of the page's time.
export const QUEUE_PAGE = 50;

/** My reviews: a page of the actor's queue, how many match the filter, and the next page's cursor. */
export async function reviewQueue(db: Database, actor: Actor, filter: QueueFilter) {
  const [items, total] = await Promise.all([
    myReviewItems(db, actor, filter, QUEUE_PAGE + 1),
    myReviewCount(db, actor, { ...filter, after: undefined }),
  ]);
  const last = items.length > QUEUE_PAGE ? items[QUEUE_PAGE - 1]! : null;
  return {
    items: items.slice(0, QUEUE_PAGE),
    total,
    next: last ? encodeCursor([last.identity, last.id]) : null,
  };
}

/**
 * How far myReviewCount counts: up to one past the most a decision over a filter takes (FILTER_MAX),
 * so "decide all matching" still knows there is more. Past it the pages say "more than 10,000".
 * Counting security's whole shared queue (~100,000 items) took ~40 ms of a core on every view of
 * My reviews, which under ten concurrent reviewers was most of the database's work for the page.
 */
export const QUEUE_COUNT_CAP = FILTER_MAX;

/** How many items wait for the actor (the navigation's count), or match a filter: at most QUEUE_COUNT_CAP + 1. */
export async function myReviewCount(db: Database, actor: Actor, filter: QueueFilter = {}): Promise<number> {
  // The identity is joined only when the filter reads it: over security's queue of 100,000 items
  // the join is a hash join over every identity (~400 ms), the count alone an index scan (~40 ms).
  const join = filter.unused || filter.q ? sql`JOIN identities i ON i.id = r.identity_id` : sql``;
  const [row] = await readRows(
    db,
    { n: sql<number>`n`.mapWith(Number) },
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM review_items r ${join}
        WHERE ${waitingFor(actor, "r", await activeCampaignIds(db))} AND ${queueWhere(filter, now())} LIMIT ${QUEUE_COUNT_CAP + 1}) w`,
  );
  return row?.n ?? 0;
}
