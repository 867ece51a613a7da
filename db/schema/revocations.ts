import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { connectorOperationEnum, revocationStatusEnum, revocationTargetEnum } from "./enums";
import { entitlements, identities } from "./identities";
import { users } from "./people";

/**
 * What Steward carries out in a target system through a connector, and where it stands: a
 * revocation (the name the table was born with) or, with `operation` = 'grant', its mirror, an
 * approved entitlement granted and read back. Both run through the same claim, retries, evidence
 * and page (lib/revocations).
 */
export const revocations = table(
  "revocations",
  {
    operation: connectorOperationEnum("operation").notNull().default("revoke"),
    targetType: revocationTargetEnum("target_type").notNull(),
    identityId: ref("identity_id", () => identities.id).notNull(),
    entitlementId: ref("entitlement_id", () => entitlements.id),
    credentialRef: text("credential_ref"),
    reason: text("reason").notNull(),
    // Null when a lifecycle job requested it (the audit event names the job).
    requestedBy: ref("requested_by", () => users.id),
    status: revocationStatusEnum("status").notNull().default("requested"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lastError: text("last_error"),
    connectorResult: jsonb("connector_result").$type<Record<string, unknown>>(),
    evidence: jsonb("evidence").$type<Record<string, unknown>>(),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    verifiedAt: ts("verified_at"),
  },
  (t) => [
    check("revocations_entitlement_target", sql`${t.targetType} <> 'entitlement' OR ${t.entitlementId} IS NOT NULL`),
    check("revocations_grant_is_entitlement", sql`${t.operation} <> 'grant' OR ${t.targetType} = 'entitlement'`),
    check("revocations_credential_target", sql`${t.targetType} <> 'credential' OR ${t.credentialRef} IS NOT NULL`),
    // Revoking what is already being revoked is one revocation, not two.
    uniqueIndex("revocations_one_in_flight_uq")
      .on(
        t.operation,
        t.targetType,
        t.identityId,
        sql`coalesce(${t.entitlementId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
        sql`coalesce(${t.credentialRef}, '')`,
      )
      .where(sql`${t.status} IN ('requested', 'executing', 'executed', 'failed')`),
    index("revocations_status_idx").on(t.status, t.nextAttemptAt),
    index("revocations_identity_idx").on(t.identityId),
  ],
);
