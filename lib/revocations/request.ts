import { sql } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import { queryRows, type Database } from "@/db";
import { record } from "@/lib/audit/record";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalidInput, notFound } from "@/lib/errors";
import { canRevoke, canSee, isLive, relationTo, type IdentityAccessRow } from "@/lib/identities/access";

/**
 * Asking for a revocation: of an identity (all its access) or of one entitlement. Owners revoke
 * what they own (and backup owners), managers what their reports own, security anything. The
 * identity row is locked, so two people revoking the same thing at once get one revocation: the
 * second is shown the first. The connector runs afterwards (run.ts), outside this transaction.
 */

const requestSchema = z.object({
  identityId: z.guid("That identity id is not valid."),
  entitlementId: z.guid("That entitlement id is not valid.").optional(),
  reason: text({ error: "Say why it is revoked." })
    .trim()
    .min(5, "Say why it is revoked (at least 5 characters).")
    .max(2000, "Keep the reason under 2,000 characters."),
});

export type Requested = { id: string; created: boolean; status: string };

export async function requestRevocation(db: Database, actor: Actor, raw: unknown): Promise<Requested> {
  requireCanChange(actor);
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("Nothing was revoked.", parsed.error);
  const input = parsed.data;
  return db.transaction(async (tx) => {
    const [row] = await queryRows<IdentityAccessRow & { name: string }>(
      tx,
      sql`SELECT id, name, owner_id, backup_owner_id, team_id, status FROM identities WHERE id = ${input.identityId}::uuid FOR UPDATE`,
    );
    if (!row) throw notFound("That identity");
    const rel = await relationTo(tx, actor, row);
    if (!canSee(rel)) throw notFound("That identity");
    if (!canRevoke(rel)) throw forbidden("Owners, their managers and security revoke an identity's access.");
    if (!isLive(row.status)) throw conflict(`${row.name} is already ${row.status}.`);
    if (input.entitlementId) {
      const [e] = await queryRows<{ status: string }>(
        tx,
        sql`SELECT status FROM entitlements WHERE id = ${input.entitlementId}::uuid AND identity_id = ${row.id}::uuid`,
      );
      if (!e) throw notFound("That entitlement");
      if (e.status !== "active") throw conflict(`That entitlement is already ${e.status}.`);
    }
    // One revocation in flight per target (the unique index says the same): the second asker joins the first.
    const target = input.entitlementId ? "entitlement" : "identity";
    const [existing] = await queryRows<{ id: string; status: string }>(
      tx,
      sql`SELECT id, status FROM revocations WHERE identity_id = ${row.id}::uuid AND target_type = ${target}::revocation_target
          AND entitlement_id IS NOT DISTINCT FROM ${input.entitlementId ?? null}::uuid AND status IN ('requested', 'executing', 'executed', 'failed')`,
    );
    if (existing) return { id: existing.id, created: false, status: existing.status };
    const at = now().toISOString();
    const [created] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO revocations (target_type, identity_id, entitlement_id, reason, requested_by, status, next_attempt_at, created_at, updated_at)
          VALUES (${target}::revocation_target, ${row.id}::uuid, ${input.entitlementId ?? null}::uuid, ${input.reason}, ${actor.personId}::uuid, 'requested',
            ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz) ON CONFLICT DO NOTHING RETURNING id`,
    );
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
