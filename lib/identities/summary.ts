import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { hasRole, type Actor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { derivedStatePredicate } from "./derived-states";

export type OwnedSummary = { owned: number; expiring: number; expired: number; dormant: number; reviewOverdue: number; noExpiry: number };

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

/** Identities whose owner is missing or has left: security and auditors see the whole estate's count. */
export async function orphanCount(db: Database, actor: Actor): Promise<number | null> {
  if (!hasRole(actor, "security", "auditor")) return null;
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`SELECT (SELECT count(*) FROM identities WHERE owner_id IS NULL AND status IN ('active', 'suspended'))
             + (SELECT count(*) FROM identities i JOIN users u ON u.id = i.owner_id WHERE u.status = 'departed' AND i.status IN ('active', 'suspended')) AS n`,
  );
  return Number(row?.n ?? 0);
}
