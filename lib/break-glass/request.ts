import "server-only";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { lockById } from "@/db/locks";
import { identityAccessColumns, identityColumns, pick } from "@/db/columns";
import { breakGlassGrants, identities } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { HOUR, now } from "@/lib/clock";
import { conflict, invalid, notFound, parseInput } from "@/lib/errors";
import { canSee, isLive, relationTo } from "@/lib/identities";
import { evaluatePolicy, loadPolicySettings, type PolicyDecision } from "@/lib/policy";
import { holdsGrant } from "@/lib/requests";
import { activate, notify, securityTeam } from "./activate";
import { breakGlassInputSchema, MAX_START_AHEAD_MS } from "./input";

/**
 * Asking for break-glass access on an identity one may see (its owners, their team and managers,
 * security). Policy decides from who asks: on the on-call list it activates at once (or at its
 * later start) and security is told; anyone else waits for one security approval, shown at the
 * top of security's queue; someone whose own post-use review is overdue waits for security too,
 * whose approval is then an audited override. One transaction with its audit events.
 */
/** `grantId`: the grant the activation queued (the action carries it out right after). */
export type Requested = {
  id: string;
  status: "active" | "requested";
  decision: PolicyDecision;
  grantId: string | null;
};

export async function requestBreakGlass(db: Database, actor: Actor, raw: unknown): Promise<Requested> {
  requireCanChange(actor);
  const input = parseInput(breakGlassInputSchema, raw, "No break-glass was opened.");
  return db.transaction(async (tx) => {
    const at = now();
    const settings = await loadPolicySettings(tx);
    const max = settings.breakGlassMaxHours;
    if (input.hours > max)
      throw invalid(`No break-glass was opened: it lasts at most ${max} hours.`, {
        hours: [`At most ${max} hours (the policy maximum); ask again when it ends, if you still need it.`],
      });
    if (input.startsAt && input.startsAt.getTime() > at.getTime() + MAX_START_AHEAD_MS)
      throw invalid("No break-glass was opened: it starts within a week.", {
        startsAt: ["Choose a start within the next 7 days, or leave it empty to start now."],
      });
    // The identity is held while the access is opened: a revocation committing now waits for it.
    const row = await lockById(
      tx,
      identities,
      { ...identityAccessColumns, ...pick(identityColumns, "name", "environment", "expiresAt") },
      input.identityId,
    );
    if (!row) throw notFound("That identity");
    if (!canSee(await relationTo(tx, actor, row))) throw notFound("That identity");
    if (!isLive(row.status)) throw conflict(`${row.name} is ${row.status}: there is nothing to open.`);
    const [open] = await tx
      .select({ id: breakGlassGrants.id })
      .from(breakGlassGrants)
      .where(
        and(
          eq(breakGlassGrants.identityId, row.id),
          eq(breakGlassGrants.requesterId, actor.personId),
          inArray(breakGlassGrants.status, ["requested", "active"]),
        ),
      );
    if (open) throw conflict(`You already have a break-glass open on ${row.name}: /break-glass/${open.id}.`);
    // Elevation to what it already holds would, at its end, take the lasting grant with it.
    if (input.resource && (await holdsGrant(tx, row.id, input.resource, input.permission!)))
      throw invalid(
        `${row.name} already holds ${input.permission} on ${input.resource}: there is nothing to elevate.`,
        {
          resource: [`${row.name} already holds this (granted or being granted).`],
        },
      );
    const [overdue] = await tx
      .select({ id: breakGlassGrants.id })
      .from(breakGlassGrants)
      .where(
        and(
          eq(breakGlassGrants.requesterId, actor.personId),
          eq(breakGlassGrants.status, "ended"),
          lt(breakGlassGrants.reviewDueAt, at),
        ),
      )
      .limit(1);
    const onCall = settings.breakGlassOnCall.some((e) => e.toLowerCase() === actor.email.toLowerCase());
    const [manager] = await queryRows<{ id: string | null }>(
      tx,
      sql`SELECT manager_id AS id FROM users WHERE id = ${row.ownerId}::uuid`,
    );
    const entitlement = input.resource ? { resource: input.resource, permission: input.permission! } : null;
    const decision = evaluatePolicy(
      {
        type: "break_glass",
        subject: {
          environment: row.environment,
          ownerId: row.ownerId,
          ownerManagerId: manager?.id ?? null,
          expiresAt: row.expiresAt,
        },
        entitlement,
        hours: input.hours,
        incident: input.incidentRef,
        requesterOnCall: onCall,
        requesterOverdueReview: Boolean(overdue),
      },
      { now: at, requesterId: actor.personId, settings },
    );
    if (decision.outcome === "deny")
      throw invalid(`Policy refuses this break-glass: ${decision.denials.join(" ")}`, { policy: decision.denials });
    const startsAt = input.startsAt && input.startsAt.getTime() > at.getTime() ? input.startsAt : at;
    const byPolicy = decision.outcome === "allow";
    const [created] = await tx
      .insert(breakGlassGrants)
      .values({
        identityId: row.id,
        requesterId: actor.personId,
        resource: input.resource ?? null,
        permission: input.permission ?? null,
        hours: input.hours,
        justification: input.justification,
        incidentRef: input.incidentRef,
        status: "requested",
        startsAt,
        hardEndAt: new Date(startsAt.getTime() + input.hours * HOUR),
        onCall,
        blockedByOverdue: Boolean(overdue),
        decidedAt: byPolicy ? at : null,
        decisionComment: byPolicy ? "On call: opened by policy." : null,
        createdAt: at,
      })
      .returning({ id: breakGlassGrants.id });
    const id = created!.id;
    const by = auditActor(actor);
    await record(tx, {
      actor: by,
      action: "break_glass.requested",
      subject: { type: "break_glass", id },
      after: {
        identityId: row.id,
        entitlement,
        hours: input.hours,
        startsAt: startsAt.toISOString(),
        incident: input.incidentRef,
        justification: input.justification,
        onCall,
        overdueReview: overdue?.id ?? null,
        outcome: decision.outcome,
        policyVersion: decision.version,
      },
    });
    const who = `${actor.name || actor.email}${onCall ? " (on call)" : ""}`;
    if (byPolicy && startsAt.getTime() <= at.getTime()) {
      const grantId = await activate(
        tx,
        { ...rowOf(id, actor.personId, input, startsAt), identityId: row.id },
        by,
        at,
        settings,
      );
      await notify(
        tx,
        securityTeam,
        `${who} opened break-glass on ${row.name} for ${input.incidentRef} (${input.hours} h).`,
        `/break-glass/${id}`,
        at,
      );
      return { id, status: "active" as const, decision, grantId };
    }
    await notify(
      tx,
      securityTeam,
      byPolicy
        ? `${who} scheduled break-glass on ${row.name} for ${input.incidentRef}, from ${startsAt.toISOString().slice(0, 16).replace("T", " ")} UTC.`
        : `${who} asks for break-glass on ${row.name} for ${input.incidentRef}: approve or deny.`,
      `/break-glass/${id}`,
      at,
    );
    return { id, status: "requested" as const, decision, grantId: null };
  });
}

const rowOf = (
  id: string,
  requesterId: string,
  input: { resource?: string; permission?: string; hours: number; incidentRef: string },
  startsAt: Date,
) => ({
  id,
  requesterId,
  resource: input.resource ?? null,
  permission: input.permission ?? null,
  hours: input.hours,
  startsAt,
  entitlementId: null,
  incidentRef: input.incidentRef,
});
