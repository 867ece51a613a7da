import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { record, type AuditActor } from "@/lib/audit/record";
import { reviewPeriodDays } from "@/lib/identities/identity-actions";
import { rescoreIdentities } from "@/lib/identities/risk";
import { LIFETIME_RULE } from "@/lib/policy/rules";
import { isPrivilegedGrant } from "@/lib/policy/privileged";
import type { PolicySettings } from "@/lib/policy/settings";
import { conflict } from "@/lib/errors";
import type { RequestInput } from "./input";

/**
 * Carries out an approved request, inside the transaction of its final approval: the identity
 * created as active, the entitlement granted, the expiry moved, the owner changed. Each change
 * has its own audit event beside the request's. Returns the identity the request ended up about.
 */
export type StoredRequest = {
  id: string;
  type: RequestInput["type"];
  requester_id: string;
  subject_identity_id: string | null;
  payload: Record<string, unknown>;
};

const DAY = 86_400_000;
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
      const [system] = await queryRows<{ status: string; name: string }>(
        tx,
        sql`SELECT status, name FROM systems WHERE id = ${systemId}::uuid FOR SHARE`,
      );
      if (system?.status !== "active")
        throw conflict(`${system?.name ?? "That system"} is retired; nothing new is created in it.`);
      const next = new Date(at.getTime() + (await reviewPeriodDays(tx)) * DAY);
      // Its environment is the system's. No external id: it is bound to an account in the system only
      // by discovery, an import or a provisioning the connector confirmed, never by the name typed.
      const [created] = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, backup_owner_id, team_id, purpose, status, created_at, expires_at, next_review_at,
              credential_type, rotation_period_days, secret_store, origin, created_by_request_id)
            SELECT ${String(p.name)}, ${String(p.kind)}::identity_kind, s.id, s.environment, ${ownerId}::uuid,
              ${(p.backupOwnerId as string | undefined) ?? null}::uuid, u.team_id, ${String(p.purpose)}, 'active', ${at.toISOString()}::timestamptz,
              ${String(p.expiresAt)}::timestamptz, ${next.toISOString()}::timestamptz, ${String(p.credentialType)}::credential_type,
              ${(p.rotationPeriodDays as number | undefined) ?? null}::int, ${(p.secretStore as string | undefined) || null}, 'requested', ${req.id}::uuid
            FROM users u, systems s WHERE u.id = ${ownerId}::uuid AND s.id = ${systemId}::uuid
            ON CONFLICT DO NOTHING
            RETURNING id`,
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
      const identityId = req.subject_identity_id!;
      const e = await grant(
        tx,
        identityId,
        { resource: String(p.resource), permission: String(p.permission) },
        date(p.expiresAt),
        req.id,
        settings,
      );
      await rescoreIdentities(tx, sql`i.id = ${identityId}::uuid`, at);
      await record(tx, {
        actor: by,
        action: "entitlement.granted",
        subject: { type: "identity", id: identityId },
        after: { entitlementId: e, resource: p.resource, permission: p.permission, requestId: req.id },
      });
      return identityId;
    }
    case "extend_expiry": {
      const identityId = req.subject_identity_id!;
      const [before] = await queryRows<{ expires_at: string | Date | null }>(
        tx,
        sql`SELECT expires_at FROM identities WHERE id = ${identityId}::uuid FOR UPDATE`,
      );
      await tx.execute(
        sql`UPDATE identities SET expires_at = ${String(p.expiresAt)}::timestamptz WHERE id = ${identityId}::uuid`,
      );
      await rescoreIdentities(tx, sql`i.id = ${identityId}::uuid`, at);
      await record(tx, {
        actor: by,
        action: "identity.expiry_extended",
        subject: { type: "identity", id: identityId },
        before: { expiresAt: before?.expires_at ?? null },
        after: { expiresAt: p.expiresAt, requestId: req.id },
      });
      return identityId;
    }
    case "policy_exception": {
      const identityId = req.subject_identity_id!;
      const rule = typeof p.rule === "string" ? p.rule : LIFETIME_RULE;
      const [exception] = await queryRows<{ id: string }>(
        tx,
        sql`INSERT INTO policy_exceptions (identity_id, rule, justification, starts_at, ends_at, request_id)
            VALUES (${identityId}::uuid, ${rule}, ${String(p.justification)}, ${at.toISOString()}::timestamptz, ${String(p.endsAt)}::timestamptz, ${req.id}::uuid) RETURNING id`,
      );
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
      const identityId = req.subject_identity_id!;
      const [before] = await queryRows<{ owner_id: string | null; team_id: string | null }>(
        tx,
        sql`SELECT owner_id, team_id FROM identities WHERE id = ${identityId}::uuid FOR UPDATE`,
      );
      const [next] = await queryRows<{ ok: boolean }>(
        tx,
        sql`SELECT status = 'active' AND NOT (roles <@ '{auditor}'::role[]) AS ok FROM users WHERE id = ${String(p.newOwnerId)}::uuid FOR SHARE`,
      );
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
        before: { ownerId: before?.owner_id ?? null },
        after: { ownerId: p.newOwnerId, requestId: req.id },
      });
      return identityId;
    }
  }
}

async function grant(
  tx: Database,
  identityId: string,
  g: { resource: string; permission: string },
  expiresAt: Date | null,
  requestId: string,
  settings: PolicySettings,
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO entitlements (identity_id, resource, permission, privileged, granted_by_request_id, expires_at)
        VALUES (${identityId}::uuid, ${g.resource}, ${g.permission}, ${isPrivilegedGrant(g, settings.privilegedPermissions)}, ${requestId}::uuid, ${expiresAt?.toISOString() ?? null}::timestamptz)
        RETURNING id`,
  );
  return row!.id;
}
