import { describe, expect, it } from "vitest";
import { evaluatePolicy } from "./evaluate";
import { isStandard, POLICY_VERSION } from "./rules";
import { isPrivilegedGrant, matchesPrivileged } from "./privileged";
import { DEFAULT_POLICY_SETTINGS } from "./settings";
import type { PolicyRequest, SubjectFacts } from "./types";
import { ctx, dev, inDays, newIdentity, NOW, prod, ROWS } from "./policy-cases";

// Table-driven (./policy-cases.ts), then the rules the table cannot show: every reason at once,
// numbers from settings, exceptions, privileged grants.

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
