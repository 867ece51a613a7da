import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { prose } from "@/lib/validation";
import type { Database } from "@/db";
import { lockById } from "@/db/locks";
import { identityColumns, pick, systemColumns } from "@/db/columns";
import { identities, systems } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange, requireRole } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, notFound, parseInput } from "@/lib/errors";
import { plural } from "@/lib/format";
import { LIVE_STATUSES } from "@/lib/identities";
import { queueIdentityRevocations } from "@/lib/revocations";

const retireSchema = z.object({
  systemId: z.guid("That system id is not valid."),
  /** The count the person saw and confirmed: if it changed since, they confirm again. */
  confirmCount: z.coerce.number({ error: "Confirm how many identities it revokes." }).int().min(0),
  reason: prose("Say why the system ends.", 5, 2000),
});

/**
 * Retires a system (an app, vendor or workload that ends): the system is marked retired and every
 * live identity in it gets a revocation, in one transaction with an audit event each. The
 * revocations then run like any other (the caller starts the runner).
 */
export async function retireSystem(db: Database, actor: Actor, raw: unknown): Promise<{ revocationIds: string[] }> {
  requireCanChange(actor);
  requireRole(actor, "admin");
  const input = parseInput(retireSchema, raw, "The system was not retired.");
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const sys = await lockById(tx, systems, pick(systemColumns, "name", "status"), input.systemId);
      if (!sys) throw notFound("That system");
      if (sys.status === "retired") throw conflict(`${sys.name} is already retired.`);
      const live = await tx
        .select(pick(identityColumns, "id"))
        .from(identities)
        .where(and(eq(identities.systemId, input.systemId), inArray(identities.status, [...LIVE_STATUSES])))
        .orderBy(asc(identities.id))
        .for("update");
      if (live.length !== input.confirmCount) {
        throw conflict(
          `${sys.name} now has ${plural(live.length, "live identity", "live identities")}, not ${input.confirmCount}: confirm again.`,
        );
      }
      const at = now().toISOString();
      await tx.execute(
        sql`UPDATE systems SET status = 'retired', retired_at = ${at}::timestamptz WHERE id = ${input.systemId}::uuid`,
      );
      // One revocation per identity, except where one is already in flight (that one carries on).
      const created = await queueIdentityRevocations(tx, {
        where: sql`i.system_id = ${input.systemId}::uuid AND i.status IN ('pending', 'active', 'suspended')`,
        reason: `System retired: ${input.reason}`,
        requestedBy: actor.personId,
        at: new Date(at),
      });
      await record(tx, {
        actor: auditActor(actor),
        action: "system.retired",
        subject: { type: "system", id: input.systemId },
        after: {
          name: sys.name,
          reason: input.reason,
          liveIdentities: live.length,
          revocationsRequested: created.length,
        },
      });
      for (const r of created) {
        await record(tx, {
          actor: auditActor(actor),
          action: "revocation.requested",
          subject: { type: "identity", id: r.identityId },
          after: { revocationId: r.id, target: "identity", reason: `System retired: ${input.reason}` },
        });
      }
      return { revocationIds: created.map((r) => r.id) };
    }),
  );
}
