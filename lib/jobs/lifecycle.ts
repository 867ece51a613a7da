import "server-only";
import { and, inArray, lte, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { identityColumns, pick, readRows, selectList } from "@/db/columns";
import { identities } from "@/db/schema";
import { isoOrNull } from "@/lib/format";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";
import { DAY } from "@/lib/clock";
import { rescoreIdentities } from "@/lib/identities";
import { loadPolicySettings } from "@/lib/policy";
import { queueEntitlementRevocations, queueIdentityRevocations } from "@/lib/revocations";
import { uuidList } from "@/lib/sql";

/**
 * The lifecycle's clock-driven work, each piece a function of the database's state and the time:
 * it acts on whatever is due at `at`, so a run after downtime catches up, and a second run finds
 * nothing left to do. Each change is one transaction with its audit events, in the job's name.
 */
const BATCH = 2000;
const LIVE = sql`('pending', 'active', 'suspended')`;
/** Someone who may take an identity over: still here, and not an auditor only (auditors own nothing). */
const canOwn = (u: SQL) => sql`(${u}.status = 'active' AND NOT (${u}.roles <@ '{auditor}'::role[]))`;

// The batches below are set-based statements the query builder cannot write (UPDATE … FROM a
// SKIP LOCKED subquery or a CTE, INSERT … SELECT … WHERE NOT EXISTS): raw SQL, each over a column set.
const i = alias(identities, "i");
const expiredColumns = { id: i.id, expiresAt: i.expiresAt };
const movedColumns = { id: i.id, oldOwner: sql<string>`c.old_owner`, newOwner: sql<string>`c.new_owner` };

/** Identities past their expiry: marked expired, and their access revoked (verified through the connector). */
export async function expireIdentities(db: Database, by: AuditActor, at: Date): Promise<{ expired: number }> {
  let total = 0;
  for (;;) {
    const n = await db.transaction((tx) =>
      inAuditBatch(tx, async () => {
        const iso = at.toISOString();
        const expired = await readRows(
          tx,
          expiredColumns,
          sql`UPDATE identities i SET status = 'expired' FROM (
              SELECT id FROM identities WHERE status IN ${LIVE} AND expires_at <= ${iso}::timestamptz ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) due
            WHERE i.id = due.id RETURNING ${selectList(expiredColumns)}`,
        );
        if (!expired.length) return 0;
        const ids = uuidList(expired.map((e) => e.id));
        const revocations = await queueIdentityRevocations(tx, {
          where: sql`i.id IN (${ids})`,
          reason: "Expired",
          requestedBy: null,
          at,
        });
        await rescoreIdentities(tx, sql`i.id IN (${ids})`, at);
        const revocationOf = new Map(revocations.map((r) => [r.identityId, r.id]));
        for (const e of expired) {
          await record(tx, {
            actor: by,
            action: "identity.expired",
            subject: { type: "identity", id: e.id },
            after: { expiresAt: isoOrNull(e.expiresAt), revocationId: revocationOf.get(e.id) ?? null },
          });
        }
        return expired.length;
      }),
    );
    total += n;
    if (n < BATCH) return { expired: total };
  }
}

/**
 * Grants past their end (temporary access, just-in-time grants): each is removed through the
 * revocation flow, which marks it expired once the system confirms. Whatever came due while the
 * app was down is caught up by the next run; one already being revoked carries on.
 */
export async function endExpiredGrants(db: Database, by: AuditActor, at: Date): Promise<{ ended: number }> {
  let total = 0;
  for (;;) {
    const n = await db.transaction((tx) =>
      inAuditBatch(tx, async () => {
        const queued = await queueEntitlementRevocations(tx, {
          where: sql`e.status = 'active' AND e.expires_at IS NOT NULL AND e.expires_at <= ${at.toISOString()}::timestamptz
            AND EXISTS (SELECT 1 FROM identities i WHERE i.id = e.identity_id AND i.status IN ${LIVE})`,
          reason: "The grant's time is up",
          requestedBy: null,
          at,
          limit: BATCH,
        });
        for (const q of queued) {
          await record(tx, {
            actor: by,
            action: "revocation.requested",
            subject: { type: "identity", id: q.identityId },
            after: {
              revocationId: q.id,
              target: "entitlement",
              entitlementId: q.entitlementId,
              reason: "The grant's time is up.",
            },
          });
        }
        return queued.length;
      }),
    );
    total += n;
    if (n < BATCH) return { ended: total };
  }
}

/**
 * Identities of people who left: handed to the backup owner, else the owner's manager, who must
 * attest within policy's days; where nobody attests in time, policy suspends (or revokes) them.
 * Identities with nobody to hand them to stay as they are (the inventory shows them orphaned).
 */
export async function handleDepartedOwners(
  db: Database,
  by: AuditActor,
  at: Date,
): Promise<{ reassigned: number; suspended: number; revocationsRequested: number }> {
  const { departedOwner } = await loadPolicySettings(db);
  const iso = at.toISOString();
  const due = new Date(at.getTime() + departedOwner.attestWithinDays * DAY).toISOString();
  let reassigned = 0;
  for (;;) {
    const n = await db.transaction((tx) =>
      inAuditBatch(tx, async () => {
        const moved = await readRows(
          tx,
          movedColumns,
          sql`WITH cand AS (
              SELECT i.id, i.owner_id AS old_owner, CASE WHEN ${canOwn(sql`b`)} THEN b.id WHEN ${canOwn(sql`m`)} THEN m.id END AS new_owner
              FROM identities i JOIN users o ON o.id = i.owner_id AND o.status = 'departed'
                LEFT JOIN users b ON b.id = i.backup_owner_id LEFT JOIN users m ON m.id = o.manager_id
              WHERE i.status IN ${LIVE} AND (${canOwn(sql`b`)} OR ${canOwn(sql`m`)}) ORDER BY i.id LIMIT ${BATCH} FOR UPDATE OF i SKIP LOCKED)
            UPDATE identities i SET owner_id = c.new_owner, team_id = coalesce(nu.team_id, i.team_id), attestation_due_at = ${due}::timestamptz,
              backup_owner_id = CASE WHEN i.backup_owner_id = c.new_owner THEN NULL ELSE i.backup_owner_id END
            FROM cand c JOIN users nu ON nu.id = c.new_owner WHERE i.id = c.id
            RETURNING ${selectList(movedColumns)}`,
        );
        if (!moved.length) return 0;
        await rescoreIdentities(tx, sql`i.id IN (${uuidList(moved.map((m) => m.id))})`, at);
        for (const m of moved) {
          await record(tx, {
            actor: by,
            action: "identity.owner_reassigned",
            subject: { type: "identity", id: m.id },
            before: { ownerId: m.oldOwner },
            after: { ownerId: m.newOwner, reason: "The owner left.", attestBy: due },
          });
        }
        return moved.length;
      }),
    );
    reassigned += n;
    if (n < BATCH) break;
  }

  // Nobody attested in time.
  const overdue = await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      if (departedOwner.ifNobodyAttests === "suspend") {
        const rows = await tx
          .update(identities)
          .set({ status: "suspended" })
          .where(and(inArray(identities.status, ["pending", "active"]), lte(identities.attestationDueAt, at)))
          .returning(pick(identityColumns, "id", "attestationDueAt"));
        // Rescored like every other change: a suspended identity's score reflects its new state.
        if (rows.length) await rescoreIdentities(tx, sql`i.id IN (${uuidList(rows.map((r) => r.id))})`, at);
        for (const r of rows) {
          await record(tx, {
            actor: by,
            action: "identity.suspended",
            subject: { type: "identity", id: r.id },
            after: {
              reason: "Nobody attested after its owner left.",
              attestationDue: isoOrNull(r.attestationDueAt),
            },
          });
        }
        return { suspended: rows.length, revocationsRequested: 0 };
      }
      const rows = await queueIdentityRevocations(tx, {
        where: sql`i.status IN ${LIVE} AND i.attestation_due_at <= ${iso}::timestamptz`,
        reason: "Nobody attested after its owner left",
        requestedBy: null,
        at,
      });
      for (const r of rows) {
        await record(tx, {
          actor: by,
          action: "revocation.requested",
          subject: { type: "identity", id: r.identityId },
          after: { revocationId: r.id, target: "identity", reason: "Nobody attested after its owner left." },
        });
      }
      return { suspended: 0, revocationsRequested: rows.length };
    }),
  );
  return { reassigned, ...overdue };
}
