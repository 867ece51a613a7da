import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { hasRole, type Actor } from "@/lib/auth";

/**
 * Which identities an actor may see, as a predicate over `identities i`: the inventory, its export
 * and summaries, and every list of things about identities (revocations) filter by it in SQL, not
 * in pages. access.ts (canSee) states the same rule for one identity.
 */
export function identityScopeSql(actor: Actor): SQL | null {
  if (hasRole(actor, "security", "auditor")) return null;
  const me = sql`${actor.personId}::uuid`;
  const own = [sql`i.owner_id = ${me}`, sql`i.backup_owner_id = ${me}`];
  if (actor.teamId) own.push(sql`i.team_id = ${actor.teamId}::uuid`);
  // Managers see their reports' identities, down the whole line (departed reports included). The
  // relation, not the role, decides, exactly as access.ts does for one identity.
  own.push(sql`i.owner_id = ANY (ARRAY(${reportsSql(actor.personId)}))`);
  return sql`(${sql.join(own, sql` OR `)})`;
}

/** Everyone who reports to `managerId`, directly or through others. */
export function reportsSql(managerId: string): SQL {
  return sql`WITH RECURSIVE r AS (SELECT id FROM users WHERE manager_id = ${managerId}::uuid UNION SELECT u.id FROM users u JOIN r ON u.manager_id = r.id) SELECT id FROM r`;
}
