import "server-only";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { queryRows, type Database } from "@/db";
import { pick, readRows, revocationColumns, selectList } from "@/db/columns";
import { revocations } from "@/db/schema";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";
import { rescoreIdentities } from "@/lib/identities";
import { uuidList } from "@/lib/sql";
import { backoffMs, MAX_ATTEMPTS, opNoun, opRef, type Claimed } from "./claim";
import { queueEntitlementRevocations } from "./queue";

/**
 * Recording what the connector answered, each step with its audit event in one transaction: only
 * the target system's confirmation makes a revocation `verified`, and only then does Steward mark
 * the identity or entitlement revoked, or a granted entitlement active.
 */

const r = alias(revocations, "r");
const settledColumns = {
  id: r.id,
  operation: r.operation,
  targetType: r.targetType,
  identityId: r.identityId,
  entitlementId: r.entitlementId,
};

/**
 * Granted and confirmed: the entitlements become active. A grant asked for a duration (its
 * request's `durationHours`) runs from now, when the access exists, not from the approval.
 */
async function activateGrants(tx: Database, entitlementIds: string[], at: Date): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE entitlements e SET status = 'active',
      expires_at = CASE WHEN q.payload ? 'durationHours'
        THEN ${at.toISOString()}::timestamptz + make_interval(hours => (q.payload->>'durationHours')::int) ELSE e.expires_at END
    FROM entitlements x LEFT JOIN requests q ON q.id = x.granted_by_request_id
    WHERE x.id = e.id AND e.id IN (${uuidList(entitlementIds)}) AND e.status = 'pending' RETURNING e.id`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * A grant the system confirmed after its entitlement was revoked meanwhile (End now, a revocation
 * of the identity, a race between two runners): the access exists again in the system, so it is
 * removed again through the revocation flow, and the grant is recorded as overtaken.
 */
async function revokeOvertaken(
  tx: Database,
  overtaken: { grantId: string; entitlementId: string; identityId: string }[],
  by: AuditActor,
  at: Date,
): Promise<void> {
  if (!overtaken.length) return;
  const queued = await queueEntitlementRevocations(tx, {
    where: sql`e.id IN (${uuidList(overtaken.map((o) => o.entitlementId))})`,
    reason: "Granted after its revocation: removed again",
    requestedBy: null,
    at,
    limit: overtaken.length,
  });
  const revocationOf = new Map(queued.map((q) => [q.entitlementId, q.id]));
  for (const o of overtaken) {
    await record(tx, {
      actor: by,
      action: "grant.overtaken",
      subject: { type: "identity", id: o.identityId },
      after: {
        grantId: o.grantId,
        entitlementId: o.entitlementId,
        revocationId: revocationOf.get(o.entitlementId) ?? null,
      },
    });
  }
}

/**
 * A grant that will not be carried out (given up, or refused for good): its entitlement, never
 * granted, ends as revoked instead of waiting as pending for ever. In the caller's transaction.
 */
export async function abandonGrant(
  tx: Database,
  g: { grantId: string; entitlementId: string | null; identityId: string },
  by: AuditActor,
): Promise<void> {
  if (!g.entitlementId) return;
  const [ended] = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE entitlements SET status = 'revoked' WHERE id = ${g.entitlementId}::uuid AND status = 'pending' RETURNING id`,
  );
  if (ended)
    await record(tx, {
      actor: by,
      action: "entitlement.grant_abandoned",
      subject: { type: "identity", id: g.identityId },
      after: { grantId: g.grantId, entitlementId: g.entitlementId },
    });
}

/** Removed and confirmed: revoked, or expired when it was its expiry that ended it. */
const endEntitlements = (tx: Database, which: SQL, at: Date) =>
  tx.execute(sql`UPDATE entitlements SET status = CASE WHEN expires_at <= ${at.toISOString()}::timestamptz THEN 'expired'::entitlement_status ELSE 'revoked'::entitlement_status END
    WHERE ${which} AND status IN ('pending', 'active')`);

/** The row still carries this runner's claim (another runner may have taken over a stale one). */
const claimedBy = (c: Claimed) =>
  and(eq(revocations.id, c.id), eq(revocations.status, "executing"), eq(revocations.updatedAt, c.claimedAt));

/**
 * Many verified revocations of one batch, set-based in one transaction: the revocations, then the
 * identities and entitlements they end, the rescore, and their audit events (appended together).
 */
export async function settleVerifiedMany(
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
        items.map((i) => ({ id: i.c.id, claimed: i.c.claimedAt.toISOString(), evidence: i.evidence })),
      );
      // Set-based UPDATE … FROM jsonb_to_recordset: raw SQL over a column set of revocations.
      const done = await readRows(
        tx,
        settledColumns,
        sql`UPDATE revocations r SET status = 'verified', verified_at = ${iso}::timestamptz, updated_at = ${iso}::timestamptz, last_error = NULL, next_attempt_at = NULL,
            connector_result = x.evidence
          FROM jsonb_to_recordset(${payload}::jsonb) AS x(id uuid, claimed timestamptz, evidence jsonb)
          WHERE r.id = x.id AND r.status = 'executing' AND r.updated_at = x.claimed RETURNING ${selectList(settledColumns)}`,
      );
      if (!done.length) return;
      const grants = done.filter((d) => d.operation === "grant").map((d) => d.entitlementId!);
      const whole = done
        .filter((d) => d.operation === "revoke" && d.targetType === "identity")
        .map((d) => d.identityId);
      const single = done
        .filter((d) => d.operation === "revoke" && d.targetType !== "identity" && d.entitlementId)
        .map((d) => d.entitlementId!);
      const activated = grants.length ? await activateGrants(tx, grants, at) : new Set<string>();
      await revokeOvertaken(
        tx,
        done
          .filter((d) => d.operation === "grant" && !activated.has(d.entitlementId!))
          .map((d) => ({ grantId: d.id, entitlementId: d.entitlementId!, identityId: d.identityId })),
        by,
        at,
      );
      if (whole.length) {
        // A revoked identity scores 0 with no factors (risk.ts): set here, so each row is written once.
        await tx.execute(
          sql`UPDATE identities SET status = 'revoked', risk_score = 0, risk_factors = '{}' WHERE id IN (${uuidList(whole)}) AND status IN ('pending', 'active', 'suspended')`,
        );
        await tx.execute(
          sql`UPDATE entitlements SET status = 'revoked' WHERE identity_id IN (${uuidList(whole)}) AND status IN ('pending', 'active')`,
        );
      }
      if (single.length) await endEntitlements(tx, sql`id IN (${uuidList(single)})`, at);
      const rescore = [...new Set(done.filter((d) => d.targetType !== "identity").map((d) => d.identityId))];
      if (rescore.length) await rescoreIdentities(tx, sql`i.id IN (${uuidList(rescore)})`, at);
      const system = items[0]!.c.systemName;
      const recordOnlyIds = new Set(items.filter((i) => i.evidence.recordOnly).map((i) => i.c.id));
      for (const d of done) {
        const subject = { type: "identity", id: d.identityId };
        const recordOnlyNote = recordOnlyIds.has(d.id) ? { recordOnly: true } : {};
        if (d.operation === "grant") {
          const ref = { grantId: d.id, entitlementId: d.entitlementId };
          await record(tx, { actor: by, action: "grant.executed", subject, after: { ...ref, system } });
          if (activated.has(d.entitlementId!))
            await record(tx, { actor: by, action: "entitlement.granted", subject, after: ref });
          await record(tx, { actor: by, action: "grant.verified", subject, after: ref });
          continue;
        }
        await record(tx, {
          actor: by,
          action: "revocation.executed",
          subject,
          after: { revocationId: d.id, system, ...recordOnlyNote },
        });
        if (d.targetType === "identity")
          await record(tx, { actor: by, action: "identity.revoked", subject, after: { revocationId: d.id } });
        else
          await record(tx, {
            actor: by,
            action: "entitlement.revoked",
            subject,
            after: { revocationId: d.id, entitlementId: d.entitlementId },
          });
        await record(tx, { actor: by, action: "revocation.verified", subject, after: { revocationId: d.id } });
      }
    }),
  );
}

/** The connector is done: executed (a person must confirm) or verified (Steward's records follow). */
export async function settle(
  db: Database,
  c: Claimed,
  by: AuditActor,
  at: Date,
  step: { status: "executed" | "verified"; evidence: Record<string, unknown> },
): Promise<void> {
  await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const [row] = await tx
        .update(revocations)
        .set({
          status: step.status,
          updatedAt: at,
          lastError: null,
          nextAttemptAt: null,
          connectorResult: step.evidence,
          verifiedAt: step.status === "verified" ? at : null,
        })
        .where(claimedBy(c))
        .returning({ id: revocations.id });
      if (!row) return; // another runner settled it after a stale claim
      await record(tx, {
        actor: by,
        action: `${opNoun(c.operation)}.executed`,
        subject: { type: "identity", id: c.identityId },
        after: { ...opRef(c.operation, c.id), system: c.systemName, evidence: step.evidence },
      });
      if (step.status === "verified") await applyVerified(tx, c.id, by, at);
    }),
  );
}

/**
 * The target system confirmed it: the identity (and every entitlement it holds) or the one
 * entitlement is revoked in Steward too, or the granted entitlement made active; rescored and
 * recorded. Shared with the manual confirmation and the webhook's callback.
 */
export async function applyVerified(tx: Database, revocationId: string, by: AuditActor, at: Date): Promise<void> {
  const [r] = await tx
    .select(pick(revocationColumns, "operation", "targetType", "identityId", "entitlementId"))
    .from(revocations)
    .where(eq(revocations.id, revocationId));
  if (!r) return;
  const subject = { type: "identity", id: r.identityId };
  if (r.operation === "grant") {
    const activated = await activateGrants(tx, [r.entitlementId!], at);
    if (activated.size)
      await record(tx, {
        actor: by,
        action: "entitlement.granted",
        subject,
        after: { grantId: revocationId, entitlementId: r.entitlementId },
      });
    else
      await revokeOvertaken(
        tx,
        [{ grantId: revocationId, entitlementId: r.entitlementId!, identityId: r.identityId }],
        by,
        at,
      );
    await rescoreIdentities(tx, sql`i.id = ${r.identityId}::uuid`, at);
    await record(tx, { actor: by, action: "grant.verified", subject, after: { grantId: revocationId } });
    return;
  }
  const whole = r.targetType === "identity";
  if (whole)
    await tx.execute(
      sql`UPDATE identities SET status = 'revoked' WHERE id = ${r.identityId}::uuid AND status IN ('pending', 'active', 'suspended')`,
    );
  if (whole || r.entitlementId) {
    // The identity's every entitlement, or the one revoked.
    if (whole)
      await tx.execute(
        sql`UPDATE entitlements SET status = 'revoked' WHERE identity_id = ${r.identityId}::uuid AND status IN ('pending', 'active')`,
      );
    else await endEntitlements(tx, sql`id = ${r.entitlementId}::uuid`, at);
    await record(tx, {
      actor: by,
      action: whole ? "identity.revoked" : "entitlement.revoked",
      subject,
      after: whole ? { revocationId } : { revocationId, entitlementId: r.entitlementId },
    });
  }
  await rescoreIdentities(tx, sql`i.id = ${r.identityId}::uuid`, at);
  await record(tx, { actor: by, action: "revocation.verified", subject, after: { revocationId } });
}

/**
 * A failed attempt: retried after the backoff, or, past the limit, left for security (flagged).
 * `final`: no retry can help (the grant was overtaken, the account is not bound): given up at once.
 */
export async function fail(
  db: Database,
  c: Claimed,
  by: AuditActor,
  at: Date,
  error: string,
  opts: { final?: boolean } = {},
): Promise<boolean> {
  const attempts = c.attempts + 1;
  const gaveUp = opts.final === true || attempts >= MAX_ATTEMPTS;
  const next = gaveUp ? null : new Date(at.getTime() + backoffMs(attempts)).toISOString();
  await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const [row] = await tx
        .update(revocations)
        .set({
          status: "failed",
          attempts,
          lastError: error.slice(0, 2000),
          nextAttemptAt: next === null ? null : new Date(next),
          updatedAt: at,
        })
        .where(claimedBy(c))
        .returning({ id: revocations.id });
      if (!row) return;
      if (gaveUp && c.operation === "grant")
        await abandonGrant(tx, { grantId: c.id, entitlementId: c.entitlementId, identityId: c.identityId }, by);
      await record(tx, {
        actor: by,
        action: `${opNoun(c.operation)}.${gaveUp ? "gave_up" : "failed"}`,
        subject: { type: "identity", id: c.identityId },
        after: {
          ...opRef(c.operation, c.id),
          attempts,
          error: error.slice(0, 500),
          nextAttemptAt: next,
          system: c.systemName,
        },
      });
    }),
  );
  return gaveUp;
}
