import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit/record";
import { connectorFor } from "@/lib/connectors";
import type { RevokeTarget, SystemTarget } from "@/lib/connectors/types";
import { rescoreIdentities } from "@/lib/identities/risk";

/**
 * Carrying revocations out: `requested → executing → executed → verified`, or `failed` and tried
 * again with exponential backoff until MAX_ATTEMPTS, after which it waits for security. Each run
 * claims what is due (SKIP LOCKED: two runners never take the same one), calls the connector
 * outside any transaction, and records each step with its audit event in one transaction. Only
 * the target system's confirmation makes a revocation `verified`, and only then does Steward mark
 * the identity or entitlement revoked. Running it again changes nothing that is not due.
 */
export const MAX_ATTEMPTS = 5;
/** 1, 2, 4, 8… minutes after each failure, at most 6 hours. */
export const backoffMs = (attempts: number) => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
/** An `executing` claim older than this was left by a runner that died: it is due again. */
const STALE_CLAIM_MS = 10 * 60_000;

export type RunResult = { claimed: number; verified: number; awaitingConfirmation: number; failed: number; gaveUp: number };

type Claimed = {
  id: string; target_type: "identity" | "entitlement" | "credential"; identity_id: string; entitlement_id: string | null; credential_ref: string | null; attempts: number;
  identity_name: string; external_id: string | null; system_id: string; system_name: string; connector: SystemTarget["connector"]; settings: Record<string, unknown> | string;
  resource: string | null; permission: string | null;
};

export async function runRevocations(db: Database, by: AuditActor, at: Date, opts: { ids?: string[]; limit?: number } = {}): Promise<RunResult> {
  const claimed = await claim(db, at, opts);
  const out: RunResult = { claimed: claimed.length, verified: 0, awaitingConfirmation: 0, failed: 0, gaveUp: 0 };
  for (const c of claimed) {
    const system: SystemTarget = { id: c.system_id, name: c.system_name, connector: c.connector, settings: typeof c.settings === "string" ? JSON.parse(c.settings) : c.settings };
    const target: RevokeTarget = {
      revocationId: c.id, kind: c.target_type, account: c.external_id ?? c.identity_name, identityName: c.identity_name,
      entitlement: c.resource !== null ? { resource: c.resource, permission: c.permission ?? "" } : null, credentialRef: c.credential_ref,
    };
    const connector = connectorFor(system);
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
  return out;
}

/** Takes what is due, oldest first, and marks it executing, in one short transaction. */
async function claim(db: Database, at: Date, opts: { ids?: string[]; limit?: number }): Promise<Claimed[]> {
  const iso = at.toISOString();
  const only = opts.ids?.length ? sql`AND r.id IN (${sql.join(opts.ids.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
  return db.transaction(async (tx) => {
    const due = await queryRows<{ id: string }>(
      tx,
      sql`SELECT r.id FROM revocations r
          WHERE ((r.status = 'requested') OR (r.status = 'failed' AND r.attempts < ${MAX_ATTEMPTS} AND r.next_attempt_at <= ${iso}::timestamptz)
            OR (r.status = 'executing' AND r.updated_at < ${new Date(at.getTime() - STALE_CLAIM_MS).toISOString()}::timestamptz)) ${only}
          ORDER BY r.next_attempt_at NULLS FIRST, r.id LIMIT ${opts.limit ?? 500} FOR UPDATE SKIP LOCKED`,
    );
    if (!due.length) return [];
    return queryRows<Claimed>(
      tx,
      sql`UPDATE revocations r SET status = 'executing', updated_at = ${iso}::timestamptz FROM identities i JOIN systems s ON s.id = i.system_id
          WHERE r.id IN (${sql.join(due.map((d) => sql`${d.id}::uuid`), sql`, `)}) AND i.id = r.identity_id
          RETURNING r.id, r.target_type, r.identity_id, r.entitlement_id, r.credential_ref, r.attempts, i.name AS identity_name, i.external_id,
            s.id AS system_id, s.name AS system_name, s.connector, s.settings,
            (SELECT resource FROM entitlements WHERE id = r.entitlement_id) AS resource, (SELECT permission FROM entitlements WHERE id = r.entitlement_id) AS permission`,
    );
  });
}

/** The connector is done: executed (a person must confirm) or verified (Steward's records follow). */
async function settle(db: Database, c: Claimed, by: AuditActor, at: Date, step: { status: "executed" | "verified"; evidence: Record<string, unknown> }): Promise<void> {
  await db.transaction((tx) => inAuditBatch(tx, async () => {
    const iso = at.toISOString();
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE revocations SET status = ${step.status}::revocation_status, updated_at = ${iso}::timestamptz, last_error = NULL, next_attempt_at = NULL,
            connector_result = ${JSON.stringify(step.evidence)}::jsonb, verified_at = ${step.status === "verified" ? iso : null}::timestamptz
          WHERE id = ${c.id}::uuid AND status = 'executing' RETURNING id`,
    );
    if (!row) return; // another runner settled it after a stale claim
    await record(tx, { actor: by, action: "revocation.executed", subject: { type: "identity", id: c.identity_id }, after: { revocationId: c.id, system: c.system_name, evidence: step.evidence } });
    if (step.status === "verified") await applyVerified(tx, c.id, by, at);
  }));
}

/**
 * The target system confirmed it: the identity (and every active entitlement it holds) or the one
 * entitlement is revoked in Steward too, rescored, and recorded. Shared with the manual confirmation.
 */
export async function applyVerified(tx: Database, revocationId: string, by: AuditActor, at: Date): Promise<void> {
  const [r] = await queryRows<{ target_type: string; identity_id: string; entitlement_id: string | null }>(
    tx, sql`SELECT target_type, identity_id, entitlement_id FROM revocations WHERE id = ${revocationId}::uuid`,
  );
  if (!r) return;
  if (r.target_type === "identity") {
    await tx.execute(sql`UPDATE identities SET status = 'revoked' WHERE id = ${r.identity_id}::uuid AND status IN ('pending', 'active', 'suspended')`);
    await tx.execute(sql`UPDATE entitlements SET status = 'revoked' WHERE identity_id = ${r.identity_id}::uuid AND status = 'active'`);
    await record(tx, { actor: by, action: "identity.revoked", subject: { type: "identity", id: r.identity_id }, after: { revocationId } });
  } else if (r.entitlement_id) {
    await tx.execute(sql`UPDATE entitlements SET status = 'revoked' WHERE id = ${r.entitlement_id}::uuid AND status = 'active'`);
    await record(tx, { actor: by, action: "entitlement.revoked", subject: { type: "identity", id: r.identity_id }, after: { revocationId, entitlementId: r.entitlement_id } });
  }
  await rescoreIdentities(tx, sql`i.id = ${r.identity_id}::uuid`, at);
  await record(tx, { actor: by, action: "revocation.verified", subject: { type: "identity", id: r.identity_id }, after: { revocationId } });
}

/** A failed attempt: retried after the backoff, or, past the limit, left for security (flagged). */
async function fail(db: Database, c: Claimed, by: AuditActor, at: Date, error: string): Promise<boolean> {
  const attempts = c.attempts + 1;
  const gaveUp = attempts >= MAX_ATTEMPTS;
  const next = gaveUp ? null : new Date(at.getTime() + backoffMs(attempts)).toISOString();
  await db.transaction((tx) => inAuditBatch(tx, async () => {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE revocations SET status = 'failed', attempts = ${attempts}, last_error = ${error.slice(0, 2000)}, next_attempt_at = ${next}::timestamptz, updated_at = ${at.toISOString()}::timestamptz
          WHERE id = ${c.id}::uuid AND status = 'executing' RETURNING id`,
    );
    if (!row) return;
    await record(tx, {
      actor: by, action: gaveUp ? "revocation.gave_up" : "revocation.failed", subject: { type: "identity", id: c.identity_id },
      after: { revocationId: c.id, attempts, error: error.slice(0, 500), nextAttemptAt: next, system: c.system_name },
    });
  }));
  return gaveUp;
}
