import "server-only";
import { desc, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { auditEvents } from "@/db/schema";
import type { ActorType } from "@/db/schema";
import { now } from "@/lib/clock";
import { GENESIS_HASH, eventHash } from "./hash";

/** Who did it: a person, an API token, a lifecycle job or the system itself. */
export type AuditActor = { type: ActorType; id: string | null; label: string };

export type AuditEventInput = {
  actor: AuditActor;
  action: string;
  subject?: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
};

// Any fixed 64-bit key: it serialises appends so each event sees its predecessor's hash.
const AUDIT_CHAIN_LOCK = 7_736_202_611;

/**
 * Appends one event to the chain. Call it with the transaction of the change it records, so the
 * change and its evidence commit or roll back together. Inside `inAuditBatch` the event is kept
 * and appended with the batch's others at its end.
 */
export async function record(tx: Database, event: AuditEventInput): Promise<void> {
  const batch = batches.get(tx);
  if (batch) {
    batch.push({ event, occurredAt: now() });
    return;
  }
  await append(tx, [{ event, occurredAt: now() }]);
}

type Pending = { event: AuditEventInput; occurredAt: Date };
const batches = new WeakMap<Database, Pending[]>();

/**
 * Runs `fn` in `tx` with its audit events kept until `fn` is done, then appends them together, in
 * order. Appends serialise on one lock held to commit; taken at the end, a hot path's lock is
 * held for the appends and the commit, not for all its work, so concurrent decisions overlap.
 */
export async function inAuditBatch<T>(tx: Database, fn: () => Promise<T>): Promise<T> {
  if (batches.has(tx)) return fn(); // already batching: the outer batch appends
  batches.set(tx, []);
  try {
    const out = await fn();
    const pending = batches.get(tx)!;
    batches.delete(tx);
    if (pending.length) await append(tx, pending);
    return out;
  } finally {
    batches.delete(tx);
  }
}

async function append(tx: Database, pending: Pending[]): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows = pending.map(({ event, occurredAt }) => {
    const row = {
      seq: ++seq,
      occurredAt,
      actorType: event.actor.type,
      actorId: event.actor.id,
      actorLabel: event.actor.label,
      action: event.action,
      subjectType: event.subject?.type ?? null,
      subjectId: event.subject?.id ?? null,
      before: roundTrip(event.before),
      after: roundTrip(event.after),
      requestId: event.requestId ?? null,
    };
    const hash = eventHash(prevHash, row);
    const out = { ...row, prevHash, hash };
    prevHash = hash;
    return out;
  });
  // The batch goes as one JSON parameter: a bulk decision's 500 events as 6,500 parameters cost
  // more to build, bind and parse than to insert. JSON null becomes SQL NULL, as drizzle writes it.
  for (let i = 0; i < rows.length; i += 2000)
    await tx.execute(sql`INSERT INTO audit_events (seq, occurred_at, actor_type, actor_id, actor_label, action,
        subject_type, subject_id, before, after, request_id, prev_hash, hash)
      SELECT seq, occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, before, after,
        request_id, prev_hash, hash
      FROM jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 2000).map(asColumns))}::jsonb) AS x(seq bigint, occurred_at timestamptz,
        actor_type actor_type, actor_id text, actor_label text, action text, subject_type text, subject_id text,
        before jsonb, after jsonb, request_id uuid, prev_hash text, hash text)`);
}

// A chained row under its columns' names.
const asColumns = (r: ChainedRow) => ({
  seq: r.seq,
  occurred_at: r.occurredAt,
  actor_type: r.actorType,
  actor_id: r.actorId,
  actor_label: r.actorLabel,
  action: r.action,
  subject_type: r.subjectType,
  subject_id: r.subjectId,
  before: r.before,
  after: r.after,
  request_id: r.requestId,
  prev_hash: r.prevHash,
  hash: r.hash,
});
type ChainedRow = typeof auditEvents.$inferInsert & { seq: number; occurredAt: Date };

// Stores exactly what JSON can represent, so the hash recomputed from jsonb later matches.
function roundTrip(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
