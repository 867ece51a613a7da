import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { idSelection } from "@/lib/validation";
import type { Database } from "@/db";
import { lockById, lockByIds } from "@/db/locks";
import { pick, requestColumns } from "@/db/columns";
import { requests } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, DomainError, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { decideLocked, decisionSchema } from "./decide-stage";
import { lockedColumns, type Decided } from "./request-lock";

export type { Decided } from "./request-lock";

/**
 * Deciding the current stage of a request. The request row is locked first, so when several
 * approvers decide at once they queue: the first decides, the rest are told who did (and the
 * unique decision per stage in the database backs this up). Nobody decides their own request.
 * The final approval carries the request out in the same transaction.
 */
export async function decideStage(db: Database, actor: Actor, raw: unknown): Promise<Decided> {
  requireCanChange(actor);
  const d = parseInput(decisionSchema, raw, "The decision was not recorded.");
  return db.transaction(async (tx) => {
    const req = await lockById(tx, requests, lockedColumns, d.requestId);
    if (!req) throw notFound("That request");
    return inAuditBatch(tx, () => decideLocked(tx, actor, req, d));
  });
}

/**
 * Bulk approval of requests policy marked standard (only the owner's manager is needed, nothing
 * privileged): one transaction, rows locked in id order so two bulk approvers cannot deadlock.
 * Each is decided exactly as one approval would be (separation of duties, the current stage
 * must be the actor's, policy's second look); one that someone else decided first, or that is
 * not the actor's to approve, is reported and left as it is.
 */
export const BULK_LIMIT = 100;
const bulkSchema = z.object({
  requestIds: idSelection({ one: "request", max: BULK_LIMIT, missing: "Choose the requests to approve." }),
});

export type BulkApproved = { approved: number; fulfilled: number; skipped: { id: string; reason: string }[] };

export async function approveStandardInBulk(db: Database, actor: Actor, raw: unknown): Promise<BulkApproved> {
  requireCanChange(actor);
  const ids = [...new Set(parseInput(bulkSchema, raw, "Nothing was approved.").requestIds)].sort();
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const locked = await lockByIds(tx, requests, lockedColumns, ids);
      const byId = new Map(locked.map((r) => [r.id, r]));
      const out: BulkApproved = { approved: 0, fulfilled: 0, skipped: [] };
      for (const id of ids) {
        const req = byId.get(id);
        if (!req) {
          out.skipped.push({ id, reason: "Not found." });
          continue;
        }
        if (!req.standard) {
          out.skipped.push({ id, reason: "Policy does not mark it standard: open it and decide it on its own." });
          continue;
        }
        try {
          const decided = await decideLocked(tx, actor, req, {
            requestId: id,
            decision: "approve",
            comment: "Approved in bulk (standard request).",
          });
          out.approved += 1;
          if (decided.status === "fulfilled") out.fulfilled += 1;
          else if (decided.policyDenials)
            out.skipped.push({ id, reason: `Approved, but policy now refuses it: ${decided.policyDenials.join(" ")}` });
        } catch (e) {
          if (!(e instanceof DomainError) || e.code === "invalid") throw e;
          out.skipped.push({ id, reason: e.message });
        }
      }
      if (out.approved > 0) {
        await record(tx, {
          actor: auditActor(actor),
          action: "request.bulk_approved",
          subject: { type: "request", id: ids[0]! },
          after: { requestIds: ids, approved: out.approved, skipped: out.skipped.length },
        });
      }
      return out;
    }),
  );
}

/** A requester withdraws a pending request of theirs. */
export async function cancelRequest(db: Database, actor: Actor, rawId: unknown): Promise<void> {
  requireCanChange(actor);
  const id = z.guid("That request id is not valid.").safeParse(rawId);
  if (!id.success) throw invalid("That request id is not valid.");
  await db.transaction(async (tx) => {
    const req = await lockById(tx, requests, pick(requestColumns, "requesterId", "status"), id.data);
    if (!req) throw notFound("That request");
    if (req.requesterId !== actor.personId) throw forbidden("Only the person who made a request can cancel it.");
    if (req.status !== "pending") throw conflict(`This request is already ${req.status}.`);
    await tx.execute(sql`UPDATE requests SET status = 'cancelled', decided_at = ${now().toISOString()}::timestamptz, current_stage = NULL, awaiting_approver_id = NULL, awaiting_security = false
      WHERE id = ${id.data}::uuid`);
    await record(tx, {
      actor: auditActor(actor),
      action: "request.cancelled",
      subject: { type: "request", id: id.data },
    });
  });
}
