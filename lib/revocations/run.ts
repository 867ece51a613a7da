import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit/record";
import { connectorFor } from "@/lib/connectors";
import type { RevokeTarget, SystemTarget } from "@/lib/connectors/types";
import { now } from "@/lib/clock";
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

export type RunResult = {
  claimed: number;
  verified: number;
  awaitingConfirmation: number;
  failed: number;
  gaveUp: number;
};

type Claimed = {
  id: string;
  claimed_at: Date | string;
  target_type: "identity" | "entitlement" | "credential";
  identity_id: string;
  entitlement_id: string | null;
  credential_ref: string | null;
  attempts: number;
  identity_name: string;
  external_id: string | null;
  system_id: string;
  system_name: string;
  connector: SystemTarget["connector"];
  settings: Record<string, unknown> | string;
  resource: string | null;
  permission: string | null;
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
    for (const c of claimed) bySystem.set(c.system_id, [...(bySystem.get(c.system_id) ?? []), c]);
    for (const group of bySystem.values()) await runGroup(db, group, by, at, out);
    if (claimed.length < CLAIM_BATCH) break;
  }
  return out;
}

const systemOf = (c: Claimed): SystemTarget => ({
  id: c.system_id,
  name: c.system_name,
  connector: c.connector,
  settings: typeof c.settings === "string" ? JSON.parse(c.settings) : c.settings,
});
// Steward acts in a target system only on the account bound to the identity (its external id, set
// by discovery, an import or a confirmed provisioning), never on a name someone typed. A manual
// system's person sees the name when nothing is bound: they act, not Steward.
const targetOf = (c: Claimed): RevokeTarget => ({
  revocationId: c.id,
  kind: c.target_type,
  account: c.external_id ?? c.identity_name,
  bound: c.external_id !== null,
  identityName: c.identity_name,
  entitlement: c.resource !== null ? { resource: c.resource, permission: c.permission ?? "" } : null,
  credentialRef: c.credential_ref,
});

/**
 * What an identity with no bound account leaves behind when revoked: its record in Steward, ended
 * here, while the system is not touched (a typed name may belong to an account Steward never governed).
 */
const recordOnly = (c: Claimed) => ({
  recordOnly: true,
  system: c.system_name,
  note: `No account in ${c.system_name} is bound to ${c.identity_name}: Steward revoked its record and acted nowhere in the system. Remove any account made for it by hand.`,
});

/** One system's claimed revocations: in one batch where the connector can, else one by one. */
async function runGroup(db: Database, claimed: Claimed[], by: AuditActor, at: Date, out: RunResult): Promise<void> {
  const system = systemOf(claimed[0]!);
  const unbound = system.connector === "manual" ? [] : claimed.filter((c) => c.external_id === null);
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

/**
 * Many verified revocations of one batch, set-based in one transaction: the revocations, then the
 * identities and entitlements they end, the rescore, and their audit events (appended together).
 */
async function settleVerifiedMany(
  db: Database,
  items: { c: Claimed; evidence: Record<string, unknown> }[],
  by: AuditActor,
  at: Date,
): Promise<void> {
  if (!items.length) return;
  await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const iso = at.toISOString();
      const payload = JSON.stringify(
        items.map((i) => ({ id: i.c.id, claimed: new Date(i.c.claimed_at).toISOString(), evidence: i.evidence })),
      );
      const done = await queryRows<{
        id: string;
        target_type: string;
        identity_id: string;
        entitlement_id: string | null;
      }>(
        tx,
        sql`UPDATE revocations r SET status = 'verified', verified_at = ${iso}::timestamptz, updated_at = ${iso}::timestamptz, last_error = NULL, next_attempt_at = NULL,
            connector_result = x.evidence
          FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, claimed timestamptz, evidence jsonb)
          WHERE r.id = x.id AND r.status = 'executing' AND r.updated_at = x.claimed RETURNING r.id, r.target_type, r.identity_id, r.entitlement_id`,
      );
      if (!done.length) return;
      const list = (ids: string[]) =>
        sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        );
      const whole = done.filter((d) => d.target_type === "identity").map((d) => d.identity_id);
      const single = done.filter((d) => d.target_type !== "identity" && d.entitlement_id).map((d) => d.entitlement_id!);
      if (whole.length) {
        // A revoked identity scores 0 with no factors (risk.ts): set here, so each row is written once.
        await tx.execute(
          sql`UPDATE identities SET status = 'revoked', risk_score = 0, risk_factors = '{}' WHERE id IN (${list(whole)}) AND status IN ('pending', 'active', 'suspended')`,
        );
        await tx.execute(
          sql`UPDATE entitlements SET status = 'revoked' WHERE identity_id IN (${list(whole)}) AND status = 'active'`,
        );
      }
      if (single.length)
        await tx.execute(
          sql`UPDATE entitlements SET status = 'revoked' WHERE id IN (${list(single)}) AND status = 'active'`,
        );
      const rescore = [...new Set(done.filter((d) => d.target_type !== "identity").map((d) => d.identity_id))];
      if (rescore.length) await rescoreIdentities(tx, sql`i.id IN (${list(rescore)})`, at);
      const system = items[0]!.c.system_name;
      const recordOnlyIds = new Set(items.filter((i) => i.evidence.recordOnly).map((i) => i.c.id));
      for (const d of done) {
        const subject = { type: "identity", id: d.identity_id };
        const recordOnlyNote = recordOnlyIds.has(d.id) ? { recordOnly: true } : {};
        await record(tx, {
          actor: by,
          action: "revocation.executed",
          subject,
          after: { revocationId: d.id, system, ...recordOnlyNote },
        });
        if (d.target_type === "identity")
          await record(tx, { actor: by, action: "identity.revoked", subject, after: { revocationId: d.id } });
        else
          await record(tx, {
            actor: by,
            action: "entitlement.revoked",
            subject,
            after: { revocationId: d.id, entitlementId: d.entitlement_id },
          });
        await record(tx, { actor: by, action: "revocation.verified", subject, after: { revocationId: d.id } });
      }
    }),
  );
}

/** Takes what is due, oldest first, and marks it executing, in one short transaction with its audit events. */
async function claim(
  db: Database,
  by: AuditActor,
  at: Date,
  opts: { ids?: string[]; limit?: number },
): Promise<Claimed[]> {
  const iso = at.toISOString();
  // The claim's stamp is the clock now, not the run's start, and it is the claim's token: a
  // settle or a failure only lands if the row still carries it (another runner that took over a
  // stale claim re-stamps it).
  const stamp = new Date(Math.max(now().getTime(), at.getTime())).toISOString();
  const only = opts.ids?.length
    ? sql`AND r.id IN (${sql.join(
        opts.ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql``;
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const due = await queryRows<{ id: string }>(
        tx,
        sql`SELECT r.id FROM revocations r
          WHERE ((r.status = 'requested') OR (r.status = 'failed' AND r.attempts < ${MAX_ATTEMPTS} AND r.next_attempt_at <= ${iso}::timestamptz)
            OR (r.status = 'executing' AND r.attempts < ${MAX_ATTEMPTS} AND r.updated_at < ${new Date(new Date(stamp).getTime() - STALE_CLAIM_MS).toISOString()}::timestamptz)) ${only}
          ORDER BY r.next_attempt_at NULLS FIRST, r.id LIMIT ${opts.limit ?? 500} FOR UPDATE SKIP LOCKED`,
      );
      if (!due.length) return [];
      const claimed = await queryRows<Claimed>(
        tx,
        sql`UPDATE revocations r SET status = 'executing', updated_at = ${stamp}::timestamptz,
            -- a claim taken over from a runner that died counts as an attempt, so a revocation that kills runners ends
            attempts = CASE WHEN r.status = 'executing' THEN r.attempts + 1 ELSE r.attempts END
          FROM identities i JOIN systems s ON s.id = i.system_id
          WHERE r.id IN (${sql.join(
            due.map((d) => sql`${d.id}::uuid`),
            sql`, `,
          )}) AND i.id = r.identity_id
          RETURNING r.id, r.updated_at AS claimed_at, r.target_type, r.identity_id, r.entitlement_id, r.credential_ref, r.attempts, i.name AS identity_name, i.external_id,
            s.id AS system_id, s.name AS system_name, s.connector, s.settings,
            (SELECT resource FROM entitlements WHERE id = r.entitlement_id) AS resource, (SELECT permission FROM entitlements WHERE id = r.entitlement_id) AS permission`,
      );
      // Claimed is a change like any other: the timeline shows who took it up, and when.
      for (const c of claimed) {
        await record(tx, {
          actor: by,
          action: "revocation.claimed",
          subject: { type: "identity", id: c.identity_id },
          after: { revocationId: c.id, system: c.system_name, attempts: c.attempts },
        });
      }
      return claimed;
    }),
  );
}

/** The connector is done: executed (a person must confirm) or verified (Steward's records follow). */
async function settle(
  db: Database,
  c: Claimed,
  by: AuditActor,
  at: Date,
  step: { status: "executed" | "verified"; evidence: Record<string, unknown> },
): Promise<void> {
  await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const iso = at.toISOString();
      const [row] = await queryRows<{ id: string }>(
        tx,
        sql`UPDATE revocations SET status = ${step.status}::revocation_status, updated_at = ${iso}::timestamptz, last_error = NULL, next_attempt_at = NULL,
            connector_result = ${JSON.stringify(step.evidence)}::jsonb, verified_at = ${step.status === "verified" ? iso : null}::timestamptz
          WHERE id = ${c.id}::uuid AND status = 'executing' AND updated_at = ${new Date(c.claimed_at).toISOString()}::timestamptz RETURNING id`,
      );
      if (!row) return; // another runner settled it after a stale claim
      await record(tx, {
        actor: by,
        action: "revocation.executed",
        subject: { type: "identity", id: c.identity_id },
        after: { revocationId: c.id, system: c.system_name, evidence: step.evidence },
      });
      if (step.status === "verified") await applyVerified(tx, c.id, by, at);
    }),
  );
}

/**
 * The target system confirmed it: the identity (and every active entitlement it holds) or the one
 * entitlement is revoked in Steward too, rescored, and recorded. Shared with the manual confirmation.
 */
export async function applyVerified(tx: Database, revocationId: string, by: AuditActor, at: Date): Promise<void> {
  const [r] = await queryRows<{ target_type: string; identity_id: string; entitlement_id: string | null }>(
    tx,
    sql`SELECT target_type, identity_id, entitlement_id FROM revocations WHERE id = ${revocationId}::uuid`,
  );
  if (!r) return;
  if (r.target_type === "identity") {
    await tx.execute(
      sql`UPDATE identities SET status = 'revoked' WHERE id = ${r.identity_id}::uuid AND status IN ('pending', 'active', 'suspended')`,
    );
    await tx.execute(
      sql`UPDATE entitlements SET status = 'revoked' WHERE identity_id = ${r.identity_id}::uuid AND status = 'active'`,
    );
    await record(tx, {
      actor: by,
      action: "identity.revoked",
      subject: { type: "identity", id: r.identity_id },
      after: { revocationId },
    });
  } else if (r.entitlement_id) {
    await tx.execute(
      sql`UPDATE entitlements SET status = 'revoked' WHERE id = ${r.entitlement_id}::uuid AND status = 'active'`,
    );
    await record(tx, {
      actor: by,
      action: "entitlement.revoked",
      subject: { type: "identity", id: r.identity_id },
      after: { revocationId, entitlementId: r.entitlement_id },
    });
  }
  await rescoreIdentities(tx, sql`i.id = ${r.identity_id}::uuid`, at);
  await record(tx, {
    actor: by,
    action: "revocation.verified",
    subject: { type: "identity", id: r.identity_id },
    after: { revocationId },
  });
}

/** A failed attempt: retried after the backoff, or, past the limit, left for security (flagged). */
async function fail(db: Database, c: Claimed, by: AuditActor, at: Date, error: string): Promise<boolean> {
  const attempts = c.attempts + 1;
  const gaveUp = attempts >= MAX_ATTEMPTS;
  const next = gaveUp ? null : new Date(at.getTime() + backoffMs(attempts)).toISOString();
  await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const [row] = await queryRows<{ id: string }>(
        tx,
        sql`UPDATE revocations SET status = 'failed', attempts = ${attempts}, last_error = ${error.slice(0, 2000)}, next_attempt_at = ${next}::timestamptz, updated_at = ${at.toISOString()}::timestamptz
          WHERE id = ${c.id}::uuid AND status = 'executing' AND updated_at = ${new Date(c.claimed_at).toISOString()}::timestamptz RETURNING id`,
      );
      if (!row) return;
      await record(tx, {
        actor: by,
        action: gaveUp ? "revocation.gave_up" : "revocation.failed",
        subject: { type: "identity", id: c.identity_id },
        after: { revocationId: c.id, attempts, error: error.slice(0, 500), nextAttemptAt: next, system: c.system_name },
      });
    }),
  );
  return gaveUp;
}
