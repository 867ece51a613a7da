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
 * change and its evidence commit or roll back together.
 */
export async function record(tx: Database, event: AuditEventInput): Promise<{ seq: number; hash: string }> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const row = {
    seq: (last?.seq ?? 0) + 1,
    occurredAt: now(),
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
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = eventHash(prevHash, row);
  await tx.insert(auditEvents).values({ ...row, prevHash, hash });
  return { seq: row.seq, hash };
}

// Stores exactly what JSON can represent, so the hash recomputed from jsonb later matches.
function roundTrip(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
