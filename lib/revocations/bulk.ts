import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { prose, idSelection } from "@/lib/validation";
import type { Database } from "@/db";
import { lockByIds } from "@/db/locks";
import { identityAccessColumns, identityColumns, pick } from "@/db/columns";
import { identities } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { forbidden, invalidInput, notFound, parseInput } from "@/lib/errors";
import { canRevoke, canSee, isLive, relationTo } from "@/lib/identities";
import { uuidList } from "@/lib/sql";
import { queueIdentityRevocations } from "./queue";

/**
 * Revoking a selection from the inventory: all or nothing. Every identity must be one the actor
 * may revoke and still live, or nothing is asked; identities already being revoked keep their
 * revocation. One transaction, rows locked in id order, an audit event per revocation.
 */
export const BULK_REVOKE_LIMIT = 200;
const schema = z.object({
  ids: idSelection({ one: "identity", max: BULK_REVOKE_LIMIT, missing: "Choose identities to revoke." }),
  reason: prose("Say why they are revoked.", 5, 2000),
});

export async function bulkRevoke(
  db: Database,
  actor: Actor,
  raw: unknown,
): Promise<{ requested: string[]; alreadyInFlight: number }> {
  requireCanChange(actor);
  const input = parseInput(schema, raw, "Nothing was revoked.");
  const ids = [...new Set(input.ids)].sort();
  const reason = input.reason;
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const rows = await lockByIds(tx, identities, { ...identityAccessColumns, ...pick(identityColumns, "name") }, ids);
      if (rows.length !== ids.length) throw notFound("One of those identities");
      for (const row of rows) {
        const rel = await relationTo(tx, actor, row);
        if (!canSee(rel)) throw notFound("One of those identities");
        if (!canRevoke(rel)) throw forbidden(`You may not revoke ${row.name}: nothing was revoked.`);
        if (!isLive(row.status))
          throw invalidInput("Nothing was revoked.", {
            issues: [{ path: ["ids"], message: `${row.name} is already ${row.status}.` }],
          });
      }
      const created = await queueIdentityRevocations(tx, {
        where: sql`i.id IN (${uuidList(ids)})`,
        reason,
        requestedBy: actor.personId,
        at: now(),
      });
      for (const r of created) {
        await record(tx, {
          actor: auditActor(actor),
          action: "revocation.requested",
          subject: { type: "identity", id: r.identityId },
          after: { revocationId: r.id, target: "identity", reason, bulk: true },
        });
      }
      return { requested: created.map((r) => r.id), alreadyInFlight: ids.length - created.length };
    }),
  );
}
