import type { Connector } from "./types";

/**
 * Systems with no API Steward can call: a person removes the access and confirms it with evidence
 * (a note or a link). Until then the revocation stays `executed`, never `verified`.
 */
export const manualConnector: Connector = {
  async revoke(system, target) {
    return {
      state: "awaiting_confirmation",
      evidence: {
        instructions:
          `Remove ${target.kind === "entitlement" ? `${target.entitlement!.permission} on ${target.entitlement!.resource} from` : "all access of"} ${target.account} in ${system.name}, then confirm here with evidence.` +
          (target.bound
            ? ""
            : ` No account is bound to it: check that ${target.account} in ${system.name} really is this identity's before you act.`),
      },
    };
  },
  async verify() {
    return { verified: false, evidence: {}, reason: "A person has not confirmed the removal yet." };
  },
  async grant(system, target) {
    return {
      state: "awaiting_confirmation",
      evidence: {
        instructions:
          `Grant ${target.entitlement.permission} on ${target.entitlement.resource} to ${target.account} in ${system.name}, then confirm here with evidence.` +
          (target.bound
            ? ""
            : ` No account is bound to it: check that ${target.account} in ${system.name} really is this identity's before you act.`),
      },
    };
  },
  async verifyGrant() {
    return { verified: false, evidence: {}, reason: "A person has not confirmed the grant yet." };
  },
};
