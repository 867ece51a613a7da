import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { identities } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { derivedStatePredicate } from "./derived-states-sql";
import { drizzleExec } from "./inventory";
import { parseInventoryFilter } from "./inventory-filter";
import { whereSql } from "./inventory-query";
import { countMatches, type Total } from "./inventory-total";

// The derived-state predicates name the identity `i`.
const i = alias(identities, "i");
const countWhere = (state: Parameters<typeof derivedStatePredicate>[0], at: Date) =>
  sql<number>`count(*) FILTER (WHERE ${derivedStatePredicate(state, at)})::int`;

function summaryColumns(at: Date) {
  return {
    owned: sql<number>`count(*)::int`,
    expiring: countWhere("expiring", at),
    expired: countWhere("expired", at),
    dormant: countWhere("dormant", at),
    reviewOverdue: countWhere("review_overdue", at),
    noExpiry: countWhere("no_expiry", at),
  };
}
export type OwnedSummary = { [K in keyof ReturnType<typeof summaryColumns>]: number };

/** The actor's own identities and which of them need attention (one indexed pass over them). */
export async function ownedSummary(db: Database, actor: Actor): Promise<OwnedSummary> {
  const [row] = await db
    .select(summaryColumns(now()))
    .from(i)
    .where(and(eq(i.ownerId, actor.personId), inArray(i.status, ["active", "suspended"])));
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
