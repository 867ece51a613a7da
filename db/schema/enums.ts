import { pgEnum } from "drizzle-orm/pg-core";

// Every enum is defined once here as a const tuple: Drizzle builds the Postgres enum from it
// and zod schemas use the same tuple (z.enum(ROLES)), so the two can never drift apart.

type Words<S extends string> = S extends `${infer W} ${infer Rest}` ? [W, ...Words<Rest>] : [S];
/** A const tuple of space-separated words, for the lists too long for one line: words("a b") is ["a", "b"]. */
const words = <S extends string>(s: S) => s.split(" ") as unknown as Readonly<Words<S>>;

export const ROLES = ["member", "manager", "security", "auditor", "admin"] as const;
export const PERSON_STATUSES = ["active", "departed"] as const;
export const SYSTEM_KINDS = words("aws_account github_org kubernetes_cluster postgres_database saas_app");
// steward: Steward's own system, whose identities are its API tokens (lib/tokens); never chosen on Systems.
export const CONNECTOR_KINDS = ["postgres", "webhook", "manual", "steward"] as const;
/** The connectors an admin may choose for a system. */
export const CONFIGURABLE_CONNECTORS = ["postgres", "webhook", "manual"] as const;
export const SYSTEM_STATUSES = ["active", "retired"] as const;
export const IDENTITY_KINDS = words("service_account api_key oauth_app workload ci_token bot ai_agent");
export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export const IDENTITY_STATUSES = ["pending", "active", "suspended", "revoked", "expired"] as const;
export const CREDENTIAL_TYPES = ["static_secret", "certificate", "short_lived_token", "federated"] as const;
export const IDENTITY_ORIGINS = ["requested", "imported", "discovered"] as const;
// pending: approved, waiting for the target system to confirm the grant (lib/revocations carries it out).
export const ENTITLEMENT_STATUSES = ["pending", "active", "revoked", "expired"] as const;
export const REQUEST_TYPES = words(
  "new_identity grant_entitlement extend_expiry policy_exception transfer_ownership break_glass",
);
export const REQUEST_STATUSES = ["pending", "approved", "denied", "cancelled", "expired", "fulfilled"] as const;
export const APPROVER_RULES = ["owner_manager", "security", "named"] as const;
export const STAGE_DECISIONS = ["approve", "deny"] as const;
export const REVIEWER_RULES = ["owner", "owner_manager", "security", "named"] as const;
export const CAMPAIGN_STATUSES = ["draft", "active", "closed"] as const;
export const RECURRENCES = ["none", "monthly", "quarterly", "half_yearly", "yearly"] as const;
export const NO_RESPONSE_OUTCOMES = ["keep", "suspend", "revoke"] as const;
export const REVIEW_DECISIONS = ["certify", "revoke", "reassign", "no_response"] as const;
// requested → active → ended (by time or by hand) → reviewed; or requested → denied (by security).
export const BREAK_GLASS_STATUSES = ["requested", "active", "ended", "reviewed", "denied"] as const;
export const REVOCATION_TARGETS = ["identity", "credential", "entitlement"] as const;
/** What a connector is asked to do: remove access, or grant it (the mirror, verified the same way). */
export const CONNECTOR_OPERATIONS = ["revoke", "grant"] as const;
export const REVOCATION_STATUSES = ["requested", "executing", "executed", "verified", "failed"] as const;
export const ACTOR_TYPES = ["person", "token", "job", "system"] as const;

export type Role = (typeof ROLES)[number];
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
export type Environment = (typeof ENVIRONMENTS)[number];
export type ActorType = (typeof ACTOR_TYPES)[number];

export const roleEnum = pgEnum("role", ROLES);
export const personStatusEnum = pgEnum("person_status", PERSON_STATUSES);
export const systemKindEnum = pgEnum("system_kind", SYSTEM_KINDS);
export const connectorKindEnum = pgEnum("connector_kind", CONNECTOR_KINDS);
export const systemStatusEnum = pgEnum("system_status", SYSTEM_STATUSES);
export const identityKindEnum = pgEnum("identity_kind", IDENTITY_KINDS);
export const environmentEnum = pgEnum("environment", ENVIRONMENTS);
export const identityStatusEnum = pgEnum("identity_status", IDENTITY_STATUSES);
export const credentialTypeEnum = pgEnum("credential_type", CREDENTIAL_TYPES);
export const identityOriginEnum = pgEnum("identity_origin", IDENTITY_ORIGINS);
export const entitlementStatusEnum = pgEnum("entitlement_status", ENTITLEMENT_STATUSES);
export const requestTypeEnum = pgEnum("request_type", REQUEST_TYPES);
export const requestStatusEnum = pgEnum("request_status", REQUEST_STATUSES);
export const approverRuleEnum = pgEnum("approver_rule", APPROVER_RULES);
export const stageDecisionEnum = pgEnum("stage_decision", STAGE_DECISIONS);
export const reviewerRuleEnum = pgEnum("reviewer_rule", REVIEWER_RULES);
export const campaignStatusEnum = pgEnum("campaign_status", CAMPAIGN_STATUSES);
export const recurrenceEnum = pgEnum("recurrence", RECURRENCES);
export const noResponseOutcomeEnum = pgEnum("no_response_outcome", NO_RESPONSE_OUTCOMES);
export const reviewDecisionEnum = pgEnum("review_decision", REVIEW_DECISIONS);
export const breakGlassStatusEnum = pgEnum("break_glass_status", BREAK_GLASS_STATUSES);
export const revocationTargetEnum = pgEnum("revocation_target", REVOCATION_TARGETS);
export const connectorOperationEnum = pgEnum("connector_operation", CONNECTOR_OPERATIONS);
export const revocationStatusEnum = pgEnum("revocation_status", REVOCATION_STATUSES);
export const actorTypeEnum = pgEnum("actor_type", ACTOR_TYPES);
