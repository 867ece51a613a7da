import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth/actor";

export type InventoryFacets = { systems: { id: string; name: string }[]; teams: { id: string; name: string }[]; ownerName: string | null };

/** Choices for the inventory's filter pickers (systems and teams are names, not secrets). */
export async function inventoryFacets(db: Database, _actor: Actor, ownerId?: string): Promise<InventoryFacets> {
  const [systems, teams, owner] = await Promise.all([
    queryRows<{ id: string; name: string }>(db, sql`SELECT id, name FROM systems ORDER BY name`),
    queryRows<{ id: string; name: string }>(db, sql`SELECT id, name FROM teams ORDER BY name LIMIT 1000`),
    ownerId ? queryRows<{ name: string }>(db, sql`SELECT name FROM users WHERE id = ${ownerId}::uuid`) : Promise.resolve([]),
  ]);
  return { systems, teams, ownerName: owner[0]?.name ?? null };
}
