import "server-only";
import { and, asc, count, eq, sql, type SQL } from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { identities, systems, teams, users } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth";
import { forbidden, invalid } from "@/lib/errors";
import { plural } from "@/lib/format";
import { isGuid } from "@/lib/validation";
import { filterSql, inventoryParams, parseInventoryFilter, reportsSql, type InventoryFilter } from "@/lib/identities";

/**
 * A campaign's scope: the inventory's filter over live identities, and for a manager only their
 * reports' identities (down the whole line). Security may review any scope. The scope is checked
 * on the server: a manager's filter that reaches identities outside their reports is refused, not
 * silently narrowed, so what they see in the preview is what the campaign covers.
 */
export const LIVE_FOR_REVIEW = sql`i.status IN ('active', 'suspended')`;

export function mayRunCampaigns(actor: Actor): boolean {
  return hasRole(actor, "security", "manager");
}

/** The filter as stored with the campaign: its URL parameters, "owner=me" written as the creator. */
export function storedScope(
  actor: Actor,
  raw: Record<string, unknown>,
): { filter: InventoryFilter; stored: Record<string, string> } {
  const filter = parseInventoryFilter(raw);
  const fixed = filter.owner === "me" ? { ...filter, owner: actor.personId } : filter;
  const keep = [
    "q",
    "kind",
    "system",
    "env",
    "status",
    "owner",
    "team",
    "state",
    "privileged",
    "riskMin",
    "idle",
    "within",
  ];
  const params = inventoryParams(fixed);
  const stored = Object.fromEntries([...params.entries()].filter(([k]) => keep.includes(k)));
  return { filter: fixed, stored };
}

/**
 * The stored scope with an owner's email and a team's name written as their ids, so a renamed team
 * or an email given to someone else later does not change what a recurring campaign covers.
 * A name that matches nothing is kept (it matches nothing at launch either).
 */
export async function resolvedScope(db: Database, stored: Record<string, string>): Promise<Record<string, string>> {
  const idOf = async (table: typeof users | typeof teams, column: AnyPgColumn, value: string) =>
    (
      await db
        .select({ id: table.id })
        .from(table)
        .where(sql`lower(${column}) = lower(${value})`)
        .limit(1)
    )[0]?.id;
  const out = { ...stored };
  if (out.owner?.includes("@")) out.owner = (await idOf(users, users.email, out.owner)) ?? out.owner;
  if (out.team && !isGuid(out.team)) out.team = (await idOf(teams, teams.name, out.team)) ?? out.team;
  return out;
}

/** The scope's conditions over `identities i`, for the campaign's creator. */
export function scopeSql(creator: Actor, filter: InventoryFilter, at: Date): SQL {
  const where = [LIVE_FOR_REVIEW, ...filterSql(creator, filter, at)];
  if (!hasRole(creator, "security")) where.push(sql`i.owner_id = ANY (ARRAY(${reportsSql(creator.personId)}))`);
  return sql.join(where, sql` AND `);
}

// The scope's SQL names the identity i (the inventory's conditions read it).
const i = alias(identities, "i");
const s = alias(systems, "s");
const o = alias(users, "o");

/** How many identities `where` (over `identities i`) holds. */
async function countIdentities(db: Database, where: SQL): Promise<number> {
  const [row] = await db.select({ n: count() }).from(i).where(where);
  return row?.n ?? 0;
}

export type ScopePreview = {
  count: number;
  rows: { id: string; name: string; system: string; owner: string | null }[];
};

/**
 * The live count and the first rows of a scope, as the campaign would snapshot it now. Refuses
 * a member or an auditor, and a manager whose filter reaches beyond their reports.
 */
export async function previewScope(
  db: Database,
  actor: Actor,
  raw: Record<string, unknown>,
  at: Date,
): Promise<ScopePreview> {
  if (!mayRunCampaigns(actor)) throw forbidden("Only security and managers run review campaigns.");
  const { filter } = storedScope(actor, raw);
  if (!hasRole(actor, "security")) {
    const wide = sql.join([LIVE_FOR_REVIEW, ...filterSql(actor, filter, at)], sql` AND `);
    const notReports = sql`(i.owner_id IS NULL OR NOT (i.owner_id = ANY (ARRAY(${reportsSql(actor.personId)}))))`;
    const outside = await countIdentities(db, and(wide, notReports)!);
    if (outside > 0)
      throw invalid(
        `A manager's campaign covers only their reports' identities; this filter also reaches ${plural(outside, "identity", "identities", { grouped: true })} of others. Narrow it (an owner or a team of yours).`,
        { scope: ["The scope reaches beyond your reports' identities."] },
      );
  }
  const where = scopeSql(actor, filter, at);
  const count = await countIdentities(db, where);
  const rows = await db
    .select({ id: i.id, name: i.name, system: s.name, owner: o.name })
    .from(i)
    .innerJoin(s, eq(s.id, i.systemId))
    .leftJoin(o, eq(o.id, i.ownerId))
    .where(where)
    .orderBy(asc(i.name), asc(i.id))
    .limit(10);
  return { count, rows };
}
