import "server-only";
import { eq, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { lockById } from "@/db/locks";
import { breakGlassGrants, identities } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, requireCanChange, requireRole } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, notFound, parseInput } from "@/lib/errors";
import { rescoreIdentities } from "@/lib/identities";
import { loadPolicySettings } from "@/lib/policy";
import { activate, breakGlassRowColumns, endMany, notify, type BreakGlassRow } from "./activate";
import { decisionSchema, endSchema, reviewSchema } from "./input";

/**
 * What people do to a break-glass once it is asked for: security approves or denies it (never
 * their own), the holder or security ends it early, security or the holder's manager looks back
 * on it. Each locks the row first, so two people clicking at once make one decision, one end,
 * one review; the loser is told what happened.
 */
const lockedColumns = {
  ...breakGlassRowColumns,
  status: breakGlassGrants.status,
  decidedAt: breakGlassGrants.decidedAt,
  blockedByOverdue: breakGlassGrants.blockedByOverdue,
};

async function locked(tx: Database, id: string) {
  const row = await lockById(tx, breakGlassGrants, lockedColumns, id);
  if (!row) throw notFound("That break-glass");
  return row;
}

/** The holder's direct manager: with security, they look back on it. */
async function managerOf(tx: Database, personId: string): Promise<string | null> {
  const [m] = await queryRows<{ id: string | null }>(
    tx,
    sql`SELECT manager_id AS id FROM users WHERE id = ${personId}::uuid`,
  );
  return m?.id ?? null;
}

/** Security's decision on a break-glass that waits for it. Approving opens it now (or at its later start). */
export async function decideBreakGlass(
  db: Database,
  actor: Actor,
  raw: unknown,
): Promise<{ status: "active" | "requested" | "denied"; grantId: string | null }> {
  requireCanChange(actor);
  const input = parseInput(decisionSchema, raw, "Nothing was decided.");
  return db.transaction(async (tx) => {
    const row = await locked(tx, input.id);
    requireRole(actor, "security");
    if (row.requesterId === actor.personId) throw forbidden("Nobody approves their own break-glass.");
    if (row.status !== "requested" || row.decidedAt)
      throw conflict(
        `This break-glass is already ${row.decidedAt && row.status === "requested" ? "approved" : row.status}.`,
      );
    const at = now();
    const by = auditActor(actor);
    await tx
      .update(breakGlassGrants)
      .set({
        decidedBy: actor.personId,
        decidedAt: at,
        decisionComment: input.comment ?? null,
        status: input.decision === "deny" ? "denied" : "requested",
      })
      .where(eq(breakGlassGrants.id, row.id));
    await record(tx, {
      actor: by,
      action: input.decision === "deny" ? "break_glass.denied" : "break_glass.approved",
      subject: { type: "break_glass", id: row.id },
      after: {
        comment: input.comment ?? null,
        // Approving someone whose own look back is overdue is an override, and says so.
        override: input.decision === "approve" && row.blockedByOverdue,
      },
    });
    await notify(
      tx,
      sql`SELECT ${row.requesterId}::uuid`,
      `Your break-glass for ${row.incidentRef} was ${input.decision === "deny" ? "denied" : "approved"} by ${actor.name || actor.email}.`,
      `/break-glass/${row.id}`,
      at,
    );
    if (input.decision === "deny") return { status: "denied" as const, grantId: null };
    if (row.startsAt.getTime() > at.getTime()) return { status: "requested" as const, grantId: null };
    const grantId = await activate(tx, row as BreakGlassRow, by, at, await loadPolicySettings(tx));
    return { status: "active" as const, grantId };
  });
}

/** "End now": the holder or security closes it before its hard end; the access is removed at once. */
export async function endBreakGlass(
  db: Database,
  actor: Actor,
  raw: unknown,
): Promise<{ revocationId: string | null }> {
  requireCanChange(actor);
  const input = parseInput(endSchema, raw, "Nothing was ended.");
  return db.transaction(async (tx) => {
    const row = await locked(tx, input.id);
    const mayEnd = row.requesterId === actor.personId || hasRole(actor, "security");
    if (!mayEnd) {
      if ((await managerOf(tx, row.requesterId)) === actor.personId || hasRole(actor, "auditor"))
        throw forbidden("Only the holder or security ends a break-glass.");
      throw notFound("That break-glass");
    }
    if (row.status !== "active") throw conflict(`This break-glass is ${row.status}, not active.`);
    const at = now();
    const { breakGlassReviewDays } = await loadPolicySettings(tx);
    const [revocationId] = await endMany(tx, [row as BreakGlassRow], {
      by: auditActor(actor),
      endedBy: actor.personId,
      reason: "hand",
      at,
      reviewDays: breakGlassReviewDays,
    });
    return { revocationId: revocationId ?? null };
  });
}

/**
 * The post-use review: security or the holder's manager (never the holder) looks at what was done
 * in the window and completes it with a comment; requiring the credential's rotation marks the
 * identity's rotation overdue until it is rotated.
 */
export async function completePostUseReview(db: Database, actor: Actor, raw: unknown): Promise<void> {
  requireCanChange(actor);
  const input = parseInput(reviewSchema, raw, "The review was not completed.");
  await db.transaction(async (tx) => {
    const row = await locked(tx, input.id);
    const manager = await managerOf(tx, row.requesterId);
    const mayReview = hasRole(actor, "security") || manager === actor.personId;
    if (row.requesterId === actor.personId) throw forbidden("The holder does not review their own break-glass.");
    if (!mayReview) {
      if (hasRole(actor, "auditor")) throw forbidden("Security or the holder's manager completes the review.");
      throw notFound("That break-glass");
    }
    if (row.status !== "ended")
      throw conflict(
        row.status === "reviewed"
          ? "This break-glass has already been reviewed."
          : `This break-glass is ${row.status}: it is reviewed once it has ended.`,
      );
    const at = now();
    await tx
      .update(breakGlassGrants)
      .set({
        status: "reviewed",
        reviewedBy: actor.personId,
        reviewedAt: at,
        reviewComment: input.comment,
        requireRotation: input.requireRotation,
      })
      .where(eq(breakGlassGrants.id, row.id));
    if (input.requireRotation) {
      await tx.update(identities).set({ rotationRequiredAt: at }).where(eq(identities.id, row.identityId));
      await rescoreIdentities(tx, sql`i.id = ${row.identityId}::uuid`, at);
    }
    await record(tx, {
      actor: auditActor(actor),
      action: "break_glass.reviewed",
      subject: { type: "break_glass", id: row.id },
      after: { comment: input.comment, requireRotation: input.requireRotation, identityId: row.identityId },
    });
  });
}
