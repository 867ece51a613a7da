import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { lockById } from "@/db/locks";
import { identityColumns, pick, readRows, requestColumns, selectList, type RowOf } from "@/db/columns";
import { entitlements, identities, policyExceptions, systems, users } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { isoOrNull } from "@/lib/format";
import { rescoreIdentities } from "@/lib/identities";
import { LIFETIME_RULE, isPrivilegedGrant, reviewPeriodDays, type PolicySettings } from "@/lib/policy";
import { conflict } from "@/lib/errors";
import { queueGrant } from "@/lib/revocations";
import { DAY } from "@/lib/clock";

/**
 * Carries out an approved request, inside the transaction of its final approval: the identity
 * created as active, the entitlement granted, the expiry moved, the owner changed. Each change
 * has its own audit event beside the request's. Returns the identity the request ended up about.
 */
export const storedRequestColumns = pick(requestColumns, "id", "type", "requesterId", "subjectIdentityId", "payload");
export type StoredRequest = RowOf<typeof storedRequestColumns>;
const createdColumns = pick(identityColumns, "id");

const date = (v: unknown) => (typeof v === "string" ? new Date(v) : null);

export async function applyRequest(
  tx: Database,
  req: StoredRequest,
  by: AuditActor,
  at: Date,
  settings: PolicySettings,
): Promise<string | null> {
  const p = req.payload;
  switch (req.type) {
    case "new_identity": {
      const ownerId = String(p.ownerId);
      const systemId = String(p.systemId);
      // The system is held while the identity is created in it: a retirement committing at the same
      // moment either waits and then revokes this identity too, or has committed and refuses it here.
      const [system] = await tx
        .select({ status: systems.status, name: systems.name })
        .from(systems)
        .where(eq(systems.id, systemId))
        .for("share");
      if (system?.status !== "active")
        throw conflict(`${system?.name ?? "That system"} is retired; nothing new is created in it.`);
      const next = new Date(at.getTime() + (await reviewPeriodDays(tx)) * DAY);
      // Its environment is the system's. No external id: it is bound to an account in the system only
      // by discovery, an import or a provisioning the connector confirmed, never by the name typed.
      // INSERT … SELECT (the owner's team and the system's environment, read in the statement): raw SQL.
      const [created] = await readRows(
        tx,
        createdColumns,
        sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, backup_owner_id, team_id, purpose, status, created_at, expires_at, next_review_at,
              credential_type, rotation_period_days, secret_store, origin, created_by_request_id)
            SELECT ${String(p.name)}, ${String(p.kind)}::identity_kind, s.id, s.environment, ${ownerId}::uuid,
              ${(p.backupOwnerId as string | undefined) ?? null}::uuid, u.team_id, ${String(p.purpose)}, 'active', ${at.toISOString()}::timestamptz,
              ${String(p.expiresAt)}::timestamptz, ${next.toISOString()}::timestamptz, ${String(p.credentialType)}::credential_type,
              ${(p.rotationPeriodDays as number | undefined) ?? null}::int, ${(p.secretStore as string | undefined) || null}, 'requested', ${req.id}::uuid
            FROM users u, systems s WHERE u.id = ${ownerId}::uuid AND s.id = ${systemId}::uuid
            ON CONFLICT DO NOTHING
            RETURNING ${selectList(createdColumns)}`,
      );
      if (!created)
        throw conflict(
          `An identity named ${String(p.name)} already lives in ${system.name}; this request cannot be carried out under that name.`,
        );
      const identityId = created!.id;
      for (const g of (p.entitlements as { resource: string; permission: string }[] | undefined) ?? [])
        await grant(tx, identityId, g, null, req.id, settings);
      await tx.execute(sql`UPDATE requests SET subject_identity_id = ${identityId}::uuid WHERE id = ${req.id}::uuid`);
      await rescoreIdentities(tx, sql`i.id = ${identityId}::uuid`, at);
      await record(tx, {
        actor: by,
        action: "identity.created",
        subject: { type: "identity", id: identityId },
        after: { name: p.name, ownerId, expiresAt: p.expiresAt, requestId: req.id },
      });
      return identityId;
    }
    case "grant_entitlement": {
      // Approved is not granted: the entitlement waits (pending) for the target system to confirm
      // the grant, which the connector runner carries out (lib/revocations) and verifies.
      const identityId = req.subjectIdentityId!;
      const e = await grant(
        tx,
        identityId,
        { resource: String(p.resource), permission: String(p.permission) },
        date(p.expiresAt),
        req.id,
        settings,
        "pending",
      );
      const grantId = await queueGrant(tx, {
        identityId,
        entitlementId: e,
        reason: `Approved request ${req.id}`,
        requestedBy: req.requesterId,
        at,
      });
      await record(tx, {
        actor: by,
        action: "grant.requested",
        subject: { type: "identity", id: identityId },
        after: {
          grantId,
          entitlementId: e,
          resource: p.resource,
          permission: p.permission,
          requestId: req.id,
          expiresAt: p.expiresAt ?? null,
          durationHours: p.durationHours ?? null,
        },
      });
      return identityId;
    }
    case "extend_expiry": {
      const identityId = req.subjectIdentityId!;
      const before = await lockById(tx, identities, pick(identityColumns, "expiresAt"), identityId);
      await tx.execute(
        sql`UPDATE identities SET expires_at = ${String(p.expiresAt)}::timestamptz WHERE id = ${identityId}::uuid`,
      );
      await rescoreIdentities(tx, sql`i.id = ${identityId}::uuid`, at);
      await record(tx, {
        actor: by,
        action: "identity.expiry_extended",
        subject: { type: "identity", id: identityId },
        before: { expiresAt: isoOrNull(before?.expiresAt ?? null) },
        after: { expiresAt: p.expiresAt, requestId: req.id },
      });
      return identityId;
    }
    case "policy_exception": {
      const identityId = req.subjectIdentityId!;
      const rule = typeof p.rule === "string" ? p.rule : LIFETIME_RULE;
      const [exception] = await tx
        .insert(policyExceptions)
        .values({
          identityId,
          rule,
          justification: String(p.justification),
          startsAt: at,
          endsAt: sql`${String(p.endsAt)}::timestamptz`,
          requestId: req.id,
        })
        .returning({ id: policyExceptions.id });
      await record(tx, {
        actor: by,
        action: "policy.exception_granted",
        subject: { type: "identity", id: identityId },
        after: {
          exceptionId: exception!.id,
          rule,
          endsAt: p.endsAt,
          justification: p.justification,
          requestId: req.id,
        },
      });
      return identityId;
    }
    case "transfer_ownership": {
      const identityId = req.subjectIdentityId!;
      const before = await lockById(tx, identities, pick(identityColumns, "ownerId", "teamId"), identityId);
      const [next] = await tx
        .select({ ok: sql<boolean>`${users.status} = 'active' AND NOT (${users.roles} <@ '{auditor}'::role[])` })
        .from(users)
        .where(eq(users.id, String(p.newOwnerId)))
        .for("share");
      if (!next?.ok)
        throw conflict("The new owner has left or is an auditor now; this transfer cannot be carried out.");
      // An approved hand-over answers a departed owner's attestation deadline too.
      await tx.execute(sql`UPDATE identities i SET owner_id = u.id, team_id = coalesce(u.team_id, i.team_id), attestation_due_at = NULL,
        backup_owner_id = CASE WHEN i.backup_owner_id = u.id THEN NULL ELSE i.backup_owner_id END
        FROM users u WHERE u.id = ${String(p.newOwnerId)}::uuid AND i.id = ${identityId}::uuid`);
      await rescoreIdentities(tx, sql`i.id = ${identityId}::uuid`, at);
      await record(tx, {
        actor: by,
        action: "identity.owner_changed",
        subject: { type: "identity", id: identityId },
        before: { ownerId: before?.ownerId ?? null },
        after: { ownerId: p.newOwnerId, requestId: req.id },
      });
      return identityId;
    }
    case "break_glass":
      // No form submits one (lib/requests/input.ts) and policy's second look refuses a stored one
      // before it gets here; the type is the database's, so it is named.
      throw conflict("Break-glass requests are not carried out through approvals.");
  }
}

async function grant(
  tx: Database,
  identityId: string,
  g: { resource: string; permission: string },
  expiresAt: Date | null,
  requestId: string,
  settings: PolicySettings,
  status: "active" | "pending" = "active",
): Promise<string> {
  const [row] = await tx
    .insert(entitlements)
    .values({
      identityId,
      resource: g.resource,
      permission: g.permission,
      privileged: isPrivilegedGrant(g, settings.privilegedPermissions),
      grantedByRequestId: requestId,
      expiresAt,
      status,
    })
    .returning({ id: entitlements.id });
  return row!.id;
}
