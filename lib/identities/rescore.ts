import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { record, type AuditActor } from "@/lib/audit";
import { now } from "@/lib/clock";
import { rescoreIdentities } from "./risk";

/**
 * Rescores the whole estate: the factors that move with the clock (dormancy, overdue rotation
 * and review, expiry passing) change without anyone touching the identity. One set-based UPDATE
 * of the rows whose score changed, and one audit event, in one transaction. Run by
 * `steward risk rescore` and (with the lifecycle jobs) daily.
 */
export async function rescoreEstate(db: Database, actor: AuditActor): Promise<{ changed: number; ms: number }> {
  const t0 = performance.now();
  const at = now();
  const changed = await db.transaction(async (tx) => {
    const n = await rescoreIdentities(tx, sql`true`, at);
    await record(tx, { actor, action: "risk.rescored", after: { changed: n, at: at.toISOString() } });
    return n;
  });
  return { changed, ms: performance.now() - t0 };
}
