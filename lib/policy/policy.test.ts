import { describe, expect, it } from "vitest";
import { evaluatePolicy } from "./evaluate";
import { isStandard, POLICY_VERSION } from "./rules";
import { isPrivilegedGrant, matchesPrivileged } from "./privileged";
import { DEFAULT_POLICY_SETTINGS } from "./settings";
import type { PolicyContext, PolicyRequest, SubjectFacts } from "./types";

// Table-driven: each row is a request, the outcome policy must reach, the stages it must ask for
// and a phrase every denial must contain. Boundaries sit exactly at the limits and one step past.

const NOW = new Date("2026-11-27T12:00:00.000Z");
const DAY = 86_400_000;
const inDays = (d: number) => new Date(NOW.getTime() + d * DAY);
const ctx: PolicyContext = { now: NOW, requesterId: "olivia", settings: DEFAULT_POLICY_SETTINGS };
const prod: SubjectFacts = {
  environment: "production",
  ownerId: "olivia",
  ownerManagerId: "maya",
  expiresAt: inDays(30),
};
const dev: SubjectFacts = { ...prod, environment: "development" };

const newIdentity = (over: Partial<Extract<PolicyRequest, { type: "new_identity" }>> = {}): PolicyRequest => ({
  type: "new_identity",
  environment: "development",
  ownerId: "olivia",
  ownerActive: true,
  requesterIsOwner: true,
  purpose: "Builds nightly reports for the payments team",
  expiresAt: inDays(30),
  entitlements: [{ resource: "reports-bucket", permission: "read" }],
  ...over,
});

type Row = [
  label: string,
  request: PolicyRequest,
  outcome: "allow" | "deny" | "needs_approval",
  stages: string[],
  denial?: RegExp,
];

const ROWS: Row[] = [
  // new identity: the standard baseline and each way out of it
  ["dev, read-only, 30 days: standard", newIdentity(), "allow", []],
  ["dev, exactly the 90-day baseline", newIdentity({ expiresAt: inDays(90) }), "allow", []],
  [
    "dev, 90 days + 1 ms: past the baseline, manager",
    newIdentity({ expiresAt: new Date(inDays(90).getTime() + 1) }),
    "needs_approval",
    ["owner_manager"],
  ],
  ["staging, read-only: manager", newIdentity({ environment: "staging" }), "needs_approval", ["owner_manager"]],
  [
    "dev, read-only, for someone else: their manager",
    newIdentity({ ownerId: "omar", requesterIsOwner: false }),
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "production privileged: manager then security",
    newIdentity({
      environment: "production",
      entitlements: [{ resource: "aws-prod", permission: "AdministratorAccess" }],
    }),
    "needs_approval",
    ["owner_manager", "security"],
  ],
  [
    "dev privileged: manager then security",
    newIdentity({ entitlements: [{ resource: "repo", permission: "contents:write" }] }),
    "needs_approval",
    ["owner_manager", "security"],
  ],
  [
    "production, exactly 90 days",
    newIdentity({ environment: "production", expiresAt: inDays(90) }),
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "production, 90 days + 1 ms",
    newIdentity({ environment: "production", expiresAt: new Date(inDays(90).getTime() + 1) }),
    "deny",
    [],
    /production allows at most 90 days/,
  ],
  ["no expiry", newIdentity({ expiresAt: null }), "deny", [], /Give it an expiry/],
  ["expiry now", newIdentity({ expiresAt: NOW }), "deny", [], /must be in the future/],
  ["no owner", newIdentity({ ownerId: null }), "deny", [], /Name an owner/],
  ["departed owner", newIdentity({ ownerActive: false }), "deny", [], /has left the company/],
  ["purpose of 9 characters", newIdentity({ purpose: "reporting" }), "deny", [], /at least 10 characters/],
  ["purpose of 10 characters", newIdentity({ purpose: "reporting!" }), "allow", []],
  // grants
  [
    "grant read in dev ending with the identity",
    { type: "grant_entitlement", subject: dev, entitlement: { resource: "db", permission: "SELECT" }, expiresAt: null },
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "grant read in dev for 10 days: standard",
    {
      type: "grant_entitlement",
      subject: dev,
      entitlement: { resource: "db", permission: "SELECT" },
      expiresAt: inDays(10),
    },
    "allow",
    [],
  ],
  [
    "grant OWNER in production",
    {
      type: "grant_entitlement",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "OWNER" },
      expiresAt: inDays(10),
    },
    "needs_approval",
    ["owner_manager", "security"],
  ],
  // expiry extensions
  [
    "extend production to 90 days",
    { type: "extend_expiry", subject: prod, expiresAt: inDays(90) },
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "extend production past 90 days",
    { type: "extend_expiry", subject: prod, expiresAt: inDays(120) },
    "deny",
    [],
    /policy exception/,
  ],
  ["extend dev within the baseline", { type: "extend_expiry", subject: dev, expiresAt: inDays(60) }, "allow", []],
  // exceptions
  [
    "exception for 90 days",
    {
      type: "policy_exception",
      subject: prod,
      justification: "Vendor integration cannot rotate before the Q1 migration",
      endsAt: inDays(90),
    },
    "needs_approval",
    ["owner_manager", "security"],
  ],
  [
    "exception for 91 days",
    {
      type: "policy_exception",
      subject: prod,
      justification: "Vendor integration cannot rotate before the Q1 migration",
      endsAt: inDays(91),
    },
    "deny",
    [],
    /at most 90 days/,
  ],
  [
    "exception with a thin reason",
    { type: "policy_exception", subject: prod, justification: "needed", endsAt: inDays(10) },
    "deny",
    [],
    /at least 20 characters/,
  ],
  // transfers
  [
    "transfer to someone here",
    { type: "transfer_ownership", subject: prod, newOwnerId: "omar", newOwnerActive: true },
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "transfer to someone who left",
    { type: "transfer_ownership", subject: prod, newOwnerId: "dan", newOwnerActive: false },
    "deny",
    [],
    /has left the company/,
  ],
  // break-glass
  [
    "break-glass, 4 h, privileged",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "superuser" },
      hours: 4,
      incident: "INC-1234",
    },
    "needs_approval",
    ["security"],
  ],
  [
    "break-glass, 5 h",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "read" },
      hours: 5,
      incident: "INC-1234",
    },
    "deny",
    [],
    /1 to 4 hours/,
  ],
  [
    "break-glass without an incident",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "read" },
      hours: 1,
      incident: "",
    },
    "deny",
    [],
    /Name the incident/,
  ],
];

describe("policy", () => {
  it.each(ROWS)("%s", (_label, request, outcome, stages, denial) => {
    const decision = evaluatePolicy(request, ctx);
    expect(decision.outcome).toBe(outcome);
    expect(decision.stages.map((s) => s.rule)).toEqual(stages);
    expect(decision.version).toBe(POLICY_VERSION);
    if (denial) expect(decision.denials.join(" ")).toMatch(denial);
    else expect(decision.denials).toEqual([]);
    // The trace names every rule that applied, each with a reason in words.
    for (const r of decision.rules) expect(r.reason.length).toBeGreaterThan(5);
  });

  it("gives every reason for a denial at once, so the requester can fix them together", () => {
    const decision = evaluatePolicy(newIdentity({ ownerId: null, purpose: "", expiresAt: null }), ctx);
    expect(decision.outcome).toBe("deny");
    expect(decision.denials).toHaveLength(3);
    expect(decision.stages).toEqual([]);
  });

  it("reads its numbers from settings: a longer production lifetime allows what the default denies", () => {
    const request: PolicyRequest = { type: "extend_expiry", subject: prod, expiresAt: inDays(120) };
    expect(evaluatePolicy(request, ctx).outcome).toBe("deny");
    const relaxed = {
      ...ctx,
      settings: { ...DEFAULT_POLICY_SETTINGS, maxTtlDays: { ...DEFAULT_POLICY_SETTINGS.maxTtlDays, production: 180 } },
    };
    expect(evaluatePolicy(request, relaxed).outcome).toBe("needs_approval");
    const noBaseline = {
      ...ctx,
      settings: { ...DEFAULT_POLICY_SETTINGS, autoApprove: { environments: [], maxTtlDays: 90 } },
    };
    expect(isStandard(newIdentity(), noBaseline)).toBe(false);
    expect(evaluatePolicy(newIdentity(), noBaseline).stages.map((s) => s.rule)).toEqual(["owner_manager"]);
  });

  it("lets an exception to the lifetime rule, in force, start the window at its own end", () => {
    const excepted: SubjectFacts = { ...prod, exceptions: [{ rule: "expiry-within-lifetime", endsAt: inDays(30) }] };
    // 30 days of exception + the 90-day production maximum = 120 days, to the millisecond.
    expect(evaluatePolicy({ type: "extend_expiry", subject: excepted, expiresAt: inDays(120) }, ctx).outcome).toBe(
      "needs_approval",
    );
    const past = evaluatePolicy(
      { type: "extend_expiry", subject: excepted, expiresAt: new Date(inDays(120).getTime() + 1) },
      ctx,
    );
    expect(past.outcome).toBe("deny");
    expect(past.denials.join(" ")).toMatch(/Even with the policy exception/);
    // An exception that has ended, or one to another rule, waives nothing.
    const ended: SubjectFacts = { ...prod, exceptions: [{ rule: "expiry-within-lifetime", endsAt: NOW }] };
    expect(evaluatePolicy({ type: "extend_expiry", subject: ended, expiresAt: inDays(91) }, ctx).outcome).toBe("deny");
    const other: SubjectFacts = { ...prod, exceptions: [{ rule: "purpose-required", endsAt: inDays(30) }] };
    expect(evaluatePolicy({ type: "extend_expiry", subject: other, expiresAt: inDays(91) }, ctx).outcome).toBe("deny");
  });

  it.each<[string, PolicyRequest, boolean]>([
    ["staging read-only identity (manager only)", newIdentity({ environment: "staging" }), true],
    ["production extension (manager only)", { type: "extend_expiry", subject: prod, expiresAt: inDays(60) }, true],
    [
      "transfer (manager only)",
      { type: "transfer_ownership", subject: prod, newOwnerId: "omar", newOwnerActive: true },
      true,
    ],
    [
      "privileged grant (security too)",
      {
        type: "grant_entitlement",
        subject: dev,
        entitlement: { resource: "repo", permission: "admin" },
        expiresAt: inDays(30),
      },
      false,
    ],
    [
      "exception (security)",
      {
        type: "policy_exception",
        subject: prod,
        justification: "Vendor integration cannot rotate before the Q1 migration",
        endsAt: inDays(30),
      },
      false,
    ],
    ["the baseline (approved by policy, nothing to approve)", newIdentity(), false],
    ["a denied request", newIdentity({ purpose: "" }), false],
  ])("marks %s standard: %s", (_label, request, standard) => {
    expect(evaluatePolicy(request, ctx).standard).toBe(standard);
  });

  it.each([
    ["AdministratorAccess", true],
    ["cluster-admin", true],
    ["OWNER", true],
    ["contents:write", true],
    ["s3:*", true],
    ["sts:AssumeRole", true],
    ["s3:GetObject", false],
    ["read", false],
    ["SELECT", false],
  ])("%s counts as privileged: %s", (permission, expected) => {
    expect(matchesPrivileged(permission as string, DEFAULT_POLICY_SETTINGS.privilegedPermissions)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ["rds_superuser", "member", true],
    ["pg_write_all_data", "member", true],
    ["reports-bucket", "read", false],
    ["payments-db", "OWNER", true],
    ["arn:aws:s3:::acme-*", "s3:GetObject", true],
  ])("one rule judges the grant %s %s by resource and permission: privileged %s", (resource, permission, expected) => {
    expect(isPrivilegedGrant({ resource, permission }, DEFAULT_POLICY_SETTINGS.privilegedPermissions)).toBe(expected);
  });

  it("asks security for a membership of a privileged role, as discovery marks it (rds_superuser member)", () => {
    const grant: PolicyRequest = {
      type: "grant_entitlement",
      subject: dev,
      entitlement: { resource: "rds_superuser", permission: "member" },
      expiresAt: inDays(10),
    };
    const decision = evaluatePolicy(grant, ctx);
    expect(decision.stages.map((s) => s.rule)).toEqual(["owner_manager", "security"]);
    expect(decision.standard).toBe(false);
  });
});
