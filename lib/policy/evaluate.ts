import type { DecisionTrace } from "@/db/schema";
import { POLICY_VERSION, privilegedGrants, RULES } from "./rules";
import type { PolicyContext, PolicyRequest, StageRule } from "./types";

export type PolicyDecision = DecisionTrace & { version: string; denials: string[]; standard: boolean };

// Stages run in this order: the manager knows whether it is needed, security whether it is safe.
const STAGE_ORDER: readonly StageRule[] = ["owner_manager", "security"];

/**
 * Runs every rule that applies to the request. One deny denies it (with every reason, so the
 * requester can fix them all at once); otherwise each stage asked for is required, in order; with
 * none, policy allows it at once. Pure: the dry run in the form and the real submission agree.
 */
export function evaluatePolicy(request: PolicyRequest, ctx: PolicyContext): PolicyDecision {
  const rules: DecisionTrace["rules"] = [];
  const asked = new Map<StageRule, string[]>();
  for (const rule of RULES) {
    if (!rule.appliesTo.includes(request.type)) continue;
    const verdict = rule.evaluate(request, ctx);
    rules.push({ rule: rule.id, result: verdict.result, reason: verdict.reason });
    if (verdict.result === "needs_approval" && verdict.stage)
      asked.set(verdict.stage, [...(asked.get(verdict.stage) ?? []), verdict.reason]);
  }
  const denials = rules.filter((r) => r.result === "deny").map((r) => r.reason);
  const stages = denials.length
    ? []
    : STAGE_ORDER.filter((s) => asked.has(s)).map((s) => ({ rule: s, reason: asked.get(s)!.join(" ") }));
  // Standard: people must look at it, but only the owner's manager, and nothing privileged is
  // asked for. Managers may approve such requests in bulk.
  const standard =
    stages.length > 0 &&
    stages.every((s) => s.rule === "owner_manager") &&
    request.type !== "policy_exception" &&
    privilegedGrants(request, ctx).length === 0;
  return {
    outcome: denials.length ? "deny" : stages.length ? "needs_approval" : "allow",
    rules,
    stages,
    standard,
    version: POLICY_VERSION,
    denials,
  };
}
