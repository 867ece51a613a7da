import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { uuidList } from "@/lib/sql";
import { breakGlassGrants, entitlements } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { isPrivilegedGrant, type PolicySettings } from "@/lib/policy";
import { queueEntitlementRevocations, queueGrant } from "@/lib/revocations";
import { HOUR } from "@/lib/clock";

/**
 * The steps a break-glass takes, each inside the transaction of whoever takes it (the requester
 * on call, security's approval, the job at the start or the end, End now), with its audit event.
 * Its elevated entitlement goes through the connector like any grant (lib/revocations): granted
 * and read back at the start, revoked and read back at the end.
 */
/** What the steps read of a break-glass (the row type below), one column set for all of them. */
export const breakGlassRowColumns = {
  id: breakGlassGrants.id,
  identityId: breakGlassGrants.identityId,
  requesterId: breakGlassGrants.requesterId,
  resource: breakGlassGrants.resource,
  permission: breakGlassGrants.permission,
  hours: breakGlassGrants.hours,
  startsAt: breakGlassGrants.startsAt,
  entitlementId: breakGlassGrants.entitlementId,
  incidentRef: breakGlassGrants.incidentRef,
};

export type BreakGlassRow = {
  id: string;
  identityId: string;
  requesterId: string;
  resource: string | null;
  permission: string | null;
  hours: number;
  startsAt: Date;
  entitlementId: string | null;
  incidentRef: string;
};

/** Tells a set of people (one row each) in the bell; `who` is a query of user ids. */
export async function notify(tx: Database, who: SQL, text: string, href: string, at: Date): Promise<void> {
  await tx.execute(sql`INSERT INTO notifications (recipient_id, kind, text, href, created_at)
    SELECT id, 'break_glass', ${text}, ${href}, ${at.toISOString()}::timestamptz FROM (${who}) AS w(id)`);
}

/** Every active member of security. */
export const securityTeam = sql`SELECT id FROM users WHERE status = 'active' AND 'security' = ANY(roles)`;

/**
 * Opens the access now: the window runs from now (or the later start) for its hours; the elevated
 * entitlement is inserted pending and its grant queued (the runner grants it through the
 * connector and marks it active only on the system's confirmation). Returns the grant's id.
 */
export async function activate(
  tx: Database,
  row: BreakGlassRow,
  by: AuditActor,
  at: Date,
  settings: PolicySettings,
): Promise<string | null> {
  const startsAt = new Date(Math.max(at.getTime(), row.startsAt.getTime()));
  const hardEndAt = new Date(startsAt.getTime() + row.hours * HOUR);
  let entitlementId: string | null = null;
  let grantId: string | null = null;
  if (row.resource && row.permission) {
    const grant = { resource: row.resource, permission: row.permission };
    const [e] = await tx
      .insert(entitlements)
      .values({
        identityId: row.identityId,
        ...grant,
        privileged: isPrivilegedGrant(grant, settings.privilegedPermissions),
        status: "pending",
        expiresAt: hardEndAt,
        createdAt: at,
      })
      .returning({ id: entitlements.id });
    entitlementId = e!.id;
    grantId = await queueGrant(tx, {
      identityId: row.identityId,
      entitlementId,
      reason: `Break-glass ${row.incidentRef}`,
      requestedBy: row.requesterId,
      at,
    });
    await record(tx, {
      actor: by,
      action: "grant.requested",
      subject: { type: "identity", id: row.identityId },
      after: { grantId, entitlementId, ...grant, breakGlassId: row.id, expiresAt: hardEndAt.toISOString() },
    });
  }
  await tx.execute(sql`UPDATE break_glass_grants SET status = 'active', activated_at = ${at.toISOString()}::timestamptz,
      starts_at = ${startsAt.toISOString()}::timestamptz, hard_end_at = ${hardEndAt.toISOString()}::timestamptz,
      entitlement_id = ${entitlementId}::uuid, grant_op_id = ${grantId}::uuid
    WHERE id = ${row.id}::uuid`);
  await record(tx, {
    actor: by,
    action: "break_glass.activated",
    subject: { type: "break_glass", id: row.id },
    after: {
      identityId: row.identityId,
      hardEndAt: hardEndAt.toISOString(),
      entitlementId,
      grantId,
      incident: row.incidentRef,
    },
  });
  return grantId;
}

/**
 * Closes the access of many grants at once (the job ends hundreds in one minute; End now ends
 * one): each is ended (by time or by hand), its elevated entitlement's revocation queued (one
 * already in flight carries on), and a post-use review opened for security and the holder's
 * manager, due in policy's days. Set-based: a handful of statements whatever the number.
 * Returns the revocations queued.
 */
export async function endMany(
  tx: Database,
  rows: BreakGlassRow[],
  how: { by: AuditActor; endedBy: string | null; reason: "time" | "hand"; at: Date; reviewDays: number },
): Promise<string[]> {
  if (!rows.length) return [];
  const at = how.at.toISOString();
  const due = new Date(how.at.getTime() + how.reviewDays * 24 * HOUR).toISOString();
  const held = rows.filter((r) => r.entitlementId).map((r) => r.entitlementId!);
  const queued = held.length
    ? await queueEntitlementRevocations(tx, {
        where: sql`e.id IN (${uuidList(held)}) AND e.status IN ('pending', 'active')`,
        reason: "Break-glass ended",
        requestedBy: how.endedBy,
        at: how.at,
        limit: held.length,
      })
    : [];
  // Where a revocation was already in flight (the grants' expiry job may have queued it), that one.
  const inFlight = held.length
    ? await queryRows<{ id: string; entitlement_id: string }>(
        tx,
        sql`SELECT DISTINCT ON (entitlement_id) id, entitlement_id FROM revocations
          WHERE entitlement_id IN (${uuidList(held)}) AND operation = 'revoke' ORDER BY entitlement_id, created_at DESC`,
      )
    : [];
  const revocationOf = new Map(inFlight.map((r) => [r.entitlement_id, r.id]));
  for (const q of queued)
    await record(tx, {
      actor: how.by,
      action: "revocation.requested",
      subject: { type: "identity", id: q.identityId },
      after: {
        revocationId: q.id,
        target: "entitlement",
        entitlementId: q.entitlementId,
        reason: "Break-glass ended.",
      },
    });
  const payload = JSON.stringify(
    rows.map((r) => ({ id: r.id, revocation: r.entitlementId ? (revocationOf.get(r.entitlementId) ?? null) : null })),
  );
  await tx.execute(sql`UPDATE break_glass_grants b SET status = 'ended', ended_at = ${at}::timestamptz, ended_by = ${how.endedBy}::uuid,
      end_reason = ${how.reason}, revoke_op_id = x.revocation, review_due_at = ${due}::timestamptz
    FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, revocation uuid) WHERE b.id = x.id`);
  for (const r of rows) {
    await record(tx, {
      actor: how.by,
      action: "break_glass.ended",
      subject: { type: "break_glass", id: r.id },
      after: {
        identityId: r.identityId,
        reason: how.reason,
        revocationId: r.entitlementId ? (revocationOf.get(r.entitlementId) ?? null) : null,
        reviewDueAt: due,
      },
    });
  }
  // The look back, in the bell of security and each holder's manager (one row per person and grant).
  await tx.execute(sql`INSERT INTO notifications (recipient_id, kind, text, href, created_at)
    SELECT p.id, 'break_glass', 'Break-glass ' || b.incident_ref || ' has ended: look back on it by ' || ${due.slice(0, 10)} || '.',
      '/break-glass/' || b.id, ${at}::timestamptz
    FROM break_glass_grants b
    CROSS JOIN LATERAL (${securityTeam} UNION SELECT manager_id FROM users WHERE id = b.requester_id AND manager_id IS NOT NULL) AS p(id)
    WHERE b.id IN (${uuidList(rows.map((r) => r.id))})`);
  return [...new Set(revocationOf.values())];
}
