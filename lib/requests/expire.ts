import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { record, type AuditActor } from "@/lib/audit/record";
import { loadPolicySettings } from "@/lib/policy/settings";

/**
 * Pending requests older than policy's stale limit expire: nobody decided in time, so nobody is
 * granted anything. One transaction; one audit event per expired request, in the job's name.
 * Running it again changes nothing.
 */
export async function expireStaleRequests(
  db: Database,
  by: AuditActor,
  at: Date,
): Promise<{ expired: number; staleDays: number }> {
  return db.transaction(async (tx) => {
    const { staleRequestDays } = await loadPolicySettings(tx);
    const cutoff = new Date(at.getTime() - staleRequestDays * 86_400_000);
    const expired = await queryRows<{ id: string; created_at: Date | string }>(
      tx,
      sql`UPDATE requests SET status = 'expired', decided_at = ${at.toISOString()}::timestamptz, current_stage = NULL, awaiting_approver_id = NULL, awaiting_security = false
          WHERE status = 'pending' AND created_at < ${cutoff.toISOString()}::timestamptz RETURNING id, created_at`,
    );
    for (const r of expired) {
      await record(tx, {
        actor: by,
        action: "request.expired",
        subject: { type: "request", id: r.id },
        after: { staleDays: staleRequestDays, createdAt: new Date(r.created_at).toISOString() },
      });
    }
    return { expired: expired.length, staleDays: staleRequestDays };
  });
}
