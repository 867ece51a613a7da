import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, readRows, revocationColumns, selectList } from "@/db/columns";
import { entitlements, revocations } from "@/db/schema";
import { isGuid } from "@/lib/validation";
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

const queuedEntitlementColumns = pick(revocationColumns, "id", "identityId", "entitlementId");

/**
 * Revocations of single entitlements, queued set-based for every entitlement `where` picks (over
 * `entitlements e`, at most `limit`) that has no revocation in flight. The caller records the
 * audit events.
 */
export async function queueEntitlementRevocations(
  tx: Database,
  q: { where: SQL; reason: string; requestedBy: string | null; at: Date; limit: number },
) {
  const at = q.at.toISOString();
  const inFlight = sql.join(
    IN_FLIGHT.map((s) => sql`${s}`),
    sql`, `,
  );
  return readRows(
    tx,
    queuedEntitlementColumns,
    sql`INSERT INTO revocations (operation, target_type, identity_id, entitlement_id, reason, requested_by, status, next_attempt_at, created_at, updated_at)
      SELECT 'revoke', 'entitlement', e.identity_id, e.id, ${q.reason}, ${q.requestedBy}::uuid, 'requested', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
      FROM entitlements e WHERE (${q.where})
        AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.entitlement_id = e.id AND r.operation = 'revoke' AND r.status IN (${inFlight}))
      ORDER BY e.expires_at, e.id LIMIT ${q.limit}
      ON CONFLICT DO NOTHING RETURNING ${selectList(queuedEntitlementColumns)}`,
  );
}

/**
 * An approved entitlement's grant, queued for the runner (the mirror of a revocation): the caller
 * has inserted the entitlement as `pending` and records the audit event. The runner grants it
 * through the system's connector and, on the system's confirmation, makes it active.
 */
export async function queueGrant(
  tx: Database,
  q: { identityId: string; entitlementId: string; reason: string; requestedBy: string | null; at: Date },
): Promise<string> {
  const [row] = await tx
    .insert(revocations)
    .values({
      operation: "grant",
      targetType: "entitlement",
      identityId: q.identityId,
      entitlementId: q.entitlementId,
      reason: q.reason,
      requestedBy: q.requestedBy,
      status: "requested",
      nextAttemptAt: q.at,
      createdAt: q.at,
      updatedAt: q.at,
    })
    .returning({ id: revocations.id });
  return row!.id;
}

/** The grants still waiting to be carried out for these requests (what an approval just queued). */
export async function grantsOfRequests(db: Database, requestIds: string[]): Promise<string[]> {
  requestIds = requestIds.filter(isGuid);
  if (!requestIds.length) return [];
  const rows = await db
    .select({ id: revocations.id })
    .from(revocations)
    .innerJoin(entitlements, eq(entitlements.id, revocations.entitlementId))
    .where(
      and(
        eq(revocations.operation, "grant"),
        eq(revocations.status, "requested"),
        inArray(entitlements.grantedByRequestId, requestIds),
      ),
    );
  return rows.map((r) => r.id);
}
