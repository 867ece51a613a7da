/**
 * A connector speaks to one kind of target system. Revocation asks it to remove access and then
 * to confirm, by reading the system back, that the access is gone: Steward calls a revocation
 * done only on that confirmation. Connectors never see the database; they get plain targets.
 */
export type RevokeTarget = {
  revocationId: string;
  kind: "identity" | "entitlement" | "credential";
  /** The account in the target system: the bound external id (else, for a person to act on by hand, the name). */
  account: string;
  /** Whether `account` is bound to the identity (discovery, import, confirmed provisioning). Connectors that act refuse unbound targets. */
  bound: boolean;
  identityName: string;
  /** For an entitlement: the one grant to remove (resource, permission). */
  entitlement: { resource: string; permission: string } | null;
  credentialRef: string | null;
};

export type SystemTarget = {
  id: string;
  name: string;
  connector: "postgres" | "webhook" | "manual";
  settings: Record<string, unknown>;
};

/** What revoking did: done (now verify), or waiting for a person to confirm it by hand. */
export type RevokeOutcome = { state: "done" | "awaiting_confirmation"; evidence: Record<string, unknown> };
/** What the target system says now. */
export type Verification = { verified: boolean; evidence: Record<string, unknown>; reason?: string };

/** An account found in the target system, with what it holds there. */
export type DiscoveredAccount = {
  account: string;
  canLogin: boolean;
  grants: { resource: string; permission: string }[];
};

/** One target's result in a batch: revoked and read back (verified or not), or an error. */
export type BatchOutcome =
  | { verified: true; evidence: Record<string, unknown> }
  | { verified: false; error: string; evidence?: Record<string, unknown> };

export interface Connector {
  /**
   * Revokes and verifies many targets in one session (systems with many accounts retire at once):
   * the result per revocation id. Connectors without it are called one target at a time.
   */
  revokeBatch?(system: SystemTarget, targets: RevokeTarget[]): Promise<Map<string, BatchOutcome>>;
  /** The accounts the system holds now (connectors that cannot list them leave this out). */
  discover?(system: SystemTarget): Promise<DiscoveredAccount[]>;
  revoke(system: SystemTarget, target: RevokeTarget): Promise<RevokeOutcome>;
  verify(system: SystemTarget, target: RevokeTarget): Promise<Verification>;
}

/** A connector's failure that a retry will not fix (bad settings): reported at once, still retried within the limit. */
export class ConnectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectorError";
  }
}
