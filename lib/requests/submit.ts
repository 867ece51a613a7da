import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, requestColumns } from "@/db/columns";
import { entitlements, requests } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, invalid, parseInput } from "@/lib/errors";
import { evaluatePolicy, type PolicyDecision, loadPolicySettings } from "@/lib/policy";
import type { DecisionTrace } from "@/db/schema";
import { applyRequest, type StoredRequest } from "./apply";
import { gatherFacts, type Facts } from "./facts";
import { durationHours, grantEnd, refuseTwoEnds, requestInputSchema, type RequestInput } from "./input";
import { addStages } from "./stages";

/**
 * Submitting a request: parse, gather the facts, let policy decide, then (in one transaction)
 * store the request with its decision trace and approval stages and its audit event, or, when
 * policy allows it outright, carry it out at once. A denial writes nothing.
 */
export const POLICY_ACTOR = (version: string) => ({ type: "system" as const, id: null, label: `policy ${version}` });

function parse(raw: unknown): RequestInput {
  const input = parseInput(requestInputSchema, raw, "The request is not complete.");
  refuseTwoEnds(input);
  return input;
}

/** The verdict policy would give, without writing anything: the form shows it live. */
export async function previewRequest(db: Database, actor: Actor, raw: unknown): Promise<PolicyDecision> {
  requireCanChange(actor);
  const input = parse(raw);
  const facts = await gatherFacts(db, actor, input);
  return evaluatePolicy(facts.policy, {
    now: now(),
    requesterId: actor.personId,
    settings: await loadPolicySettings(db),
  });
}

export type Submitted = {
  id: string;
  status: "pending" | "fulfilled";
  decision: PolicyDecision;
  identityId: string | null;
};

export async function submitRequest(db: Database, actor: Actor, raw: unknown): Promise<Submitted> {
  requireCanChange(actor);
  const input = parse(raw);
  return db.transaction(async (tx) => {
    const at = now();
    const settings = await loadPolicySettings(tx);
    // The system is held from policy's look to the change: its environment (which policy judges)
    // cannot move, nor the system retire, between the two.
    const systemId =
      input.type === "new_identity"
        ? sql`${input.systemId}::uuid`
        : sql`(SELECT system_id FROM identities WHERE id = ${input.identityId}::uuid)`;
    await tx.execute(sql`SELECT 1 FROM systems WHERE id = ${systemId} FOR SHARE`);
    const facts = await gatherFacts(tx, actor, input);
    const decision = evaluatePolicy(facts.policy, { now: at, requesterId: actor.personId, settings });
    if (decision.outcome === "deny")
      throw invalid(`Policy refuses this request: ${decision.denials.join(" ")}`, { policy: decision.denials });
    await refuseDuplicate(tx, input, facts);

    const payload = payloadOf(input, facts, at);
    const [req] = await insertOrConflict(() =>
      tx
        .insert(requests)
        .values({
          type: input.type,
          requesterId: actor.personId,
          subjectIdentityId: facts.subject?.id ?? null,
          payload,
          justification: input.justification,
          status: "pending",
          policyVersion: decision.version,
          decisionTrace: traceOf(decision),
          standard: decision.standard,
          createdAt: at,
        })
        .returning({ id: requests.id }),
    );
    const id = req!.id;
    await addStages(tx, id, decision.stages, {
      requesterId: actor.personId,
      ownerManagerId: facts.owner?.managerId ?? null,
    });
    await record(tx, {
      actor: auditActor(actor),
      action: "request.submitted",
      subject: { type: "request", id },
      after: {
        type: input.type,
        identityId: facts.subject?.id ?? null,
        outcome: decision.outcome,
        stages: decision.stages.map((s) => s.rule),
        policyVersion: decision.version,
      },
    });
    if (decision.outcome !== "allow")
      return { id, status: "pending" as const, decision, identityId: facts.subject?.id ?? null };

    // The standard baseline: approved by policy, carried out now, and recorded as such.
    const stored: StoredRequest = {
      id,
      type: input.type,
      requesterId: actor.personId,
      subjectIdentityId: facts.subject?.id ?? null,
      payload,
    };
    const identityId = await applyRequest(tx, stored, POLICY_ACTOR(decision.version), at, settings);
    await tx.execute(
      sql`UPDATE requests SET status = 'fulfilled', decided_at = ${at.toISOString()}::timestamptz, fulfilled_at = ${at.toISOString()}::timestamptz WHERE id = ${id}::uuid`,
    );
    await record(tx, {
      actor: POLICY_ACTOR(decision.version),
      action: "request.fulfilled",
      subject: { type: "request", id },
      after: { approvedBy: "policy", identityId },
    });
    return { id, status: "fulfilled" as const, decision, identityId };
  });
}

/** What a request keeps of policy's decision: every rule's verdict, the stages, whether it is standard. */
export const traceOf = (d: PolicyDecision): DecisionTrace => ({
  outcome: d.outcome,
  rules: d.rules,
  stages: d.stages,
  standard: d.standard,
});

/** The request's content as stored: what it asks for, with the owner resolved and dates as ISO instants. */
function payloadOf(input: RequestInput, facts: Facts, at: Date): Record<string, unknown> {
  const { type: _type, justification: _j, ...rest } = input;
  const out: Record<string, unknown> = { ...rest };
  if (input.type === "new_identity") {
    out.ownerId = facts.owner!.id;
    // Kept for the record (what policy judged); the identity takes its system's environment when created.
    if (facts.policy.type === "new_identity") out.environment = facts.policy.environment;
    out.expiresAt = input.expiresOn?.toISOString() ?? null;
    delete out.expiresOn;
  }
  if (input.type === "extend_expiry") {
    out.expiresAt = input.expiresOn.toISOString();
    delete out.expiresOn;
  }
  if (input.type === "grant_entitlement") {
    // A duration is kept as hours (it restarts when the grant is carried out, lib/revocations);
    // expiresAt is the end policy judged at submission.
    out.expiresAt = grantEnd(input, at)?.toISOString() ?? null;
    const hours = durationHours(input);
    if (hours !== null) out.durationHours = hours;
    delete out.expiresOn;
    delete out.duration;
    delete out.durationUnit;
  }
  if (input.type === "policy_exception") {
    out.endsAt = input.endsOn.toISOString();
    out.justification = input.justification;
    delete out.endsOn;
  }
  return out;
}

/** One pending request per subject and type (the database enforces it too); a new identity's name per system. */
async function refuseDuplicate(tx: Database, input: RequestInput, facts: Facts): Promise<void> {
  const pendingId = (where: SQL | undefined) =>
    tx
      .select(pick(requestColumns, "id"))
      .from(requests)
      .where(and(eq(requests.status, "pending"), where));
  const [existing] = facts.subject
    ? await pendingId(and(eq(requests.subjectIdentityId, facts.subject.id), eq(requests.type, input.type)))
    : input.type === "new_identity"
      ? await pendingId(
          and(
            eq(requests.type, "new_identity"),
            sql`${requests.payload}->>'name' = ${input.name}`,
            sql`${requests.payload}->>'systemId' = ${input.systemId}`,
          ),
        )
      : [];
  if (existing)
    throw conflict(
      `A pending request for this already exists: /requests/${existing.id}. Cancel it or wait for its decision.`,
    );
  // What it already holds is not granted twice: ending one would take the other's access with it.
  if (input.type === "grant_entitlement" && (await holdsGrant(tx, input.identityId, input.resource, input.permission)))
    throw conflict(
      `It already holds ${input.permission} on ${input.resource} (granted or being granted): there is nothing to add.`,
    );
}

/** Whether the identity holds the grant, or is being granted it (a pending entitlement). */
export async function holdsGrant(
  tx: Database,
  identityId: string,
  resource: string,
  permission: string,
): Promise<boolean> {
  const [row] = await tx
    .select({ id: entitlements.id })
    .from(entitlements)
    .where(
      and(
        eq(entitlements.identityId, identityId),
        eq(entitlements.resource, resource),
        eq(entitlements.permission, permission),
        inArray(entitlements.status, ["pending", "active"]),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** Two submissions racing past refuseDuplicate meet the unique index; the loser gets the same answer. */
async function insertOrConflict<T>(insert: () => Promise<T>): Promise<T> {
  try {
    return await insert();
  } catch (e) {
    let cur: unknown = e;
    while (cur instanceof Error) {
      if ((cur as { code?: string }).code === "23505")
        throw conflict("A pending request for this already exists. Cancel it or wait for its decision.");
      cur = cur.cause;
    }
    throw e;
  }
}
