import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { readRows } from "@/db/columns";

/**
 * A lifecycle job's pass over the campaigns with work left (`where`, oldest first by `order`):
 * `run` finishes one and says how many items it did. What a restart interrupted is done here.
 */
export async function forEachCampaign(
  db: Database,
  where: SQL,
  order: SQL,
  run: (id: string) => Promise<number>,
): Promise<{ campaigns: number; items: number }> {
  const open = await readRows(
    db,
    { id: sql<string>`id` },
    sql`SELECT id FROM campaigns WHERE ${where} ORDER BY ${order}`,
  );
  const out = { campaigns: 0, items: 0 };
  for (const { id } of open) {
    out.campaigns += 1;
    out.items += await run(id);
  }
  return out;
}
