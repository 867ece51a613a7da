import "server-only";
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { breakGlassGrants } from "@/db/schema";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";
import { loadPolicySettings } from "@/lib/policy";
import { runRevocations } from "@/lib/revocations";
import { activate, breakGlassRowColumns, endMany, notify, securityTeam, type BreakGlassRow } from "./activate";

/**
 * The break-glass clock, run by the lifecycle job every minute: approved grants whose later start
 * has come are opened; active grants past their hard end are ended, their access removed through
 * the revocation flow (the grants and revocations to carry out are returned), and their post-use
 * reviews opened. It acts on whatever is due at `at`, so a run after downtime catches up, and in batches
 * under SKIP LOCKED so two runners never end the same grant twice.
 */
const BATCH = 500;

export async function runBreakGlassClock(
  db: Database,
  by: AuditActor,
  at: Date,
): Promise<{ started: number; ended: number; overdue: number; queued: string[] }> {
  const settings = await loadPolicySettings(db);
  let started = 0;
  let ended = 0;
  const queued: string[] = [];
  for (;;) {
    const n = await db.transaction((tx) =>
      inAuditBatch(tx, async () => {
        const due = await tx
          .select(breakGlassRowColumns)
          .from(breakGlassGrants)
          .where(
            and(
              eq(breakGlassGrants.status, "requested"),
              isNotNull(breakGlassGrants.decidedAt),
              lte(breakGlassGrants.startsAt, at),
            ),
          )
          .orderBy(asc(breakGlassGrants.startsAt))
          .limit(BATCH)
          .for("update", { skipLocked: true });
        for (const row of due) {
          // A week may have passed since it was approved: the identity and its holder must still be there.
          const [still] = await queryRows<{ ok: boolean }>(
            tx,
            sql`SELECT (i.status IN ('pending', 'active', 'suspended') AND u.status = 'active') AS ok
              FROM identities i, users u WHERE i.id = ${row.identityId}::uuid AND u.id = ${row.requesterId}::uuid`,
          );
          if (!still?.ok) {
            await tx
              .update(breakGlassGrants)
              .set({
                status: "denied",
                decisionComment: "Not opened: the identity or its holder is gone since it was approved.",
              })
              .where(eq(breakGlassGrants.id, row.id));
            await record(tx, {
              actor: by,
              action: "break_glass.denied",
              subject: { type: "break_glass", id: row.id },
              after: { reason: "The identity or its holder is gone since it was approved." },
            });
            continue;
          }
          const grantId = await activate(tx, row as BreakGlassRow, by, at, settings);
          if (grantId) queued.push(grantId);
        }
        return due.length;
      }),
    );
    started += n;
    if (n < BATCH) break;
  }
  for (;;) {
    const n = await db.transaction((tx) =>
      inAuditBatch(tx, async () => {
        const due = await tx
          .select(breakGlassRowColumns)
          .from(breakGlassGrants)
          .where(and(inArray(breakGlassGrants.status, ["active"]), lte(breakGlassGrants.hardEndAt, at)))
          .orderBy(asc(breakGlassGrants.hardEndAt))
          .limit(BATCH)
          .for("update", { skipLocked: true });
        queued.push(
          ...(await endMany(tx, due as BreakGlassRow[], {
            by,
            endedBy: null,
            reason: "time",
            at,
            reviewDays: settings.breakGlassReviewDays,
          })),
        );
        return due.length;
      }),
    );
    ended += n;
    if (n < BATCH) break;
  }
  const overdue = await db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      // Reviews past their due date: security and the holder's manager are told once.
      const late = await tx
        .update(breakGlassGrants)
        .set({ overdueNotifiedAt: at })
        .where(
          and(
            eq(breakGlassGrants.status, "ended"),
            lte(breakGlassGrants.reviewDueAt, at),
            isNull(breakGlassGrants.overdueNotifiedAt),
          ),
        )
        .returning({
          id: breakGlassGrants.id,
          requesterId: breakGlassGrants.requesterId,
          incident: breakGlassGrants.incidentRef,
        });
      for (const l of late)
        await notify(
          tx,
          sql`${securityTeam} UNION SELECT manager_id FROM users WHERE id = ${l.requesterId}::uuid AND manager_id IS NOT NULL
            UNION SELECT ${l.requesterId}::uuid`,
          `The post-use review of break-glass ${l.incident} is overdue: until it is done, its holder cannot open another.`,
          `/break-glass/${l.id}`,
          at,
        );
      return late.length;
    }),
  );
  return { started, ended, overdue, queued };
}

/**
 * One tick of the clock, then the grants and revocations it queued carried out (the lifecycle
 * job's "break-glass", and the scheduler's ticker): the access is removed in the same pass, not
 * at the revocations job's turn.
 */
export async function tickBreakGlass(
  db: Database,
  by: AuditActor,
  at: Date,
): Promise<{ started: number; ended: number; overdue: number; carriedOut: number }> {
  const { queued, ...counts } = await runBreakGlassClock(db, by, at);
  let carriedOut = 0;
  for (let i = 0; i < queued.length; i += 5_000)
    carriedOut += (await runRevocations(db, by, at, { ids: queued.slice(i, i + 5_000), limit: 5_000 })).claimed;
  return { ...counts, carriedOut };
}
