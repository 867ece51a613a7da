import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { syncCurrentStage } from "@/lib/requests/stages";
import {
  approvalStages,
  entitlements,
  identities,
  requests,
  settings,
  type DecisionTrace,
  type Environment,
  type IdentityKind,
} from "@/db/schema";
import type { PersonaKey } from "@/lib/auth/personas";
import { DEFAULT_SETTINGS, ENV_SHORT, SEED_POLICY_VERSION, SYSTEMS, systemIndex } from "./catalog";
import { fixedTeamId, personaId } from "./people";
import { seedUuid } from "./sql-util";

// Hand-written identities of the personas: small, named, and covering every derived state, so
// the UI and its tests have stable things to find ("Olivia's expiring key", "Dan's orphans").

type Cred = "static_secret" | "certificate" | "short_lived_token" | "federated";
type Curated = {
  key: string;
  name: string;
  kind: IdentityKind;
  system: string;
  env: Environment;
  owner: PersonaKey | null;
  backup?: PersonaKey;
  team: "Payments" | "Security" | "Platform" | null;
  purpose: string | null;
  origin: "requested" | "imported" | "discovered";
  status?: "active" | "expired";
  created: number; // days ago
  expires: number | null; // days ahead (negative: in the past)
  used: number | null; // days ago
  cred: Cred;
  rotation?: number; // rotation period, days
  rotated?: number | null; // days ago
  review: number | null; // days ahead (negative: overdue)
  grants: [resource: number, permission: string, privileged: boolean][];
};

// States per row: E expiring, X expired, N no expiry, D dormant, R review overdue, T rotation overdue, O orphaned.
export const CURATED: readonly Curated[] = [
  {
    key: "olivia-payments-api",
    name: "payments-api-prod",
    kind: "service_account",
    system: "aws-prod",
    env: "production",
    owner: "olivia",
    backup: "omar",
    team: "Payments",
    purpose: "Charges cards and records payments for the public payments API",
    origin: "requested",
    created: 200,
    expires: 60,
    used: 0.1,
    cred: "static_secret",
    rotation: 90,
    rotated: 20,
    review: 45,
    grants: [
      [0, "s3:PutObject", true],
      [2, "dynamodb:Query", false],
    ],
  },
  {
    key: "olivia-ledger-key",
    name: "ledger-reconciler-key",
    kind: "api_key",
    system: "pg-payments",
    env: "production",
    owner: "olivia",
    team: "Payments", // E T
    purpose: "Reconciles ledger entries against bank statements every night",
    origin: "requested",
    created: 150,
    expires: 12,
    used: 2,
    cred: "static_secret",
    rotation: 90,
    rotated: 100,
    review: 20,
    grants: [[2, "SELECT", false]],
  },
  {
    key: "olivia-checkout-ci",
    name: "checkout-deployer-ci",
    kind: "ci_token",
    system: "github-acme",
    env: "production",
    owner: "olivia",
    team: "Payments", // X
    purpose: "Deploys the checkout service from GitHub Actions",
    origin: "requested",
    created: 95,
    expires: -5,
    used: 6,
    cred: "short_lived_token",
    review: 10,
    grants: [
      [0, "contents:write", true],
      [0, "actions:write", true],
    ],
  },
  {
    key: "olivia-fraud-agent",
    name: "fraud-scoring-agent",
    kind: "ai_agent",
    system: "openai-sandbox",
    env: "development",
    owner: "olivia",
    team: "Payments", // D R
    purpose: "Scores refund requests for fraud signals in the development sandbox",
    origin: "requested",
    created: 260,
    expires: 150,
    used: 130,
    cred: "short_lived_token",
    review: -10,
    grants: [[0, "read", false]],
  },
  {
    key: "olivia-alerts-bot",
    name: "payments-alerts-bot",
    kind: "bot",
    system: "slack",
    env: "production",
    owner: "olivia",
    team: "Payments", // N T
    purpose: "Posts payment failure alerts to #payments",
    origin: "imported",
    created: 400,
    expires: null,
    used: 1,
    cred: "static_secret",
    rotation: 90,
    rotated: 200,
    review: 60,
    grants: [[0, "write", true]],
  },
  {
    key: "olivia-refund-worker",
    name: "refund-worker",
    kind: "workload",
    system: "k8s-prod",
    env: "production",
    owner: "olivia",
    backup: "omar",
    team: "Payments", // R
    purpose: "Processes refund jobs in the payments namespace",
    origin: "requested",
    created: 60,
    expires: 80,
    used: 0.02,
    cred: "federated",
    review: -3,
    grants: [
      [0, "patch", true],
      [0, "get", false],
    ],
  },
  {
    key: "omar-settlement-exporter",
    name: "settlement-exporter",
    kind: "service_account",
    system: "snowflake",
    env: "production",
    owner: "omar",
    team: "Payments", // N T R
    purpose: "Exports daily settlements to the finance warehouse",
    origin: "imported",
    created: 500,
    expires: null,
    used: 3,
    cred: "static_secret",
    rotation: 90,
    rotated: 150,
    review: -20,
    grants: [
      [0, "read", false],
      [2, "write", true],
    ],
  },
  {
    key: "omar-payouts-key",
    name: "payouts-metrics-key",
    kind: "api_key",
    system: "datadog",
    env: "production",
    owner: "omar",
    team: "Payments", // E
    purpose: "Sends payout metrics to Datadog",
    origin: "requested",
    created: 70,
    expires: 20,
    used: 0.5,
    cred: "static_secret",
    rotation: 365,
    rotated: 30,
    review: 30,
    grants: [[0, "write", true]],
  },
  {
    key: "omar-sandbox-bot",
    name: "omar-sandbox-bot",
    kind: "bot",
    system: "github-labs",
    env: "development",
    owner: "omar",
    team: "Payments", // D (never used)
    purpose: "Experiments with automated dependency updates",
    origin: "requested",
    created: 40,
    expires: 200,
    used: null,
    cred: "static_secret",
    rotation: 90,
    rotated: null,
    review: 70,
    grants: [[6, "issues:write", false]],
  },
  {
    key: "omar-finance-oauth",
    name: "finance-reports-oauth",
    kind: "oauth_app",
    system: "salesforce",
    env: "production",
    owner: "omar",
    team: "Payments", // N
    purpose: "Pulls finance reports from Salesforce",
    origin: "imported",
    created: 300,
    expires: null,
    used: 10,
    cred: "certificate",
    rotation: 365,
    rotated: 100,
    review: 15,
    grants: [[4, "read", false]],
  },
  {
    key: "omar-gh-actions",
    name: "payments-gh-actions",
    kind: "ci_token",
    system: "aws-staging",
    env: "staging",
    owner: "omar",
    team: "Payments", // X R
    purpose: "Runs the payments staging pipeline",
    origin: "requested",
    status: "expired",
    created: 120,
    expires: -30,
    used: 35,
    cred: "short_lived_token",
    review: -40,
    grants: [[0, "actions:write", false]],
  },
  {
    key: "dan-batch-loader",
    name: "legacy-batch-loader",
    kind: "service_account",
    system: "pg-payments",
    env: "production",
    owner: "dan",
    team: "Payments", // O N D T R
    purpose: "Nightly batch load of bank statements",
    origin: "imported",
    created: 900,
    expires: null,
    used: 200,
    cred: "static_secret",
    rotation: 90,
    rotated: 400,
    review: -60,
    grants: [
      [2, "INSERT", true],
      [2, "OWNER", true],
    ],
  },
  {
    key: "dan-test-key",
    name: "dan-test-key",
    kind: "api_key",
    system: "openai-sandbox",
    env: "development",
    owner: "dan",
    team: "Payments", // O X T
    purpose: "Trying out embeddings for support search",
    origin: "requested",
    created: 90,
    expires: -15,
    used: 50,
    cred: "static_secret",
    rotation: 30,
    rotated: 60,
    review: 5,
    grants: [[2, "read", false]],
  },
  {
    key: "dan-invoice-sync",
    name: "invoice-sync-app",
    kind: "oauth_app",
    system: "salesforce",
    env: "production",
    owner: "dan",
    team: "Payments", // O E
    purpose: "Syncs invoices from billing to Salesforce",
    origin: "requested",
    created: 80,
    expires: 7,
    used: 1,
    cred: "certificate",
    rotation: 365,
    rotated: 80,
    review: 25,
    grants: [[7, "write", true]],
  },
  {
    key: "unowned-s3-reader",
    name: "s3-reader-unknown",
    kind: "service_account",
    system: "aws-prod",
    env: "production",
    owner: null,
    team: null, // O N
    purpose: null,
    origin: "discovered",
    created: 700,
    expires: null,
    used: 40,
    cred: "static_secret",
    review: null,
    grants: [[0, "s3:GetObject", false]],
  },
  {
    key: "unowned-cluster-admin",
    name: "default-sa-cluster-admin",
    kind: "workload",
    system: "k8s-prod",
    env: "production",
    owner: null,
    team: null, // O N
    purpose: null,
    origin: "discovered",
    created: 365,
    expires: null,
    used: 0.2,
    cred: "federated",
    review: null,
    grants: [[4, "cluster-admin", true]],
  },
  {
    key: "unowned-github-pat",
    name: "gh-pat-unknown",
    kind: "api_key",
    system: "github-acme",
    env: "production",
    owner: null,
    team: null, // O N D
    purpose: null,
    origin: "discovered",
    created: 800,
    expires: null,
    used: 120,
    cred: "static_secret",
    review: null,
    grants: [[0, "contents:write", true]],
  },
  {
    key: "maya-dashboard-bot",
    name: "payments-team-dashboard-bot",
    kind: "bot",
    system: "github-labs",
    env: "development",
    owner: "maya",
    team: "Payments",
    purpose: "Posts the team's weekly review dashboard",
    origin: "requested",
    created: 30,
    expires: 100,
    used: 5,
    cred: "short_lived_token",
    review: 60,
    grants: [],
  },
  {
    key: "sam-security-scanner",
    name: "security-scanner",
    kind: "service_account",
    system: "aws-prod",
    env: "production",
    owner: "sam",
    team: "Security",
    purpose: "Scans IAM policies for risky grants",
    origin: "requested",
    created: 100,
    expires: 60,
    used: 0.01,
    cred: "federated",
    review: 50,
    grants: [[4, "sts:AssumeRole", true]],
  },
  {
    key: "ada-terraform-ci",
    name: "terraform-ci",
    kind: "ci_token",
    system: "aws-prod",
    env: "production",
    owner: "ada",
    team: "Platform",
    purpose: "Applies Terraform plans for the platform account",
    origin: "requested",
    created: 180,
    expires: 45,
    used: 0.3,
    cred: "federated",
    review: 40,
    grants: [[4, "AdministratorAccess", true]],
  },
];

export const curatedIdentityId = (seed: number, key: string) => seedUuid("identity", seed, `c:${key}`);

export async function insertCurated(tx: Database, seed: number, at: Date, count: number): Promise<void> {
  const rows = CURATED.slice(0, count);
  if (rows.length === 0) return;
  const day = (d: number | null | undefined) =>
    d === null || d === undefined ? null : new Date(at.getTime() + d * 86_400_000);
  await tx.insert(identities).values(
    rows.map((c) => {
      const sys = SYSTEMS[systemIndex(c.system)]!;
      if (sys.environment !== c.env)
        throw new Error(`curated ${c.key}: ${c.system} is ${sys.environment}, not ${c.env}`);
      const stored = c.cred === "static_secret" || c.cred === "certificate";
      return {
        id: curatedIdentityId(seed, c.key),
        name: c.name,
        kind: c.kind,
        systemId: seedUuid("system", seed, c.system),
        environment: sys.environment,
        ownerId: c.owner ? personaId(seed, c.owner) : null,
        backupOwnerId: c.backup ? personaId(seed, c.backup) : null,
        teamId: c.team ? fixedTeamId(seed, c.team) : null,
        purpose: c.purpose,
        status: c.status ?? "active",
        createdAt: day(-c.created)!,
        expiresAt: day(c.expires),
        lastUsedAt: c.used === null ? null : day(-c.used),
        lastRotatedAt:
          c.rotated === undefined
            ? stored
              ? day(-Math.min(c.created, 10))
              : null
            : c.rotated === null
              ? null
              : day(-c.rotated),
        nextReviewAt: day(c.review),
        credentialType: c.cred,
        rotationPeriodDays: c.rotation ?? null,
        secretStore: stored && c.owner ? `${sys.storePrefix}${ENV_SHORT[c.env]}/${c.name}` : null,
        origin: c.origin,
        externalId: `${sys.externalPrefix}${c.name}`,
      };
    }),
  );
  const grants = rows.flatMap((c) =>
    c.grants.map(([res, permission, privileged], j) => ({
      id: seedUuid("entitlement", seed, `c:${c.key}:${j}`),
      identityId: curatedIdentityId(seed, c.key),
      resource: SYSTEMS[systemIndex(c.system)]!.resources[res]!,
      permission,
      privileged,
      status: "active" as const,
      createdAt: day(-c.created + 1)!,
    })),
  );
  if (grants.length) await tx.insert(entitlements).values(grants);
}

type SeedRequest = {
  key: string;
  type: "new_identity" | "grant_entitlement" | "extend_expiry";
  requester: PersonaKey;
  subject: string | null; // curated key
  payload: Record<string, unknown>;
  justification: string;
  created: number; // days ago
  trace: DecisionTrace;
  stages: { rule: "owner_manager" | "security"; approver: PersonaKey | null; reason: string }[];
};

const pass = (rule: string, reason: string) => ({ rule, result: "pass" as const, reason });
const needs = (rule: string, reason: string) => ({ rule, result: "needs_approval" as const, reason });
const MANAGER = {
  rule: "owner_manager" as const,
  approver: "maya" as const,
  reason: "The requester's manager approves first",
};
const SECURITY = {
  rule: "security" as const,
  approver: null,
  reason: "Privileged access in production needs the security team",
};
const trace = (rules: DecisionTrace["rules"], stages: SeedRequest["stages"]): DecisionTrace => ({
  outcome: "needs_approval",
  rules,
  stages: stages.map((s) => ({ rule: s.rule, reason: s.reason })),
});

function seedRequests(seed: number, at: Date): SeedRequest[] {
  const inDays = (d: number) => new Date(at.getTime() + d * 86_400_000).toISOString();
  return [
    {
      key: "olivia-new-agent",
      type: "new_identity",
      requester: "olivia",
      subject: null,
      created: 1,
      payload: {
        name: "payments-reconciliation-agent",
        kind: "ai_agent",
        systemId: seedUuid("system", seed, "openai"),
        environment: "production",
        ownerId: personaId(seed, "olivia"),
        teamId: fixedTeamId(seed, "Payments"),
        purpose: "Drafts the daily card settlement reconciliation for review",
        expiresAt: inDays(60),
        credentialType: "static_secret",
        rotationPeriodDays: 30,
        secretStore: "vault:payments/agents",
        entitlements: [],
      },
      justification: "We reconcile card settlements by hand every morning; an agent can draft it for us to check.",
      stages: [MANAGER],
      trace: trace(
        [
          pass("owner_required", "An owner is named"),
          pass("purpose_required", "A purpose is stated"),
          pass("max_ttl", "Expiry in 60 days is within the production maximum of 90 days"),
          needs("owner_manager_approval", "New identities need the owner's manager's approval"),
        ],
        [MANAGER],
      ),
    },
    {
      key: "olivia-grant-artifacts",
      type: "grant_entitlement",
      requester: "olivia",
      subject: "olivia-payments-api",
      created: 2,
      payload: { resource: "arn:aws:s3:::acme-production-artifacts", permission: "s3:PutObject", privileged: true },
      justification: "The payments API must upload signed receipts to the artifacts bucket.",
      stages: [MANAGER, SECURITY],
      trace: trace(
        [
          pass("owner_required", "The identity has an active owner"),
          needs("owner_manager_approval", "Grants need the owner's manager's approval"),
          needs("privileged_production", "s3:PutObject on a production resource is privileged: security approves"),
        ],
        [MANAGER, SECURITY],
      ),
    },
    {
      key: "olivia-extend-ledger",
      type: "extend_expiry",
      requester: "olivia",
      subject: "olivia-ledger-key",
      created: 3,
      payload: { expiresAt: inDays(85) },
      justification: "Reconciliation still runs nightly; the replacement job ships next quarter.",
      stages: [MANAGER],
      trace: trace(
        [
          pass("max_ttl", "New expiry in 85 days is within the production maximum of 90 days"),
          needs("owner_manager_approval", "Extensions need the owner's manager's approval"),
        ],
        [MANAGER],
      ),
    },
    {
      key: "omar-extend-payouts",
      type: "extend_expiry",
      requester: "omar",
      subject: "omar-payouts-key",
      created: 1,
      payload: { expiresAt: inDays(80) },
      justification: "Payout metrics are still on the on-call dashboard.",
      stages: [MANAGER],
      trace: trace(
        [
          pass("max_ttl", "New expiry in 80 days is within the production maximum of 90 days"),
          needs("owner_manager_approval", "Extensions need the owner's manager's approval"),
        ],
        [MANAGER],
      ),
    },
    {
      key: "omar-grant-product",
      type: "grant_entitlement",
      requester: "omar",
      subject: "omar-settlement-exporter",
      created: 4,
      payload: { resource: "snowflake:ANALYTICS.PRODUCT", permission: "read", privileged: false },
      justification: "Settlement exports need product names for the finance report.",
      stages: [MANAGER],
      trace: trace(
        [
          pass("owner_required", "The identity has an active owner"),
          pass("privileged_production", "read is not privileged"),
          needs("owner_manager_approval", "Grants need the owner's manager's approval"),
        ],
        [MANAGER],
      ),
    },
  ];
}

/** Standard as policy marks it: only the owner's manager decides (nothing privileged, no exception). */
const isStandardSeed = (r: { type: string; stages: { rule: string }[] }) =>
  r.type !== "policy_exception" && r.stages.length > 0 && r.stages.every((s) => s.rule === "owner_manager");

/** Pending requests (only those whose subject identity was seeded) and the default settings. */
export async function insertRequestsAndSettings(
  tx: Database,
  seed: number,
  at: Date,
  curatedCount: number,
): Promise<void> {
  const present = new Set(CURATED.slice(0, curatedCount).map((c) => c.key));
  const reqs = seedRequests(seed, at).filter((r) => r.subject === null || present.has(r.subject));
  if (reqs.length) {
    await tx.insert(requests).values(
      reqs.map((r) => ({
        id: seedUuid("request", seed, r.key),
        type: r.type,
        requesterId: personaId(seed, r.requester),
        subjectIdentityId: r.subject ? curatedIdentityId(seed, r.subject) : null,
        payload: r.payload,
        justification: r.justification,
        status: "pending" as const,
        policyVersion: SEED_POLICY_VERSION,
        decisionTrace: { ...r.trace, standard: isStandardSeed(r) },
        standard: isStandardSeed(r),
        createdAt: new Date(at.getTime() - r.created * 86_400_000),
      })),
    );
    await tx.insert(approvalStages).values(
      reqs.flatMap((r) =>
        r.stages.map((s, i) => ({
          id: seedUuid("stage", seed, `${r.key}:${i + 1}`),
          requestId: seedUuid("request", seed, r.key),
          position: i + 1,
          approverRule: s.rule,
          approverId: s.approver ? personaId(seed, s.approver) : null,
          reason: s.reason,
        })),
      ),
    );
    await syncCurrentStage(tx, sql`r2.status = 'pending'`);
  }
  await tx
    .insert(settings)
    .values(DEFAULT_SETTINGS.map((s) => ({ key: s.key, value: s.value, updatedAt: at })))
    .onConflictDoNothing();
}
