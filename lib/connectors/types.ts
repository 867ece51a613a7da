/**
 * A connector speaks to one kind of target system. Revocation asks it to remove access and then
 * to confirm, by reading the system back, that the access is gone: Steward calls a revocation
 * done only on that confirmation. Connectors never see the database; they get plain targets.
 */
export type RevokeTarget = {
  /** The operation's id (a revocation's, or a grant's: the same table and runner). */
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
  connector: "postgres" | "webhook" | "manual" | "steward";
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

/**
 * A grant to carry out: the mirror of an entitlement's revocation. `operationId` names it to the
 * target system (the webhook receiver answers and calls back with it).
 */
export type GrantTarget = {
  operationId: string;
  account: string;
  /** As for revocations: connectors that act refuse an account that is not bound to the identity. */
  bound: boolean;
  identityName: string;
  entitlement: { resource: string; permission: string };
};

/** What granting did: done (now verify), or waiting for a person (or a receiver's callback) to confirm it. */
export type GrantOutcome = RevokeOutcome;

export interface Connector {
  /** Grants one entitlement to a bound account; `verifyGrant` reads the system back to confirm it is held. */
  grant(system: SystemTarget, target: GrantTarget): Promise<GrantOutcome>;
  verifyGrant(system: SystemTarget, target: GrantTarget): Promise<Verification>;
  /** Grants and verifies many in one session (the PostgreSQL connector): the result per operation id. */
  grantBatch?(system: SystemTarget, targets: GrantTarget[]): Promise<Map<string, BatchOutcome>>;
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
