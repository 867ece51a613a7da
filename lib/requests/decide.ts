import { sql } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import { queryRows, type Database } from "@/db";
import { inAuditBatch, record } from "@/lib/audit/record";
import { type Actor, auditActor, hasRole, requireCanChange } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { conflict, DomainError, forbidden, invalid, invalidInput, notFound } from "@/lib/errors";
import { evaluatePolicy } from "@/lib/policy/evaluate";
import { POLICY_VERSION } from "@/lib/policy/rules";
import { loadPolicySettings } from "@/lib/policy/settings";
import { applyRequest, type StoredRequest } from "./apply";
import { factsForStored } from "./facts";
import { day } from "./input";
import { addStages, syncCurrentStage } from "./stages";
import { POLICY_ACTOR } from "./submit";

/**
 * Deciding the current stage of a request. The request row is locked first, so when several
 * approvers decide at once they queue: the first decides, the rest are told who did (and the
 * unique decision per stage in the database backs this up). Nobody decides their own request.
 * The final approval carries the request out in the same transaction.
 */
const decisionSchema = z
  .object({
    requestId: z.guid("That request id is not valid."),
    decision: z.enum(["approve", "deny"], { error: "Approve or deny." }),
    comment: text().trim().max(2000, "Keep the comment under 2,000 characters.").optional(),
    /** An approver may shorten what was asked for, never lengthen it. */
    shortenTo: day("the shorter end date").optional(),
  })
  .refine((d) => d.decision === "approve" || (d.comment ?? "").length >= 3, {
    message: "Say why you deny it.",
    path: ["comment"],
  });

type Locked = StoredRequest & { status: string; requester_id: string; justification: string; standard: boolean };
type Stage = {
  id: string;
  position: number;
  approver_rule: "owner_manager" | "security" | "named";
  approver_id: string | null;
};

export type Decided = {
  status: "pending" | "denied" | "fulfilled";
  identityId: string | null;
  /** Set when policy, run again at the final approval, refused what had been approved. */
  policyDenials?: string[];
  /** Set when policy, run again at the final approval, asked for stages that had not been decided. */
  addedStages?: string[];
};

const LOCK = sql`SELECT id, type, requester_id, subject_identity_id, payload, status, justification, standard FROM requests`;

export async function decideStage(db: Database, actor: Actor, raw: unknown): Promise<Decided> {
  requireCanChange(actor);
  const parsed = decisionSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("The decision was not recorded.", parsed.error);
  const d = parsed.data;
  return db.transaction(async (tx) => {
    const [req] = await queryRows<Locked>(tx, sql`${LOCK} WHERE id = ${d.requestId}::uuid FOR UPDATE`);
    if (!req) throw notFound("That request");
    return inAuditBatch(tx, () => decideLocked(tx, actor, req, d));
  });
}

/** Decides the current stage of a request whose row this transaction has locked. */
async function decideLocked(
  tx: Database,
  actor: Actor,
  req: Locked,
  d: z.infer<typeof decisionSchema>,
): Promise<Decided> {
  if (req.requester_id === actor.personId) throw forbidden("Nobody decides their own request, whatever their roles.");
  if (req.status !== "pending") {
    const [last] = await queryRows<{ name: string; decision: string }>(
      tx,
      sql`SELECT u.name, sd.decision FROM stage_decisions sd JOIN approval_stages s ON s.id = sd.stage_id JOIN users u ON u.id = sd.decided_by
          WHERE s.request_id = ${req.id}::uuid ORDER BY sd.decided_at DESC LIMIT 1`,
    );
    throw conflict(
      `This request is already ${req.status}${last ? ` (${last.name} decided first: ${last.decision})` : ""}.`,
    );
  }
  const [stage] = await queryRows<Stage>(
    tx,
    sql`SELECT s.id, s.position, s.approver_rule, s.approver_id FROM approval_stages s
        WHERE s.request_id = ${req.id}::uuid AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id) ORDER BY s.position LIMIT 1`,
  );
  if (!stage) throw conflict("This request has no stage left to decide.");
  if (!maySign(actor, stage)) {
    throw forbidden(
      stage.approver_rule === "security" || !stage.approver_id
        ? "This stage is for the security team."
        : "This stage is for the owner's manager.",
    );
  }

  const at = now();
  if (d.shortenTo) await shorten(tx, req, d.shortenTo, at);
  await tx.execute(sql`INSERT INTO stage_decisions (stage_id, decided_by, decision, comment, decided_at)
    VALUES (${stage.id}::uuid, ${actor.personId}::uuid, ${d.decision}::stage_decision, ${d.comment ?? null}, ${at.toISOString()}::timestamptz)`);
  await record(tx, {
    actor: auditActor(actor),
    action: d.decision === "approve" ? "request.stage_approved" : "request.denied",
    subject: { type: "request", id: req.id },
    after: {
      stage: stage.position,
      rule: stage.approver_rule,
      comment: d.comment ?? null,
      ...(d.shortenTo ? { shortenedTo: d.shortenTo.toISOString() } : {}),
    },
  });
  if (d.decision === "deny") return close(tx, req, "denied", at);

  const [left] = await queryRows<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM approval_stages s WHERE s.request_id = ${req.id}::uuid AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id)`,
  );
  if (left!.n > 0) {
    await syncCurrentStage(tx, sql`r2.id = ${req.id}::uuid`);
    return { status: "pending", identityId: req.subject_identity_id };
  }
  return finalApproval(tx, actor, req.id, at);
}

/**
 * The last stage is approved. Policy looks once more, on the facts and settings of this moment (a
 * request may wait days: the owner may leave, the system retire, a permission become privileged):
 * a denial now closes the request unfulfilled; a stage nobody has decided yet (security, say) is
 * added and the request waits for it; otherwise the change is carried out.
 */
async function finalApproval(tx: Database, actor: Actor, requestId: string, at: Date): Promise<Decided> {
  const [fresh] = await queryRows<Locked>(tx, sql`${LOCK} WHERE id = ${requestId}::uuid`);
  const req = fresh!;
  // The identity is locked for policy's second look and the change, so an expiry or a revocation
  // committing in between cannot slip under them.
  if (req.subject_identity_id)
    await tx.execute(sql`SELECT 1 FROM identities WHERE id = ${req.subject_identity_id}::uuid FOR UPDATE`);
  // So is its system: a retirement committing now either waits for this approval (and then revokes
  // what it created) or has committed, and policy's second look below sees the system retired.
  const systemId = req.subject_identity_id
    ? sql`(SELECT system_id FROM identities WHERE id = ${req.subject_identity_id}::uuid)`
    : sql`${String(req.payload.systemId)}::uuid`;
  await tx.execute(sql`SELECT 1 FROM systems WHERE id = ${systemId} FOR SHARE`);
  const settings = await loadPolicySettings(tx);
  const gathered = await factsForStored(tx, req);
  const decision =
    "facts" in gathered
      ? evaluatePolicy(gathered.facts.policy, { now: at, requesterId: req.requester_id, settings })
      : null;
  const denials = decision ? decision.denials : (gathered as { denials: string[] }).denials;
  const decided = await queryRows<{ approver_rule: string; position: number }>(
    tx,
    sql`SELECT approver_rule, position FROM approval_stages WHERE request_id = ${requestId}::uuid ORDER BY position`,
  );
  const approvedRules = new Set(decided.map((s) => s.approver_rule));
  const added = decision && !denials.length ? decision.stages.filter((s) => !approvedRules.has(s.rule)) : [];
  const recheck = {
    at: at.toISOString(),
    version: POLICY_VERSION,
    outcome: denials.length ? ("deny" as const) : added.length ? ("needs_approval" as const) : ("allow" as const),
    rules: decision?.rules ?? denials.map((reason) => ({ rule: "facts", result: "deny" as const, reason })),
    addedStages: added.map((s) => s.rule),
  };
  await tx.execute(
    sql`UPDATE requests SET decision_trace = jsonb_set(decision_trace, '{recheck}', ${JSON.stringify(recheck)}::jsonb) WHERE id = ${requestId}::uuid`,
  );

  if (denials.length) {
    await record(tx, {
      actor: POLICY_ACTOR(POLICY_VERSION),
      action: "request.denied",
      subject: { type: "request", id: requestId },
      after: { atFinalApproval: true, reasons: denials },
    });
    const out = await close(tx, req, "denied", at);
    return { ...out, policyDenials: denials };
  }
  if (added.length) {
    await addStages(
      tx,
      requestId,
      added,
      {
        requesterId: req.requester_id,
        ownerManagerId: gathered && "facts" in gathered ? (gathered.facts.owner?.managerId ?? null) : null,
      },
      decided.at(-1)?.position ?? 0,
    );
    await tx.execute(sql`UPDATE requests SET standard = false WHERE id = ${requestId}::uuid`);
    await record(tx, {
      actor: POLICY_ACTOR(POLICY_VERSION),
      action: "request.stage_added",
      subject: { type: "request", id: requestId },
      after: { stages: added.map((s) => s.rule), reasons: added.map((s) => s.reason) },
    });
    return { status: "pending", identityId: req.subject_identity_id, addedStages: added.map((s) => s.rule) };
  }
  const identityId = await applyRequest(tx, req, auditActor(actor), at, settings);
  await close(tx, req, "fulfilled", at);
  await record(tx, {
    actor: auditActor(actor),
    action: "request.fulfilled",
    subject: { type: "request", id: requestId },
    after: { identityId },
  });
  return { status: "fulfilled", identityId };
}

/** The request leaves the queues: denied or fulfilled now. */
async function close(tx: Database, req: Locked, status: "denied" | "fulfilled", at: Date): Promise<Decided> {
  const iso = at.toISOString();
  await tx.execute(sql`UPDATE requests SET status = ${status}::request_status, decided_at = ${iso}::timestamptz,
      fulfilled_at = ${status === "fulfilled" ? iso : null}::timestamptz, current_stage = NULL, awaiting_approver_id = NULL, awaiting_security = false
    WHERE id = ${req.id}::uuid`);
  const [after] = await queryRows<{ subject_identity_id: string | null }>(
    tx,
    sql`SELECT subject_identity_id FROM requests WHERE id = ${req.id}::uuid`,
  );
  return { status, identityId: after?.subject_identity_id ?? null };
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
  requestIds: z
    .array(z.guid("That request id is not valid."), { error: "Choose the requests to approve." })
    .min(1, "Choose at least one request.")
    .max(BULK_LIMIT, `At most ${BULK_LIMIT} at a time.`),
});

export type BulkApproved = { approved: number; fulfilled: number; skipped: { id: string; reason: string }[] };

export async function approveStandardInBulk(db: Database, actor: Actor, raw: unknown): Promise<BulkApproved> {
  requireCanChange(actor);
  const parsed = bulkSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("Nothing was approved.", parsed.error);
  const ids = [...new Set(parsed.data.requestIds)].sort();
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const locked = await queryRows<Locked>(
        tx,
        sql`${LOCK} WHERE id IN (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) ORDER BY id FOR UPDATE`,
      );
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

/** The owner's manager named on the stage, or security where the stage is theirs (or has nobody named). */
function maySign(actor: Actor, stage: Stage): boolean {
  if (stage.approver_rule !== "security" && stage.approver_id) return stage.approver_id === actor.personId;
  return hasRole(actor, "security");
}

const END_FIELD: Partial<Record<StoredRequest["type"], string>> = {
  new_identity: "expiresAt",
  grant_entitlement: "expiresAt",
  extend_expiry: "expiresAt",
  policy_exception: "endsAt",
};

async function shorten(tx: Database, req: Locked, to: Date, at: Date): Promise<void> {
  const field = END_FIELD[req.type];
  const asked = field && typeof req.payload[field] === "string" ? new Date(req.payload[field] as string) : null;
  if (!field) throw invalid("This request has no end date to shorten.", { shortenTo: ["Nothing to shorten."] });
  if (to.getTime() <= at.getTime())
    throw invalid("The end date must be in the future.", { shortenTo: ["Choose a later date."] });
  if (asked && to.getTime() > asked.getTime())
    throw invalid(`Approvers may shorten, never lengthen: it asked for ${asked.toISOString().slice(0, 10)}.`, {
      shortenTo: ["Choose an earlier date."],
    });
  await tx.execute(
    sql`UPDATE requests SET payload = jsonb_set(payload, ${`{${field}}`}::text[], to_jsonb(${to.toISOString()}::text)) WHERE id = ${req.id}::uuid`,
  );
}

/** A requester withdraws a pending request of theirs. */
export async function cancelRequest(db: Database, actor: Actor, rawId: unknown): Promise<void> {
  requireCanChange(actor);
  const id = z.guid("That request id is not valid.").safeParse(rawId);
  if (!id.success) throw invalid("That request id is not valid.");
  await db.transaction(async (tx) => {
    const [req] = await queryRows<{ requester_id: string; status: string }>(
      tx,
      sql`SELECT requester_id, status FROM requests WHERE id = ${id.data}::uuid FOR UPDATE`,
    );
    if (!req) throw notFound("That request");
    if (req.requester_id !== actor.personId) throw forbidden("Only the person who made a request can cancel it.");
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
