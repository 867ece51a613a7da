import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { approvalStages, requests, settings, type DecisionTrace } from "@/db/schema";
import type { PersonaKey } from "@/lib/auth";
import { syncCurrentStage } from "@/lib/requests";
import { DEFAULT_SETTINGS, SEED_POLICY_VERSION } from "./catalog";
import { CURATED, curatedIdentityId } from "./curated";
import { fixedTeamId, personaId } from "./people";
import { seedUuid } from "./sql-util";
import { DAY } from "@/lib/clock";

// The pending requests of the demo (by Olivia and Omar, about their curated identities) and the
// default policy settings.

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
  const inDays = (d: number) => new Date(at.getTime() + d * DAY).toISOString();
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
        createdAt: new Date(at.getTime() - r.created * DAY),
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
