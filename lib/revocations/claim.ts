import "server-only";
import { asc, getTableColumns, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { pick, readRows, selectList, type RevocationRow, type RowOf } from "@/db/columns";
import { identities, revocations, systems } from "@/db/schema";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";
import { now } from "@/lib/clock";
import { uuidList } from "@/lib/sql";

/**
 * Claiming what is due (SKIP LOCKED: two runners never take the same one) and the rules of retry:
 * a failed revocation is tried again with exponential backoff until MAX_ATTEMPTS, after which it
 * waits for security.
 */
export const MAX_ATTEMPTS = 5;
/** 1, 2, 4, 8… minutes after each failure, at most 6 hours. */
export const backoffMs = (attempts: number) => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 6 * 3_600_000);
/** A revocation under way: one per target at a time (the unique index revocations_one_in_flight_uq says the same). */
export const IN_FLIGHT = [
  "requested",
  "executing",
  "executed",
  "failed",
] as const satisfies readonly RevocationRow["status"][];
/** An `executing` claim older than this was left by a runner that died: it is due again. */
const STALE_CLAIM_MS = 10 * 60_000;

// The claim's SQL names the tables r, i and s.
const r = alias(revocations, "r");
const i = alias(identities, "i");
const s = alias(systems, "s");

/** A claimed revocation with what the connector needs: its identity, system and entitlement. */
const claimedColumns = {
  ...pick(
    getTableColumns(r),
    "id",
    "operation",
    "targetType",
    "identityId",
    "entitlementId",
    "credentialRef",
    "attempts",
  ),
  /** The claim's stamp (updated_at): a settle or a failure only lands if the row still carries it. */
  claimedAt: r.updatedAt,
  identityName: i.name,
  identityStatus: i.status,
  externalId: i.externalId,
  systemId: s.id,
  systemName: s.name,
  connector: s.connector,
  settings: s.settings,
  resource: sql<string | null>`(SELECT resource FROM entitlements WHERE id = r.entitlement_id)`,
  permission: sql<string | null>`(SELECT permission FROM entitlements WHERE id = r.entitlement_id)`,
  entitlementStatus: sql<string | null>`(SELECT status::text FROM entitlements WHERE id = r.entitlement_id)`,
};
export type Claimed = RowOf<typeof claimedColumns>;

/**
 * How an operation is named in the audit log: `revocation.*` with `revocationId`, `grant.*` with
 * `grantId`. One table and one runner carry both (db/schema/revocations.ts).
 */
export const opNoun = (op: "revoke" | "grant") => (op === "grant" ? "grant" : "revocation");
export const opRef = (op: "revoke" | "grant", id: string) => (op === "grant" ? { grantId: id } : { revocationId: id });

/** Takes what is due, oldest first, and marks it executing, in one short transaction with its audit events. */
export async function claim(
  db: Database,
  by: AuditActor,
  at: Date,
  opts: { ids?: string[]; limit?: number },
): Promise<Claimed[]> {
  const iso = at.toISOString();
  // The claim's stamp is the clock now, not the run's start, and it is the claim's token: a
  // settle or a failure only lands if the row still carries it (another runner that took over a
  // stale claim re-stamps it).
  const stamp = new Date(Math.max(now().getTime(), at.getTime())).toISOString();
  const only = opts.ids?.length ? sql`AND r.id IN (${uuidList(opts.ids)})` : sql``;
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const due = await tx
        .select({ id: r.id })
        .from(r)
        .where(
          sql`((r.status = 'requested') OR (r.status = 'failed' AND r.attempts < ${MAX_ATTEMPTS} AND r.next_attempt_at <= ${iso}::timestamptz)
            OR (r.status = 'executing' AND r.attempts < ${MAX_ATTEMPTS} AND r.updated_at < ${new Date(new Date(stamp).getTime() - STALE_CLAIM_MS).toISOString()}::timestamptz))
            -- a revocation waits while its entitlement's grant is being carried out (the next run takes it)
            AND NOT (r.operation = 'revoke' AND r.entitlement_id IS NOT NULL AND EXISTS (SELECT 1 FROM revocations g
              WHERE g.operation = 'grant' AND g.entitlement_id = r.entitlement_id AND g.status = 'executing'))
            ${only}`,
        )
        .orderBy(sql`r.next_attempt_at NULLS FIRST`, asc(r.id))
        .limit(opts.limit ?? 500)
        .for("update", { skipLocked: true });
      if (!due.length) return [];
      // UPDATE … FROM with joined values and subqueries in RETURNING: raw SQL over the claimed column set.
      const claimed = await readRows(
        tx,
        claimedColumns,
        sql`UPDATE revocations r SET status = 'executing', updated_at = ${stamp}::timestamptz,
            -- a claim taken over from a runner that died counts as an attempt, so a revocation that kills runners ends
            attempts = CASE WHEN r.status = 'executing' THEN r.attempts + 1 ELSE r.attempts END
          FROM identities i JOIN systems s ON s.id = i.system_id
          WHERE r.id IN (${uuidList(due.map((d) => d.id))}) AND i.id = r.identity_id
          RETURNING ${selectList(claimedColumns)}`,
      );
      // Claimed is a change like any other: the timeline shows who took it up, and when.
      for (const c of claimed) {
        await record(tx, {
          actor: by,
          action: `${opNoun(c.operation)}.claimed`,
          subject: { type: "identity", id: c.identityId },
          after: { ...opRef(c.operation, c.id), system: c.systemName, attempts: c.attempts },
        });
      }
      return claimed;
    }),
  );
}
