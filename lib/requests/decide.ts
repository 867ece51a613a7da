import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { record } from "@/lib/audit/record";
import { auditActor, hasRole, type Actor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, invalidInput, notFound } from "@/lib/errors";
import { loadPolicySettings } from "@/lib/policy/settings";
import { applyRequest, type StoredRequest } from "./apply";
import { day } from "./input";

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
    comment: z.string().trim().max(2000, "Keep the comment under 2,000 characters.").optional(),
    /** An approver may shorten what was asked for, never lengthen it. */
    shortenTo: day("the shorter end date").optional(),
  })
  .refine((d) => d.decision === "approve" || (d.comment ?? "").length >= 3, { message: "Say why you deny it.", path: ["comment"] });

type Locked = StoredRequest & { status: string; requester_id: string };
type Stage = { id: string; position: number; approver_rule: "owner_manager" | "security" | "named"; approver_id: string | null };

export type Decided = { status: "pending" | "denied" | "fulfilled"; identityId: string | null };

export async function decideStage(db: Database, actor: Actor, raw: unknown): Promise<Decided> {
  const parsed = decisionSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("The decision was not recorded.", parsed.error);
  const d = parsed.data;
  return db.transaction(async (tx) => {
    const [req] = await queryRows<Locked>(tx, sql`SELECT id, type, requester_id, subject_identity_id, payload, status FROM requests WHERE id = ${d.requestId}::uuid FOR UPDATE`);
    if (!req) throw notFound("That request");
    if (req.requester_id === actor.personId) throw forbidden("Nobody decides their own request, whatever their roles.");
    if (req.status !== "pending") {
      const [last] = await queryRows<{ name: string; decision: string }>(
        tx,
        sql`SELECT u.name, sd.decision FROM stage_decisions sd JOIN approval_stages s ON s.id = sd.stage_id JOIN users u ON u.id = sd.decided_by
            WHERE s.request_id = ${req.id}::uuid ORDER BY sd.decided_at DESC LIMIT 1`,
      );
      throw conflict(`This request is already ${req.status}${last ? ` (${last.name} decided first: ${last.decision})` : ""}.`);
    }
    const [stage] = await queryRows<Stage>(
      tx,
      sql`SELECT s.id, s.position, s.approver_rule, s.approver_id FROM approval_stages s
          WHERE s.request_id = ${req.id}::uuid AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id) ORDER BY s.position LIMIT 1`,
    );
    if (!stage) throw conflict("This request has no stage left to decide.");
    if (!maySign(actor, stage)) {
      throw forbidden(stage.approver_rule === "security" || !stage.approver_id ? "This stage is for the security team." : "This stage is for the owner's manager.");
    }

    const at = now();
    if (d.shortenTo) await shorten(tx, req, d.shortenTo, at);
    await tx.execute(sql`INSERT INTO stage_decisions (stage_id, decided_by, decision, comment, decided_at)
      VALUES (${stage.id}::uuid, ${actor.personId}::uuid, ${d.decision}::stage_decision, ${d.comment ?? null}, ${at.toISOString()}::timestamptz)`);
    await record(tx, {
      actor: auditActor(actor),
      action: d.decision === "approve" ? "request.stage_approved" : "request.denied",
      subject: { type: "request", id: req.id },
      after: { stage: stage.position, rule: stage.approver_rule, comment: d.comment ?? null, ...(d.shortenTo ? { shortenedTo: d.shortenTo.toISOString() } : {}) },
    });
    if (d.decision === "deny") {
      await tx.execute(sql`UPDATE requests SET status = 'denied', decided_at = ${at.toISOString()}::timestamptz WHERE id = ${req.id}::uuid`);
      return { status: "denied" as const, identityId: req.subject_identity_id };
    }
    const [left] = await queryRows<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM approval_stages s WHERE s.request_id = ${req.id}::uuid AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id)`,
    );
    if (left!.n > 0) return { status: "pending" as const, identityId: req.subject_identity_id };

    const [fresh] = await queryRows<Locked>(tx, sql`SELECT id, type, requester_id, subject_identity_id, payload, status FROM requests WHERE id = ${req.id}::uuid`);
    const identityId = await applyRequest(tx, fresh!, auditActor(actor), at, await loadPolicySettings(tx));
    await tx.execute(sql`UPDATE requests SET status = 'fulfilled', decided_at = ${at.toISOString()}::timestamptz, fulfilled_at = ${at.toISOString()}::timestamptz WHERE id = ${req.id}::uuid`);
    await record(tx, { actor: auditActor(actor), action: "request.fulfilled", subject: { type: "request", id: req.id }, after: { identityId } });
    return { status: "fulfilled" as const, identityId };
  });
}

/** The owner's manager named on the stage, or security where the stage is theirs (or has nobody named). */
function maySign(actor: Actor, stage: Stage): boolean {
  if (stage.approver_rule === "owner_manager" && stage.approver_id) return stage.approver_id === actor.personId;
  return hasRole(actor, "security");
}

const END_FIELD: Partial<Record<StoredRequest["type"], string>> = { new_identity: "expiresAt", grant_entitlement: "expiresAt", extend_expiry: "expiresAt", policy_exception: "endsAt" };

async function shorten(tx: Database, req: Locked, to: Date, at: Date): Promise<void> {
  const field = END_FIELD[req.type];
  const asked = field && typeof req.payload[field] === "string" ? new Date(req.payload[field] as string) : null;
  if (!field) throw invalid("This request has no end date to shorten.", { shortenTo: ["Nothing to shorten."] });
  if (to.getTime() <= at.getTime()) throw invalid("The end date must be in the future.", { shortenTo: ["Choose a later date."] });
  if (asked && to.getTime() > asked.getTime()) throw invalid(`Approvers may shorten, never lengthen: it asked for ${asked.toISOString().slice(0, 10)}.`, { shortenTo: ["Choose an earlier date."] });
  await tx.execute(sql`UPDATE requests SET payload = jsonb_set(payload, ${`{${field}}`}::text[], to_jsonb(${to.toISOString()}::text)) WHERE id = ${req.id}::uuid`);
}

/** A requester withdraws a pending request of theirs. */
export async function cancelRequest(db: Database, actor: Actor, rawId: unknown): Promise<void> {
  const id = z.guid("That request id is not valid.").safeParse(rawId);
  if (!id.success) throw invalid("That request id is not valid.");
  await db.transaction(async (tx) => {
    const [req] = await queryRows<{ requester_id: string; status: string }>(tx, sql`SELECT requester_id, status FROM requests WHERE id = ${id.data}::uuid FOR UPDATE`);
    if (!req) throw notFound("That request");
    if (req.requester_id !== actor.personId) throw forbidden("Only the person who made a request can cancel it.");
    if (req.status !== "pending") throw conflict(`This request is already ${req.status}.`);
    await tx.execute(sql`UPDATE requests SET status = 'cancelled', decided_at = ${now().toISOString()}::timestamptz WHERE id = ${id.data}::uuid`);
    await record(tx, { actor: auditActor(actor), action: "request.cancelled", subject: { type: "request", id: id.data } });
  });
}
