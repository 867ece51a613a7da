import "server-only";
import { and, asc, desc, eq, notExists, sql } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import type { Database } from "@/db";
import { pick, stageColumns, type RowOf } from "@/db/columns";
import { approvalStages, stageDecisions, users } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, hasRole } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid } from "@/lib/errors";
import type { StoredRequest } from "./apply";
import { finalApproval } from "./final-approval";
import { day } from "./input";
import { close, type Decided, type Locked } from "./request-lock";
import { syncCurrentStage } from "./stages";

/**
 * Deciding the current stage of a request whose row the caller's transaction has locked: one
 * approval (decide.ts) or each of a bulk approval. Nobody decides their own request.
 */
export const decisionSchema = z
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

export type Decision = z.infer<typeof decisionSchema>;

const currentStageColumns = pick(stageColumns, "id", "position", "approverRule", "approverId");
type Stage = RowOf<typeof currentStageColumns>;
/** A stage nobody has decided yet. */
const undecided = notExists(
  sql`(SELECT 1 FROM ${stageDecisions} WHERE ${stageDecisions.stageId} = ${approvalStages.id})`,
);

/** Decides the current stage of a request whose row this transaction has locked. */
export async function decideLocked(tx: Database, actor: Actor, req: Locked, d: Decision): Promise<Decided> {
  if (req.requesterId === actor.personId) throw forbidden("Nobody decides their own request, whatever their roles.");
  if (req.status !== "pending") {
    const [last] = await tx
      .select({ name: users.name, decision: stageDecisions.decision })
      .from(stageDecisions)
      .innerJoin(approvalStages, eq(approvalStages.id, stageDecisions.stageId))
      .innerJoin(users, eq(users.id, stageDecisions.decidedBy))
      .where(eq(approvalStages.requestId, req.id))
      .orderBy(desc(stageDecisions.decidedAt))
      .limit(1);
    throw conflict(
      `This request is already ${req.status}${last ? ` (${last.name} decided first: ${last.decision})` : ""}.`,
    );
  }
  const [stage] = await tx
    .select(currentStageColumns)
    .from(approvalStages)
    .where(and(eq(approvalStages.requestId, req.id), undecided))
    .orderBy(asc(approvalStages.position))
    .limit(1);
  if (!stage) throw conflict("This request has no stage left to decide.");
  if (!maySign(actor, stage)) {
    throw forbidden(
      stage.approverRule === "security" || !stage.approverId
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
      rule: stage.approverRule,
      comment: d.comment ?? null,
      ...(d.shortenTo ? { shortenedTo: d.shortenTo.toISOString() } : {}),
    },
  });
  if (d.decision === "deny") return close(tx, req, "denied", at);

  const [left] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(approvalStages)
    .where(and(eq(approvalStages.requestId, req.id), undecided));
  if (left!.n > 0) {
    await syncCurrentStage(tx, sql`r2.id = ${req.id}::uuid`);
    return { status: "pending", identityId: req.subjectIdentityId };
  }
  return finalApproval(tx, actor, req.id, at);
}

/** The owner's manager named on the stage, or security where the stage is theirs (or has nobody named). */
function maySign(actor: Actor, stage: Stage): boolean {
  if (stage.approverRule !== "security" && stage.approverId) return stage.approverId === actor.personId;
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
