// The door to lib/policy: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/policy" (eslint enforces it).
export { evaluatePolicy, type PolicyDecision } from "./evaluate";
export { isPrivilegedGrant } from "./privileged";
export { EXCEPTABLE_RULES, LIFETIME_RULE, POLICY_VERSION } from "./rules";
export { loadPolicySettings, reviewPeriodDays, type PolicySettings } from "./settings";
export {
  canEditPolicySettings,
  canReadPolicySettings,
  changePolicySetting,
  readPolicySettings,
} from "./settings-admin";
export type { PolicyRequest, SubjectFacts } from "./types";
