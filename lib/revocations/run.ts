import "server-only";
import type { Database } from "@/db";
import type { AuditActor } from "@/lib/audit";
import {
  connectorFor,
  type BatchOutcome,
  type GrantTarget,
  type RevokeTarget,
  type SystemTarget,
} from "@/lib/connectors";
import { claim, type Claimed } from "./claim";
import { fail, settle, settleVerifiedMany } from "./settle";

export { backoffMs, MAX_ATTEMPTS } from "./claim";
export { applyVerified } from "./settle";

/**
 * Carrying revocations and grants out: `requested → executing → executed → verified`, or `failed` and tried
 * again with exponential backoff until MAX_ATTEMPTS, after which it waits for security. Each run
 * claims what is due (SKIP LOCKED: two runners never take the same one), calls the connector
 * outside any transaction, and records each step with its audit event in one transaction. Only
 * the target system's confirmation makes a revocation `verified`, and only then does Steward mark
 * the identity or entitlement revoked (for a grant: the entitlement active). Running it again
 * changes nothing that is not due.
 */
export type RunResult = {
  claimed: number;
  verified: number;
  awaitingConfirmation: number;
  failed: number;
  gaveUp: number;
};

const CLAIM_BATCH = 500;

export async function runRevocations(
  db: Database,
  by: AuditActor,
  at: Date,
  opts: { ids?: string[]; limit?: number } = {},
): Promise<RunResult> {
  const out: RunResult = { claimed: 0, verified: 0, awaitingConfirmation: 0, failed: 0, gaveUp: 0 };
  const limit = opts.limit ?? 5_000;
  // Batches of 500 until nothing is due (or the limit): a retired system's thousands go through in one run.
  while (out.claimed < limit) {
    const claimed = await claim(db, by, at, { ids: opts.ids, limit: Math.min(CLAIM_BATCH, limit - out.claimed) });
    out.claimed += claimed.length;
    const bySystem = new Map<string, Claimed[]>();
    for (const c of claimed) {
      const key = `${c.systemId}:${c.operation}`;
      bySystem.set(key, [...(bySystem.get(key) ?? []), c]);
    }
    // Grants before revocations: a grant and the revocation of the same entitlement claimed
    // together end revoked, whichever system's turn comes first.
    const groups = [...bySystem.values()].sort(
      (a, b) => Number(a[0]!.operation === "revoke") - Number(b[0]!.operation === "revoke"),
    );
    for (const group of groups) await (group[0]!.operation === "grant" ? runGrants : runGroup)(db, group, by, at, out);
    if (claimed.length < CLAIM_BATCH) break;
  }
  return out;
}

const systemOf = (c: Claimed): SystemTarget => ({
  id: c.systemId,
  name: c.systemName,
  connector: c.connector,
  settings: typeof c.settings === "string" ? JSON.parse(c.settings) : c.settings,
});
// Steward acts in a target system only on the account bound to the identity (its external id, set
// by discovery, an import or a confirmed provisioning), never on a name someone typed. A manual
// system's person sees the name when nothing is bound: they act, not Steward.
const targetOf = (c: Claimed): RevokeTarget => ({
  revocationId: c.id,
  kind: c.targetType,
  account: c.externalId ?? c.identityName,
  bound: c.externalId !== null,
  identityName: c.identityName,
  entitlement: c.resource !== null ? { resource: c.resource, permission: c.permission ?? "" } : null,
  credentialRef: c.credentialRef,
});

/**
 * What an identity with no bound account leaves behind when revoked: its record in Steward, ended
 * here, while the system is not touched (a typed name may belong to an account Steward never governed).
 */
const recordOnly = (c: Claimed) => ({
  recordOnly: true,
  system: c.systemName,
  note: `No account in ${c.systemName} is bound to ${c.identityName}: Steward revoked its record and acted nowhere in the system. Remove any account made for it by hand.`,
});

/** One system's claimed revocations: in one batch where the connector can, else one by one. */
async function runGroup(db: Database, claimed: Claimed[], by: AuditActor, at: Date, out: RunResult): Promise<void> {
  const system = systemOf(claimed[0]!);
  const unbound = system.connector === "manual" ? [] : claimed.filter((c) => c.externalId === null);
  if (unbound.length) {
    await settleVerifiedMany(
      db,
      unbound.map((c) => ({ c, evidence: recordOnly(c) })),
      by,
      at,
    );
    out.verified += unbound.length;
  }
  const group = claimed.filter((c) => !unbound.includes(c));
  if (!group.length) return;
  const connector = connectorFor(system);
  if (connector.revokeBatch && group.length > 1) {
    let outcomes: Map<string, { verified: boolean; evidence?: Record<string, unknown>; error?: string }>;
    try {
      outcomes = await connector.revokeBatch(system, group.map(targetOf));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      outcomes = new Map(group.map((c) => [c.id, { verified: false, error: message }]));
    }
    const verified = group.filter((c) => outcomes.get(c.id)?.verified);
    await settleVerifiedMany(
      db,
      verified.map((c) => ({ c, evidence: { batch: true, verify: outcomes.get(c.id)!.evidence ?? {} } })),
      by,
      at,
    );
    out.verified += verified.length;
    for (const c of group.filter((x) => !outcomes.get(x.id)?.verified)) {
      const gaveUp = await fail(db, c, by, at, outcomes.get(c.id)?.error ?? "The target system did not answer for it.");
      out.failed++;
      if (gaveUp) out.gaveUp++;
    }
    return;
  }
  for (const c of group) {
    const target = targetOf(c);
    try {
      const done = await connector.revoke(system, target);
      if (done.state === "awaiting_confirmation") {
        await settle(db, c, by, at, { status: "executed", evidence: done.evidence });
        out.awaitingConfirmation++;
        continue;
      }
      const check = await connector.verify(system, target);
      if (!check.verified) throw new Error(check.reason ?? "The target system still shows the access.");
      await settle(db, c, by, at, { status: "verified", evidence: { revoke: done.evidence, verify: check.evidence } });
      out.verified++;
    } catch (e) {
      const gaveUp = await fail(db, c, by, at, e instanceof Error ? e.message : String(e));
      out.failed++;
      if (gaveUp) out.gaveUp++;
    }
  }
}

const grantTargetOf = (c: Claimed): GrantTarget => ({
  operationId: c.id,
  account: c.externalId ?? c.identityName,
  bound: c.externalId !== null,
  identityName: c.identityName,
  entitlement: { resource: c.resource ?? "", permission: c.permission ?? "" },
});

/**
 * One system's claimed grants. A grant is only carried out while its entitlement waits for it
 * and its identity is live (a revocation may have overtaken it), and, where the connector acts,
 * only on a bound account: the rest fail at once and for good, with the reason.
 */
async function runGrants(db: Database, claimed: Claimed[], by: AuditActor, at: Date, out: RunResult): Promise<void> {
  const system = systemOf(claimed[0]!);
  const refusals = new Map<string, string>();
  for (const c of claimed) {
    if (c.entitlementStatus !== "pending")
      refusals.set(c.id, `The entitlement is ${c.entitlementStatus ?? "gone"}, no longer waiting to be granted.`);
    else if (!["pending", "active", "suspended"].includes(c.identityStatus))
      refusals.set(c.id, `${c.identityName} is ${c.identityStatus}: nothing is granted to it.`);
    else if (system.connector !== "manual" && c.externalId === null)
      refusals.set(
        c.id,
        `${c.identityName} is not bound to an account in ${c.systemName}; Steward does not act on a typed name. Bind it by discovering the system's accounts, then ask again.`,
      );
  }
  for (const c of claimed.filter((x) => refusals.has(x.id))) {
    await fail(db, c, by, at, refusals.get(c.id)!, { final: true });
    out.failed++;
    out.gaveUp++;
  }
  const group = claimed.filter((c) => !refusals.has(c.id));
  if (!group.length) return;
  const connector = connectorFor(system);
  if (connector.grantBatch && group.length > 1) {
    let outcomes: Map<string, BatchOutcome>;
    try {
      outcomes = await connector.grantBatch(system, group.map(grantTargetOf));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      outcomes = new Map(group.map((c) => [c.id, { verified: false, error: message }]));
    }
    const ok = group.filter((c) => outcomes.get(c.id)?.verified);
    await settleVerifiedMany(
      db,
      ok.map((c) => ({ c, evidence: { batch: true, verify: outcomes.get(c.id)!.evidence ?? {} } })),
      by,
      at,
    );
    out.verified += ok.length;
    for (const c of group.filter((x) => !outcomes.get(x.id)?.verified)) {
      const o = outcomes.get(c.id);
      const gaveUp = await fail(db, c, by, at, o && !o.verified ? o.error : "The target system did not answer for it.");
      out.failed++;
      if (gaveUp) out.gaveUp++;
    }
    return;
  }
  for (const c of group) {
    const target = grantTargetOf(c);
    try {
      const done = await connector.grant(system, target);
      if (done.state === "awaiting_confirmation") {
        await settle(db, c, by, at, { status: "executed", evidence: done.evidence });
        out.awaitingConfirmation++;
        continue;
      }
      const check = await connector.verifyGrant(system, target);
      if (!check.verified) throw new Error(check.reason ?? "The target system does not show the grant.");
      await settle(db, c, by, at, { status: "verified", evidence: { grant: done.evidence, verify: check.evidence } });
      out.verified++;
    } catch (e) {
      const gaveUp = await fail(db, c, by, at, e instanceof Error ? e.message : String(e));
      out.failed++;
      if (gaveUp) out.gaveUp++;
    }
  }
}
