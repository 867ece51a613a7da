import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, stageColumns } from "@/db/columns";
import { approvalStages, requests } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor } from "@/lib/auth";
import { evaluatePolicy, POLICY_VERSION, loadPolicySettings } from "@/lib/policy";
import { applyRequest } from "./apply";
import { factsForStored } from "./facts";
import { close, lockedColumns, type Decided } from "./request-lock";
import { addStages } from "./stages";
import { POLICY_ACTOR } from "./submit";

/**
 * The last stage is approved. Policy looks once more, on the facts and settings of this moment (a
 * request may wait days: the owner may leave, the system retire, a permission become privileged):
 * a denial now closes the request unfulfilled; a stage nobody has decided yet (security, say) is
 * added and the request waits for it; otherwise the change is carried out.
 */
export async function finalApproval(tx: Database, actor: Actor, requestId: string, at: Date): Promise<Decided> {
  const [fresh] = await tx.select(lockedColumns).from(requests).where(eq(requests.id, requestId));
  const req = fresh!;
  // The identity is locked for policy's second look and the change, so an expiry or a revocation
  // committing in between cannot slip under them.
  if (req.subjectIdentityId)
    await tx.execute(sql`SELECT 1 FROM identities WHERE id = ${req.subjectIdentityId}::uuid FOR UPDATE`);
  // So is its system: a retirement committing now either waits for this approval (and then revokes
  // what it created) or has committed, and policy's second look below sees the system retired.
  const systemId = req.subjectIdentityId
    ? sql`(SELECT system_id FROM identities WHERE id = ${req.subjectIdentityId}::uuid)`
    : sql`${String(req.payload.systemId)}::uuid`;
  await tx.execute(sql`SELECT 1 FROM systems WHERE id = ${systemId} FOR SHARE`);
  const settings = await loadPolicySettings(tx);
  const gathered = await factsForStored(tx, req);
  const decision =
    "facts" in gathered
      ? evaluatePolicy(gathered.facts.policy, { now: at, requesterId: req.requesterId, settings })
      : null;
  const denials = decision ? decision.denials : (gathered as { denials: string[] }).denials;
  const decided = await tx
    .select(pick(stageColumns, "approverRule", "position"))
    .from(approvalStages)
    .where(eq(approvalStages.requestId, requestId))
    .orderBy(asc(approvalStages.position));
  const approvedRules = new Set<string>(decided.map((s) => s.approverRule));
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
        requesterId: req.requesterId,
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
    return { status: "pending", identityId: req.subjectIdentityId, addedStages: added.map((s) => s.rule) };
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
