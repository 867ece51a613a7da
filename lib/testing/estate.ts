import "server-only";
import { eq, sql, type SQL } from "drizzle-orm";
import { queryRows, type Connection, type Database } from "@/db";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { listIdentities, type InventoryRow } from "@/lib/identities/inventory";
import { parseInventoryFilter } from "@/lib/identities/inventory-filter";
import { seedDatabase } from "@/lib/seed/seed";

/** Seeds a small demo estate (the personas included) into a test database. */
export async function seedSmall(conn: Connection, identities = 60): Promise<void> {
  await seedDatabase(conn, { identities, seed: 1, ifEmpty: false });
}

/** How many audit events there are (of `action`, when given): a test compares before and after. */
export async function auditCount(db: Database, action?: string): Promise<number> {
  const rows = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(action ? eq(auditEvents.action, action) : undefined);
  return rows.length;
}

/** Ids of identities matching a ground-truth predicate over `identities i`, sorted. */
export async function idsWhere(db: Database, where: SQL): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`SELECT i.id FROM identities i WHERE ${where} ORDER BY i.id`);
  return rows.map((r) => r.id);
}

/** Every inventory row the actor sees for these URL params, walking all pages (200 a page). */
export async function walkInventory(
  db: Database,
  actor: Actor,
  params: Record<string, string | undefined> = {},
): Promise<InventoryRow[]> {
  const rows: InventoryRow[] = [];
  let after: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await listIdentities(db, actor, parseInventoryFilter({ ...params, size: "200", after }), {
      withTotal: false,
    });
    rows.push(...page.rows);
    if (!page.nextCursor) return rows;
    after = page.nextCursor;
  }
  throw new Error("the inventory walk did not end");
}

export const sortedIds = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
