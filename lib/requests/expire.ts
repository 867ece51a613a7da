import "server-only";
import { and, eq, lt } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, requestColumns } from "@/db/columns";
import { requests } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { loadPolicySettings } from "@/lib/policy";
import { DAY } from "@/lib/clock";

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
    const cutoff = new Date(at.getTime() - staleRequestDays * DAY);
    const expired = await tx
      .update(requests)
      .set({ status: "expired", decidedAt: at, currentStage: null, awaitingApproverId: null, awaitingSecurity: false })
      .where(and(eq(requests.status, "pending"), lt(requests.createdAt, cutoff)))
      .returning(pick(requestColumns, "id", "createdAt"));
    for (const r of expired) {
      await record(tx, {
        actor: by,
        action: "request.expired",
        subject: { type: "request", id: r.id },
        after: { staleDays: staleRequestDays, createdAt: r.createdAt.toISOString() },
      });
    }
    return { expired: expired.length, staleDays: staleRequestDays };
  });
}
