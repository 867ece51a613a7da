import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { hasRole, type Actor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { derivedStatePredicate } from "./derived-states-sql";
import { drizzleExec } from "./inventory";
import { parseInventoryFilter } from "./inventory-filter";
import { whereSql } from "./inventory-query";
import { countMatches, type Total } from "./inventory-total";

export type OwnedSummary = {
  owned: number;
  expiring: number;
  expired: number;
  dormant: number;
  reviewOverdue: number;
  noExpiry: number;
};

/** The actor's own identities and which of them need attention (one indexed pass over them). */
export async function ownedSummary(db: Database, actor: Actor): Promise<OwnedSummary> {
  const at = now();
  const [row] = await queryRows<OwnedSummary>(
    db,
    sql`SELECT count(*)::int AS owned,
               count(*) FILTER (WHERE ${derivedStatePredicate("expiring", at)})::int AS expiring,
               count(*) FILTER (WHERE ${derivedStatePredicate("expired", at)})::int AS expired,
               count(*) FILTER (WHERE ${derivedStatePredicate("dormant", at)})::int AS dormant,
               count(*) FILTER (WHERE ${derivedStatePredicate("review_overdue", at)})::int AS "reviewOverdue",
               count(*) FILTER (WHERE ${derivedStatePredicate("no_expiry", at)})::int AS "noExpiry"
        FROM identities i
        WHERE i.owner_id = ${actor.personId} AND i.status IN ('active', 'suspended')`,
  );
  return row!;
}

/**
 * Identities whose owner is missing or has left, across the estate (security and auditors only):
 * the inventory's own total for its Orphaned view, so the two pages agree, exact when small and
 * an estimate when large. An exact count of every orphan took half a second at a million.
 */
export async function orphanTotal(db: Database, actor: Actor): Promise<Total | null> {
  if (!hasRole(actor, "security", "auditor")) return null;
  return countMatches(drizzleExec(db), whereSql(actor, parseInventoryFilter({ state: "orphaned" }), now()));
}
