import "server-only";
import { asc, eq, getTableColumns, inArray, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { pick, readRows } from "@/db/columns";
import { identities, reviewItems, users } from "@/db/schema";
import { DAY } from "@/lib/clock";
import { DERIVED_DEFAULTS, riskBand } from "@/lib/identities";

/**
 * What a reviewer needs to decide an item well, read for a page of items at once, and kept with the
 * decision as what they were shown. The suggestion is a rule over those facts with its reason.
 */
const r = alias(reviewItems, "r");
const i = alias(identities, "i");
const o = alias(users, "o");

export const itemColumns = {
  ...pick(getTableColumns(r), "id", "campaignId", "identityId", "reviewerId", "decision", "comment", "decidedAt"),
  reassignToId: r.reassignToId,
  applied: r.applied,
  escalatedAt: r.escalatedAt,
  escalatedToId: r.escalatedToId,
  confirmNeeded: r.confirmNeeded,
  confirmedAt: r.confirmedAt,
  decidedBy: r.decidedBy,
  decidedByName: sql<string | null>`(SELECT name FROM users WHERE id = r.decided_by)`,
  identity: i.name,
  kind: i.kind,
  purpose: i.purpose,
  environment: i.environment,
  lastUsedAt: i.lastUsedAt,
  riskScore: i.riskScore,
  ownerId: i.ownerId,
  backupOwnerId: i.backupOwnerId,
  ownerManagerId: o.managerId,
  owner: o.name,
  ownerStatus: o.status,
  system: sql<string>`(SELECT name FROM systems WHERE id = i.system_id)`,
  reviewer: sql<string | null>`(SELECT name FROM users WHERE id = r.reviewer_id)`,
  /** Active entitlements as "permission on resource", the privileged ones marked, heaviest first. */
  entitlements: sql<Grant[] | null>`(SELECT json_agg(json_build_object(
      'grant', e.permission || ' on ' || e.resource, 'resource', e.resource, 'permission', e.permission, 'privileged', e.privileged)
    ORDER BY e.privileged DESC, e.resource) FROM entitlements e WHERE e.identity_id = i.id AND e.status = 'active')`,
};
/** `others`: how many other identities hold it, counted up to HOLDERS_CAP (`orMore`: at least that many). */
type Grant = {
  grant: string;
  resource: string;
  permission: string;
  privileged: boolean;
  others: number;
  orMore: boolean;
};

/**
 * How many other identities hold each grant of `items`, counted once per distinct grant (one
 * statement for the page) rather than once per item, and only up to HOLDERS_CAP: what a reviewer
 * needs is whether a grant is rare or common, and a grant held a hundred thousand times would
 * otherwise be counted in full on every page and every bulk decision.
 */
export const HOLDERS_CAP = 1_000;
async function withHolders<T extends { entitlements: Grant[] | null }>(db: Database, items: T[]): Promise<T[]> {
  const keys = new Map<string, { resource: string; permission: string }>();
  for (const e of items.flatMap((x) => x.entitlements ?? [])) keys.set(`${e.resource}\u0000${e.permission}`, e);
  if (!keys.size) return items;
  const pairs = sql.join(
    [...keys.values()].map((k) => sql`(${k.resource}, ${k.permission})`),
    sql`, `,
  );
  // Each count walks entitlements_grant_idx and stops one past the cap (the holder itself).
  const counts = await readRows(
    db,
    { resource: sql<string>`g.resource`, permission: sql<string>`g.permission`, n: sql<number>`n`.mapWith(Number) },
    sql`SELECT g.resource, g.permission, h.n FROM (VALUES ${pairs}) AS g(resource, permission)
        CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM (SELECT 1 FROM entitlements e
          WHERE e.resource = g.resource AND e.permission = g.permission AND e.status = 'active' LIMIT ${HOLDERS_CAP + 1}) x) h`,
  );
  const holders = new Map(counts.map((c) => [`${c.resource}\u0000${c.permission}`, c.n]));
  for (const e of items.flatMap((x) => x.entitlements ?? [])) {
    e.others = Math.max(0, (holders.get(`${e.resource}\u0000${e.permission}`) ?? 1) - 1);
    e.orMore = e.others >= HOLDERS_CAP;
  }
  return items;
}

/** Items with their facts, in the order given: `where` and `order` over the aliases r (the item) and i (the identity). */
export async function itemsWhere(
  db: Database,
  where: SQL | undefined,
  order: SQL[] = [asc(i.name), asc(r.id)],
  limit = 500,
  lock = false,
) {
  const query = db
    .select(itemColumns)
    .from(r)
    .innerJoin(i, eq(i.id, r.identityId))
    .leftJoin(o, eq(o.id, i.ownerId))
    .where(where)
    .orderBy(...order)
    .limit(limit);
  // Only the items are locked, not their identities or owners.
  const items = await (lock ? query.for("update", { of: r }) : query);
  return withHolders(db, items);
}
export type ReviewItem = Awaited<ReturnType<typeof itemsWhere>>[number];
export { r as itemTable, i as itemIdentity };

/** Items by id, in id order, locked for update (the caller decides them in its transaction). */
export async function lockedItemsByIds(db: Database, ids: string[]): Promise<ReviewItem[]> {
  // In id order: ordered by name under a LIMIT, the planner walks every identity by name looking for
  // these; and rows locked in id order cannot deadlock with another bulk decision's.
  return ids.length ? itemsWhere(db, inArray(r.id, ids), [asc(r.id)], ids.length, true) : [];
}

export type Suggestion = { decision: "certify" | "revoke"; reason: string } | null;

/** The suggested decision and why: revoke what nobody answers for or nobody uses; certify what is used and low-risk. */
export function suggest(item: ReviewItem, at: Date, dormantDays = DERIVED_DEFAULTS.dormantDays): Suggestion {
  if (!item.ownerId) return { decision: "revoke", reason: "It has no owner." };
  if (item.ownerStatus === "departed") return { decision: "revoke", reason: `Its owner, ${item.owner}, has left.` };
  if (!item.lastUsedAt) return { decision: "revoke", reason: "It has never been used." };
  const idle = Math.floor((at.getTime() - item.lastUsedAt.getTime()) / DAY);
  if (idle > dormantDays)
    return { decision: "revoke", reason: `Unused for ${idle} days (the dormancy limit is ${dormantDays}).` };
  const privileged = (item.entitlements ?? []).some((e) => e.privileged);
  if (riskBand(item.riskScore) === "low" && !privileged)
    return { decision: "certify", reason: `Used ${idle === 0 ? "today" : `${idle} days ago`} and low risk.` };
  return null;
}

/** Whether certifying needs a comment: a privileged or high-risk identity is certified with a reason. */
export function certifyNeedsComment(item: ReviewItem): boolean {
  return riskBand(item.riskScore) === "high" || (item.entitlements ?? []).some((e) => e.privileged);
}

/** What the reviewer was shown, kept with the decision (the evidence's "facts at decision time"). */
export function snapshotOf(item: ReviewItem, at: Date): Record<string, unknown> {
  return {
    identity: item.identity,
    system: item.system,
    environment: item.environment,
    owner: item.owner,
    ownerStatus: item.ownerStatus,
    purpose: item.purpose,
    lastUsedAt: item.lastUsedAt?.toISOString() ?? null,
    riskScore: item.riskScore,
    entitlements: item.entitlements ?? [],
    suggestion: suggest(item, at),
    shownAt: at.toISOString(),
  };
}
