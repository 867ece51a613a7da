import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { prose } from "@/lib/validation";
import type { Database } from "@/db";
import { lockById } from "@/db/locks";
import { identityAccessColumns, identityColumns, pick, revocationColumns } from "@/db/columns";
import { entitlements, identities, revocations } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, notFound, parseInput } from "@/lib/errors";
import { canRevoke, canSee, isLive, relationTo } from "@/lib/identities";
import { IN_FLIGHT } from "./claim";

/**
 * Asking for a revocation: of an identity (all its access) or of one entitlement. Owners revoke
 * what they own (and backup owners), managers what their reports own, security anything. The
 * identity row is locked, so two people revoking the same thing at once get one revocation: the
 * second is shown the first. The connector runs afterwards (run.ts), outside this transaction.
 */

export const revocationInputSchema = z.object({
  identityId: z.guid("That identity id is not valid."),
  entitlementId: z.guid("That entitlement id is not valid.").optional(),
  reason: prose("Say why it is revoked.", 5, 2000, "Keep the reason under 2,000 characters."),
});

export type Requested = { id: string; created: boolean; status: string };

export async function requestRevocation(db: Database, actor: Actor, raw: unknown): Promise<Requested> {
  requireCanChange(actor);
  const input = parseInput(revocationInputSchema, raw, "Nothing was revoked.");
  return db.transaction(async (tx) => {
    const row = await lockById(
      tx,
      identities,
      { ...identityAccessColumns, ...pick(identityColumns, "name") },
      input.identityId,
    );
    if (!row) throw notFound("That identity");
    const rel = await relationTo(tx, actor, row);
    if (!canSee(rel)) throw notFound("That identity");
    if (!canRevoke(rel)) throw forbidden("Owners, their managers and security revoke an identity's access.");
    if (!isLive(row.status)) throw conflict(`${row.name} is already ${row.status}.`);
    if (input.entitlementId) {
      const [e] = await tx
        .select({ status: entitlements.status })
        .from(entitlements)
        .where(and(eq(entitlements.id, input.entitlementId), eq(entitlements.identityId, row.id)));
      if (!e) throw notFound("That entitlement");
      // A pending one (its grant not yet confirmed) may be revoked too: a grant confirmed later is removed again.
      if (e.status !== "active" && e.status !== "pending") throw conflict(`That entitlement is already ${e.status}.`);
    }
    // One revocation in flight per target (the unique index says the same): the second asker joins the first.
    const target = input.entitlementId ? "entitlement" : "identity";
    const [existing] = await tx
      .select(pick(revocationColumns, "id", "status"))
      .from(revocations)
      .where(
        and(
          eq(revocations.identityId, row.id),
          eq(revocations.operation, "revoke"),
          eq(revocations.targetType, target),
          sql`${revocations.entitlementId} IS NOT DISTINCT FROM ${input.entitlementId ?? null}::uuid`,
          inArray(revocations.status, [...IN_FLIGHT]),
        ),
      );
    if (existing) return { id: existing.id, created: false, status: existing.status };
    const at = now();
    const [created] = await tx
      .insert(revocations)
      .values({
        targetType: target,
        identityId: row.id,
        entitlementId: input.entitlementId ?? null,
        reason: input.reason,
        requestedBy: actor.personId,
        status: "requested",
        nextAttemptAt: at,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoNothing()
      .returning({ id: revocations.id });
    if (!created) throw conflict("Someone else asked for the same revocation just now; it is under way.");
    await record(tx, {
      actor: auditActor(actor),
      action: "revocation.requested",
      subject: { type: "identity", id: row.id },
      after: { revocationId: created!.id, target, entitlementId: input.entitlementId ?? null, reason: input.reason },
    });
    return { id: created!.id, created: true, status: "requested" };
  });
}
