import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { readRows } from "@/db/columns";
import { uuidList } from "@/lib/sql";
import { hasRole, type Actor } from "@/lib/auth";
import { DAY } from "@/lib/clock";
import { parseInput } from "@/lib/errors";
import { cursorParam, decodeCursor, idPart, searchInput } from "@/lib/paging";
import { text } from "@/lib/validation";

/**
 * The reviewer's queue narrowed by a filter, from the URL (My reviews) or a bulk decision over a
 * filter ("revoke everything unused for 90 days"): one campaign, identities unused for at least N
 * days (never used counts), a name search. Keyset pages by (identity name, item id).
 */
const CURSOR = z.tuple([text().max(1000), idPart]);

export const queueFilterSchema = z.object({
  campaign: z.guid("That campaign id is not valid.").optional(),
  unused: z.coerce
    .number({ error: "Unused for: a number of days." })
    .int("Unused for: a whole number of days.")
    .min(1, "Unused for: at least 1 day.")
    .max(3650, "Unused for: at most 3,650 days.")
    .optional(),
  q: text().trim().max(200, "Keep the search under 200 characters.").optional(),
  after: cursorParam(CURSOR).optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

export function parseQueueFilter(params: Record<string, unknown>): QueueFilter {
  return parseInput(queueFilterSchema, searchInput(params), "Some filters are not valid.");
}

/** The filter as SQL over the aliases r (the item) and i (the identity); the page's cursor is not part of it. */
export function queueWhere(f: QueueFilter, at: Date): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.campaign) parts.push(sql`r.campaign_id = ${f.campaign}::uuid`);
  if (f.unused)
    parts.push(
      sql`(i.last_used_at IS NULL OR i.last_used_at < ${new Date(at.getTime() - f.unused * DAY).toISOString()}::timestamptz)`,
    );
  if (f.q) parts.push(sql`i.name ILIKE ${`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  return sql.join(parts, sql` AND `);
}

/** The page's cursor as SQL: rows after the previous page's last (name, id). */
export function afterCursor(f: QueueFilter): SQL {
  if (!f.after) return sql`true`;
  const [name, id] = decodeCursor(CURSOR, f.after);
  return sql`(i.name, r.id) > (${name}, ${id}::uuid)`;
}

/**
 * The items the actor decides, as SQL over review_items `x`: their own, those escalated to them past
 * the due date, and (security) the shared queue's and what was escalated to it.
 */
function decidedBy(actor: Actor, x: string): SQL {
  const col = (c: string) => sql.raw(`${x}.${c}`);
  const me = sql`${actor.personId}::uuid`;
  const escalated = sql`${col("escalated_at")} IS NOT NULL`;
  return hasRole(actor, "security")
    ? sql`(${col("reviewer_id")} = ${me} OR ${col("reviewer_id")} IS NULL OR (${escalated} AND (${col("escalated_to_id")} = ${me} OR ${col("escalated_to_id")} IS NULL)))`
    : sql`(${col("reviewer_id")} = ${me} OR (${escalated} AND ${col("escalated_to_id")} = ${me}))`;
}

/** Security's second stage, over review_items `x`: certifications waiting for confirmation (not their own). */
function toConfirm(actor: Actor, x: string): SQL | undefined {
  if (!hasRole(actor, "security")) return undefined;
  const col = (c: string) => sql.raw(`${x}.${c}`);
  return sql`(${col("decision")} = 'certify' AND ${col("confirm_needed")} AND ${col("confirmed_at")} IS NULL AND ${col("decided_by")} <> ${actor.personId}::uuid)`;
}

/**
 * What waits for the actor, over review_items `x`: undecided items they decide, and (security)
 * certifications to confirm, in the `active` campaigns (activeCampaignIds). The ids are written in
 * as values rather than a subquery over campaigns: the planner then reads from review_items'
 * statistics how many items they hold. Behind a subquery it guesses (a few hundred rows when
 * campaigns has no statistics), sorts security's whole shared queue of ~100,000 items by name for
 * a page of 50 (~600 ms), where walking identities in name order takes ~20 ms.
 */
export function waitingFor(actor: Actor, x: string, active: readonly string[]): SQL {
  const undecided = sql`(${decidedBy(actor, x)} AND ${sql.raw(`${x}.decision`)} IS NULL)`;
  const confirm = toConfirm(actor, x);
  const campaign = active.length ? sql`${sql.raw(`${x}.campaign_id`)} IN (${uuidList(active)})` : sql`false`;
  return sql`(${confirm ? sql`${undecided} OR ${confirm}` : undecided}) AND ${campaign}`;
}

/** The ids of the active campaigns, for waitingFor: a handful of rows however many items they hold. */
export async function activeCampaignIds(db: Database): Promise<string[]> {
  const rows = await readRows(db, { id: sql<string>`id` }, sql`SELECT id FROM campaigns WHERE status = 'active'`);
  return rows.map((r) => r.id);
}

/** The undecided items the actor decides, over review_items `x` (a bulk decision's candidates: never a second stage's). */
export function undecidedFor(actor: Actor, x: string): SQL {
  return sql`${decidedBy(actor, x)} AND ${sql.raw(`${x}.decision`)} IS NULL AND ${sql.raw(`${x}.campaign_id`)} IN (SELECT id FROM campaigns WHERE status = 'active')`;
}
