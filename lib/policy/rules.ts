import { isPrivilegedGrant } from "./privileged";
import type { Grant, PolicyContext, PolicyRequest, Rule, RuleVerdict } from "./types";
import { DAY } from "@/lib/clock";

/**
 * The rules of policy version POLICY_VERSION. Each is pure: the same request and context give the
 * same verdict. Change a rule's meaning → bump the version (requests store the version they were
 * decided under, with every rule's verdict).
 */
export const POLICY_VERSION = "2026.11.2";

const pass = (reason: string): RuleVerdict => ({ result: "pass", reason });
const deny = (reason: string): RuleVerdict => ({ result: "deny", reason });
const needs = (stage: "owner_manager" | "security", reason: string): RuleVerdict => ({
  result: "needs_approval",
  stage,
  reason,
});
const day = (d: Date) => d.toISOString().slice(0, 10);

const envOf = (r: PolicyRequest) => (r.type === "new_identity" ? r.environment : r.subject.environment);

/** The grants a request would hand out (none for an expiry change or a transfer). */
function grantsOf(r: PolicyRequest): Grant[] {
  if (r.type === "new_identity") return r.entitlements;
  if (r.type === "grant_entitlement") return [r.entitlement];
  if (r.type === "break_glass") return r.entitlement ? [r.entitlement] : [];
  return [];
}

/** The end date a request asks for, where it asks for one. */
function requestedEnd(r: PolicyRequest): Date | null {
  if (r.type === "new_identity" || r.type === "grant_entitlement" || r.type === "extend_expiry") return r.expiresAt;
  return null;
}

/** The rules a policy exception may waive (the exception request names one). */
export const LIFETIME_RULE = "expiry-within-lifetime";
export const EXCEPTABLE_RULES = [LIFETIME_RULE] as const;

/** The end of the latest exception to `rule` still in force at `now`, or null. */
function latestException(
  exceptions: { rule: string; endsAt: Date }[] | undefined,
  rule: string,
  now: Date,
): Date | null {
  const inForce = (exceptions ?? []).filter((e) => e.rule === rule && e.endsAt.getTime() > now.getTime());
  return inForce.length ? new Date(Math.max(...inForce.map((e) => e.endsAt.getTime()))) : null;
}

export const privilegedGrants = (r: PolicyRequest, ctx: PolicyContext) =>
  grantsOf(r).filter((g) => isPrivilegedGrant(g, ctx.settings.privilegedPermissions));

/** The standard baseline: nothing privileged, in an auto-approved environment, short-lived. */
export function isStandard(r: PolicyRequest, ctx: PolicyContext): boolean {
  if (r.type !== "new_identity" && r.type !== "grant_entitlement" && r.type !== "extend_expiry") return false;
  const end = requestedEnd(r);
  const { environments, maxTtlDays } = ctx.settings.autoApprove;
  return (
    (r.type !== "new_identity" || r.requesterIsOwner) &&
    privilegedGrants(r, ctx).length === 0 &&
    environments.includes(envOf(r)) &&
    end !== null &&
    end.getTime() - ctx.now.getTime() <= maxTtlDays * DAY
  );
}

export const RULES: readonly Rule[] = [
  {
    id: "owner-required",
    title: "Every identity has a named owner who is still here",
    appliesTo: ["new_identity", "transfer_ownership"],
    evaluate(r) {
      if (r.type === "new_identity") {
        if (!r.ownerId) return deny("Name an owner: every identity needs someone who answers for it.");
        return r.ownerActive
          ? pass("It has an owner who is still here.")
          : deny("The owner named has left the company; name someone still here.");
      }
      if (r.type === "transfer_ownership")
        return r.newOwnerActive
          ? pass("The new owner is still here.")
          : deny("The new owner has left the company; choose someone still here.");
      return pass("Not applicable.");
    },
  },
  {
    id: "purpose-required",
    title: "Every identity states what it is for",
    appliesTo: ["new_identity"],
    evaluate(r) {
      if (r.type !== "new_identity") return pass("Not applicable.");
      const words = (r.purpose ?? "").trim();
      return words.length >= 10
        ? pass("It states its purpose.")
        : deny("Say in a sentence what it is for (at least 10 characters).");
    },
  },
  {
    id: LIFETIME_RULE,
    title: "Nothing lives longer than its environment allows",
    appliesTo: ["new_identity", "grant_entitlement", "extend_expiry"],
    evaluate(r, ctx) {
      const end = requestedEnd(r);
      const max = ctx.settings.maxTtlDays[envOf(r)];
      if (end === null) {
        if (r.type === "grant_entitlement") return pass("The grant ends with the identity.");
        return deny(`Give it an expiry: ${envOf(r)} identities live at most ${max} days.`);
      }
      if (end.getTime() <= ctx.now.getTime()) return deny("The expiry must be in the future.");
      const limit = new Date(ctx.now.getTime() + max * DAY);
      // A policy exception to this rule, in force, starts the lifetime window at its own end.
      const excepted = r.type === "new_identity" ? null : latestException(r.subject.exceptions, LIFETIME_RULE, ctx.now);
      if (excepted && end.getTime() > limit.getTime()) {
        const widened = new Date(excepted.getTime() + max * DAY);
        if (end.getTime() <= widened.getTime())
          return pass(
            `Beyond the ${max}-day maximum for ${envOf(r)}, within the policy exception in force until ${day(excepted)} (at most ${day(widened)}).`,
          );
        return deny(
          `Even with the policy exception in force until ${day(excepted)}, ${envOf(r)} allows at most ${day(widened)}; ${day(end)} is later.`,
        );
      }
      if (end.getTime() > limit.getTime()) {
        return deny(
          `${envOf(r)} allows at most ${max} days (until ${day(limit)}); ${day(end)} is later. Ask for a shorter date, or a policy exception.`,
        );
      }
      return pass(`Within the ${max}-day maximum for ${envOf(r)}.`);
    },
  },
  {
    id: "privileged-needs-security",
    title: "Privileged access is approved by security",
    // Break-glass is decided by who asks (the on-call rule below), privileged or not.
    appliesTo: ["new_identity", "grant_entitlement"],
    evaluate(r, ctx) {
      const privileged = privilegedGrants(r, ctx);
      if (privileged.length === 0) return pass("Nothing privileged is asked for.");
      return needs(
        "security",
        `Privileged access (${privileged.map((g) => `${g.permission} on ${g.resource}`).join(", ")}) needs the security team.`,
      );
    },
  },
  {
    id: "exception-needs-security",
    title: "Exceptions to policy are justified, time-boxed and approved by security",
    appliesTo: ["policy_exception"],
    evaluate(r, ctx) {
      if (r.type !== "policy_exception") return pass("Not applicable.");
      if (r.justification.trim().length < 20)
        return deny("Explain why the exception is needed (at least 20 characters).");
      if (r.endsAt.getTime() <= ctx.now.getTime()) return deny("The exception's end date must be in the future.");
      const max = ctx.settings.exceptionMaxDays;
      if (r.endsAt.getTime() - ctx.now.getTime() > max * DAY)
        return deny(`An exception lasts at most ${max} days; choose an earlier end date.`);
      return needs("security", "An exception to policy needs the security team.");
    },
  },
  {
    id: "break-glass-time-box",
    title: "Break-glass access is short and tied to an incident",
    appliesTo: ["break_glass"],
    evaluate(r, ctx) {
      if (r.type !== "break_glass") return pass("Not applicable.");
      if (r.incident.trim().length < 3) return deny("Name the incident (ticket or reference) the access is for.");
      const max = ctx.settings.breakGlassMaxHours;
      if (!Number.isInteger(r.hours) || r.hours < 1 || r.hours > max)
        return deny(`Break-glass access lasts 1 to ${max} hours.`);
      return pass(`Time-boxed to ${r.hours} h (at most ${max}).`);
    },
  },
  {
    id: "break-glass-on-call",
    title: "On call activates at once; everyone else needs security, and an overdue look back blocks",
    appliesTo: ["break_glass"],
    evaluate(r) {
      if (r.type !== "break_glass") return pass("Not applicable.");
      if (r.requesterOverdueReview)
        return needs(
          "security",
          "You have a break-glass whose post-use review is overdue: until it is done, only security's approval (an override) opens another.",
        );
      if (r.requesterOnCall) return pass("On call: it activates at once, and security is told.");
      return needs("security", "Not on call: one approval from security opens it.");
    },
  },
  {
    id: "manager-approves-first",
    title: "The owner's manager approves first, unless the request is the standard baseline",
    appliesTo: ["new_identity", "grant_entitlement", "extend_expiry", "policy_exception", "transfer_ownership"],
    evaluate(r, ctx) {
      if (isStandard(r, ctx))
        return pass(
          `Standard: nothing privileged, ${envOf(r)}, at most ${ctx.settings.autoApprove.maxTtlDays} days; approved by policy.`,
        );
      return needs("owner_manager", "The owner's manager approves first.");
    },
  },
];
