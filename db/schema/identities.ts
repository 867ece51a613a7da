import { sql } from "drizzle-orm";
import { boolean, check, index, integer, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import {
  credentialTypeEnum,
  entitlementStatusEnum,
  environmentEnum,
  identityKindEnum,
  identityOriginEnum,
  identityStatusEnum,
} from "./enums";
import { teams, users } from "./people";
import { systems } from "./systems";

export const identities = table(
  "identities",
  {
    name: text("name").notNull(),
    kind: identityKindEnum("kind").notNull(),
    systemId: ref("system_id", () => systems.id).notNull(),
    environment: environmentEnum("environment").notNull(),
    // Nullable only for discovered/imported identities nobody has claimed yet.
    ownerId: ref("owner_id", () => users.id, "set null"),
    backupOwnerId: ref("backup_owner_id", () => users.id, "set null"),
    teamId: ref("team_id", () => teams.id, "set null"),
    purpose: text("purpose"),
    status: identityStatusEnum("status").notNull().default("active"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    lastRotatedAt: ts("last_rotated_at"),
    nextReviewAt: ts("next_review_at"),
    // Set when a job hands the identity of a departed owner to someone else: they must attest by
    // then, or policy suspends it. Cleared by an attestation.
    attestationDueAt: ts("attestation_due_at"),
    // Set when a break-glass review requires the credential's rotation: rotation is overdue until
    // last_rotated_at passes it.
    rotationRequiredAt: ts("rotation_required_at"),
    // Set when a newer import of its system no longer lists it (lib/importers): flagged, never
    // deleted — it may have been removed in the system, or the file may be partial. Cleared when an
    // import lists it again.
    missingFromImportAt: ts("missing_from_import_at"),
    credentialType: credentialTypeEnum("credential_type").notNull().default("static_secret"),
    rotationPeriodDays: integer("rotation_period_days"),
    // A reference to where the secret lives (vault path, secret manager ARN), never the secret.
    secretStore: text("secret_store"),
    origin: identityOriginEnum("origin").notNull(),
    externalId: text("external_id"),
    createdByRequestId: uuid("created_by_request_id"),
    // Derived, stored so the inventory can sort and filter by risk at a million rows. Written by
    // lib/identities/risk.ts only: in the transaction of every change to the identity, and by a
    // set-based rescore for the factors that move with time (dormancy, overdue rotation/review).
    riskScore: smallint("risk_score").notNull().default(0),
    // Factor keys, heaviest first: [1] is the top factor the table shows.
    riskFactors: text("risk_factors")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (t) => [
    // The birth certificate: whatever Steward creates through a request is accountable from day one.
    check(
      "identities_birth_certificate",
      sql`${t.origin} <> 'requested' OR (${t.ownerId} IS NOT NULL AND ${t.purpose} IS NOT NULL AND btrim(${t.purpose}) <> '' AND ${t.expiresAt} IS NOT NULL)`,
    ),
    check("identities_rotation_period_positive", sql`${t.rotationPeriodDays} IS NULL OR ${t.rotationPeriodDays} > 0`),
    check("identities_name_not_blank", sql`btrim(${t.name}) <> ''`),
    uniqueIndex("identities_system_external_id_uq").on(t.systemId, t.externalId),
    // A live identity's name is unique in its system, so a request cannot pose as an account that
    // another identity already stands for.
    uniqueIndex("identities_system_live_name_uq")
      .on(t.systemId, t.name)
      .where(sql`${t.status} IN ('pending', 'active', 'suspended')`),
    // Filters of the inventory, each with the keyset tiebreaker so a filtered page is an index range.
    index("identities_owner_idx").on(t.ownerId, t.name, t.id),
    index("identities_backup_owner_idx").on(t.backupOwnerId),
    index("identities_team_idx").on(t.teamId, t.name, t.id),
    index("identities_system_idx").on(t.systemId, t.name, t.id),
    index("identities_status_idx").on(t.status, t.name, t.id),
    index("identities_kind_env_idx").on(t.kind, t.environment),
    // Sorts of the inventory (keyset pagination on (column, id)).
    index("identities_name_idx").on(t.name, t.id),
    index("identities_expires_idx").on(t.expiresAt, t.id),
    // Never used sorts as the oldest use: NULLS FIRST ascending, so both directions are one index walk.
    index("identities_last_used_idx").on(t.lastUsedAt.asc().nullsFirst(), t.id),
    index("identities_risk_idx").on(t.riskScore, t.id),
    index("identities_created_idx").on(t.createdAt, t.id),
    index("identities_next_review_idx").on(t.nextReviewAt, t.id),
    index("identities_attestation_due_idx")
      .on(t.attestationDueAt)
      .where(sql`${t.attestationDueAt} IS NOT NULL`),
    // Free-text search (pg_trgm) over name, external id and purpose as one haystack: one bitmap
    // index scan and one recheck instead of three OR-ed ones. chr(31) (unit separator) keeps a
    // match from spanning two fields. Must equal SEARCH_HAYSTACK in lib/identities/inventory-query.ts.
    index("identities_search_trgm").using(
      "gin",
      sql`(${t.name} || chr(31) || coalesce(${t.externalId}, '') || chr(31) || coalesce(${t.purpose}, '')) gin_trgm_ops`,
    ),
  ],
);

export const entitlements = table(
  "entitlements",
  {
    identityId: ref("identity_id", () => identities.id, "cascade").notNull(),
    resource: text("resource").notNull(),
    permission: text("permission").notNull(),
    privileged: boolean("privileged").notNull().default(false),
    grantedByRequestId: uuid("granted_by_request_id"),
    status: entitlementStatusEnum("status").notNull().default("active"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at"),
  },
  (t) => [
    index("entitlements_identity_idx").on(t.identityId),
    // "Privileged" filter: the identities holding an active privileged entitlement.
    index("entitlements_privileged_idx")
      .on(t.identityId)
      .where(sql`${t.privileged} AND ${t.status} = 'active'`),
    // A reviewer's "how many others hold it": the active holders of one grant, counted from the index.
    // Grants that end by themselves: the lifecycle job's range of what is due.
    index("entitlements_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'active' AND ${t.expiresAt} IS NOT NULL`),
    index("entitlements_grant_idx")
      .on(t.resource, t.permission)
      .where(sql`${t.status} = 'active'`),
  ],
);
