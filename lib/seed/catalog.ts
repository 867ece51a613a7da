import "server-only";
import type { Environment, IdentityKind } from "@/db/schema";
import { CREDENTIAL_TYPES, IDENTITY_KINDS, IDENTITY_ORIGINS } from "@/db/schema";

// The vocabulary of the demo data. Everything the SQL picks "at random" is an index into one of
// these lists, chosen from md5 bytes of (seed, row number), so a seed always gives the same rows.
// Names live in catalog-names.ts, systems and permissions in catalog-systems.ts; here: how
// identities are spread over kinds, systems, credentials and origins, and the default settings.

const K = (k: IdentityKind) => IDENTITY_KINDS.indexOf(k);
/** Identity kinds with weights (32 slots). */
export const KIND_WEIGHTS: readonly (readonly [number, number])[] = [
  [K("service_account"), 8],
  [K("api_key"), 7],
  [K("oauth_app"), 3],
  [K("workload"), 6],
  [K("ci_token"), 4],
  [K("bot"), 2],
  [K("ai_agent"), 2],
];
/** 8 system keys per identity kind (repeats are weights), in IDENTITY_KINDS order. */
const keys = (list: string) => list.split(" ");
export const SYSTEMS_BY_KIND: Record<IdentityKind, readonly string[]> = {
  service_account: keys("aws-prod aws-staging aws-sandbox k8s-prod pg-payments pg-analytics snowflake github-acme"),
  api_key: keys("datadog openai slack salesforce aws-prod github-acme snowflake pg-analytics"),
  oauth_app: keys("salesforce slack github-acme github-labs datadog salesforce slack snowflake"),
  workload: keys("k8s-prod k8s-staging k8s-prod aws-prod aws-staging k8s-staging aws-sandbox pg-payments"),
  ci_token: keys("github-acme github-labs github-acme aws-prod aws-staging k8s-staging github-acme datadog"),
  bot: keys("slack github-acme slack github-labs datadog salesforce slack github-acme"),
  ai_agent: keys("openai slack github-acme openai salesforce snowflake openai-sandbox pg-analytics"),
};
const [SS, CERT, SLT, FED] = [0, 1, 2, 3] as const; // CREDENTIAL_TYPES order
if (CREDENTIAL_TYPES[SS] !== "static_secret" || CREDENTIAL_TYPES[FED] !== "federated")
  throw new Error("CREDENTIAL_TYPES order changed");
/** 8 credential-type slots per identity kind (indexes into CREDENTIAL_TYPES). */
export const CREDENTIALS_BY_KIND: Record<IdentityKind, readonly number[]> = {
  service_account: [SS, SS, SS, SS, CERT, SLT, FED, FED],
  api_key: [SS, SS, SS, SS, SS, SS, SS, CERT],
  oauth_app: [SS, SS, SS, SS, SS, CERT, CERT, CERT],
  workload: [FED, FED, FED, FED, FED, SLT, SLT, CERT],
  ci_token: [SLT, SLT, SLT, SLT, SS, SS, SS, FED],
  bot: [SS, SS, SS, SS, SS, SS, SLT, SLT],
  ai_agent: [SLT, SLT, SLT, SS, SS, SS, FED, FED],
};
export const KIND_TAGS: Record<IdentityKind, string> = {
  service_account: "svc",
  api_key: "key",
  oauth_app: "app",
  workload: "wl",
  ci_token: "ci",
  bot: "bot",
  ai_agent: "agent",
};
export const ENV_SHORT: Record<Environment, string> = { production: "prod", staging: "stg", development: "dev" };
/** Days beyond 30 that a "normal" expiry may lie ahead, per environment (keeps within max TTL). */
export const EXPIRY_SPAN_DAYS: Record<Environment, number> = { production: 60, staging: 150, development: 335 };
const O = (o: (typeof IDENTITY_ORIGINS)[number]) => IDENTITY_ORIGINS.indexOf(o);
/** Origin (20 slots): 40% requested, 35% imported, 25% discovered. */
export const ORIGIN_WEIGHTS: readonly (readonly [number, number])[] = [
  [O("requested"), 8],
  [O("imported"), 7],
  [O("discovered"), 5],
];
/** Rotation period slots for static secrets (null: no rotation policy). */
export const ROTATION_PERIODS: readonly (number | null)[] = [30, 90, 90, 90, 180, 365, 365, null];
/** Entitlements per identity (20 slots): average 1.45. */
export const ENTITLEMENT_COUNTS: readonly number[] = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3];

/** Default policy parameters (settings rows). */
export const DEFAULT_SETTINGS: readonly { key: string; value: unknown }[] = [
  { key: "policy.max_ttl_days", value: { production: 90, staging: 180, development: 365 } },
  { key: "policy.dormant_days", value: 90 },
  { key: "policy.stale_request_days", value: 14 },
  { key: "policy.break_glass_max_hours", value: 4 },
  // The demo's on-call engineer: Omar's break-glass activates at once.
  { key: "policy.break_glass_on_call", value: ["omar.owner@example.com"] },
  { key: "policy.review_period_days", value: 90 },
];

export const SEED_POLICY_VERSION = "2026-11-seed";
