import { ConnectorError, type Connector } from "./types";

/**
 * Steward's own system: its identities are API tokens (lib/tokens). A token is refused from the
 * moment a revocation of its identity (or of a scope, an entitlement) is requested — the check is
 * made on every API call — so there is nothing left to do in a target system: revoking is done and
 * verifying it is reading that rule back. Grants are refused: a token's scopes are set when it is
 * created, and a wider token is a new one.
 */
const REFUSED =
  "Steward refuses the token from the moment this revocation was requested: every API call checks that its identity and scope are active and not being revoked.";

const NO_GRANTS = "An API token's scopes are chosen when it is created: make a new token for more.";

export const stewardConnector: Connector = {
  async revoke(_system, target) {
    return { state: "done", evidence: { token: target.account, kind: target.kind, refused: REFUSED } };
  },
  async verify(_system, target) {
    return { verified: true, evidence: { token: target.account, refused: REFUSED } };
  },
  async grant() {
    throw new ConnectorError(NO_GRANTS);
  },
  async verifyGrant() {
    return { verified: false, evidence: {}, reason: NO_GRANTS };
  },
};
