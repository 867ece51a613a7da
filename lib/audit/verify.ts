import "server-only";
import { asc, gt } from "drizzle-orm";
import type { Database } from "@/db";
import { auditEvents } from "@/db/schema";
import { GENESIS_HASH, eventHash } from "./hash";

export type VerifyResult =
  { ok: true; count: number; head: string } | { ok: false; count: number; brokenAt: number; reason: string };

/** Recomputes the whole chain in sequence order, in batches, and names the first broken event. */
export async function verifyAuditChain(db: Database, batchSize = 5000): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.seq, expectedSeq - 1))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize);
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return {
          ok: false,
          count,
          brokenAt: expectedSeq,
          reason: `event ${expectedSeq} is missing (the next event is ${row.seq})`,
        };
      }
      if (row.prevHash !== prevHash) {
        return {
          ok: false,
          count,
          brokenAt: row.seq,
          reason: `event ${row.seq} does not follow event ${row.seq - 1} (prev_hash differs)`,
        };
      }
      if (eventHash(prevHash, row) !== row.hash) {
        return {
          ok: false,
          count,
          brokenAt: row.seq,
          reason: `event ${row.seq} was altered (its hash does not match its content)`,
        };
      }
      prevHash = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < batchSize) return { ok: true, count, head: prevHash };
  }
}
