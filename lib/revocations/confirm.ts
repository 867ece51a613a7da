import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { prose } from "@/lib/validation";
import type { Database } from "@/db";
import { identityAccessColumns } from "@/db/columns";
import { identities, revocations, systems } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, notFound, parseInput } from "@/lib/errors";
import { canRevoke, canSee, relationTo } from "@/lib/identities";
import { opNoun, opRef } from "./claim";
import { applyVerified } from "./settle";

/**
 * A system without an API (the manual connector): the person who removed the access confirms it,
 * with evidence (a note, a ticket, a link). Only then is the revocation `verified`. A grant on
 * such a system is confirmed the same way by the person who granted it.
 */
const confirmSchema = z.object({
  revocationId: z.guid("That revocation id is not valid."),
  evidence: prose("Say what was done, or link the ticket.", 10, 2000),
});

export async function confirmManualRevocation(db: Database, actor: Actor, raw: unknown): Promise<void> {
  requireCanChange(actor);
  const { revocationId, evidence } = parseInput(confirmSchema, raw, "Nothing was confirmed.");
  await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const [r] = await tx
        .select({
          status: revocations.status,
          operation: revocations.operation,
          connector: systems.connector,
          identityId: revocations.identityId,
          identity: identityAccessColumns,
        })
        .from(revocations)
        .innerJoin(identities, eq(identities.id, revocations.identityId))
        .innerJoin(systems, eq(systems.id, identities.systemId))
        .where(eq(revocations.id, revocationId))
        .for("update", { of: revocations });
      if (!r) throw notFound("That revocation");
      const rel = await relationTo(tx, actor, r.identity);
      if (!canSee(rel)) throw notFound("That revocation");
      const noun = opNoun(r.operation);
      if (!canRevoke(rel)) throw forbidden(`Owners, their managers and security confirm a ${noun}.`);
      if (r.connector !== "manual")
        throw conflict(`This system's connector verifies ${noun}s itself; there is nothing to confirm by hand.`);
      if (r.status !== "executed")
        throw conflict(`This ${noun} is ${r.status}; only one waiting for confirmation can be confirmed.`);
      const at = now();
      const confirmation = { confirmedBy: actor.email, note: evidence, at: at.toISOString() };
      await tx.execute(sql`UPDATE revocations SET status = 'verified', verified_at = ${at.toISOString()}::timestamptz, updated_at = ${at.toISOString()}::timestamptz,
      evidence = ${JSON.stringify(confirmation)}::jsonb WHERE id = ${revocationId}::uuid`);
      await record(tx, {
        actor: auditActor(actor),
        action: `${noun}.confirmed`,
        subject: { type: "identity", id: r.identityId },
        after: { ...opRef(r.operation, revocationId), evidence },
      });
      await applyVerified(tx, revocationId, auditActor(actor), at);
    }),
  );
}
