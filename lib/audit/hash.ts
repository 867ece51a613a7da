import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical";

export const GENESIS_HASH = "0".repeat(64);

export type ChainedFields = {
  seq: number;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
};

/** hash = sha256(prev_hash ‖ canonical event); the sequence number is inside the event. */
export function eventHash(prevHash: string, e: ChainedFields): string {
  const canonical = canonicalJson({
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId,
  });
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}
