import type { DecisionTrace } from "@/db/schema";
import { POLICY_VERSION, RULES } from "./rules";
import type { PolicyContext, PolicyRequest, StageRule } from "./types";

export type PolicyDecision = DecisionTrace & { version: string; denials: string[] };

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
    if (verdict.result === "needs_approval" && verdict.stage) asked.set(verdict.stage, [...(asked.get(verdict.stage) ?? []), verdict.reason]);
  }
  const denials = rules.filter((r) => r.result === "deny").map((r) => r.reason);
  const stages = denials.length ? [] : STAGE_ORDER.filter((s) => asked.has(s)).map((s) => ({ rule: s, reason: asked.get(s)!.join(" ") }));
  return {
    outcome: denials.length ? "deny" : stages.length ? "needs_approval" : "allow",
    rules,
    stages,
    version: POLICY_VERSION,
    denials,
  };
}
