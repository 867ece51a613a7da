import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, readRows, revocationColumns, selectList } from "@/db/columns";
import { IN_FLIGHT } from "./claim";

const queuedColumns = pick(revocationColumns, "id", "identityId");

/**
 * Revocations of whole identities, queued set-based (INSERT … SELECT) for every identity `where`
 * picks (over `identities i`) that has none in flight: one in flight carries on instead. The caller
 * has decided they are due (a person allowed to, a job, a closed review) and records the audit
 * events; the runner carries them out through the connectors.
 */
export async function queueIdentityRevocations(
  tx: Database,
  q: { where: SQL; reason: string; requestedBy: string | null; at: Date },
): Promise<{ id: string; identityId: string }[]> {
  const at = q.at.toISOString();
  const inFlight = sql.join(
    IN_FLIGHT.map((s) => sql`${s}`),
    sql`, `,
  );
  return readRows(
    tx,
    queuedColumns,
    sql`INSERT INTO revocations (target_type, identity_id, reason, requested_by, status, next_attempt_at, created_at, updated_at)
      SELECT 'identity', i.id, ${q.reason}, ${q.requestedBy}::uuid, 'requested', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
      FROM identities i WHERE (${q.where})
        AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.identity_id = i.id AND r.target_type = 'identity' AND r.status IN (${inFlight}))
      ON CONFLICT DO NOTHING RETURNING ${selectList(queuedColumns)}`,
  );
}
