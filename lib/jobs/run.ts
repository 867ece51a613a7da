import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { settings } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { rescoreIdentities } from "@/lib/identities";
import { expireStaleRequests } from "@/lib/requests";
import {
  applyClosedCampaigns,
  fillLaunchedCampaigns,
  launchRecurringCampaigns,
  remindAndEscalate,
} from "@/lib/reviews";
import { runRevocations } from "@/lib/revocations";
import { tickBreakGlass } from "@/lib/break-glass";
import { purgeIdempotencyKeys } from "@/lib/api";
import { endExpiredGrants, expireIdentities, handleDepartedOwners } from "./lifecycle";

/**
 * Every lifecycle job, in the order they feed each other: identities that expired and owners who
 * left produce revocations, which the last job carries out (and retries those whose backoff has
 * passed). Each acts on what is due at `at`; running them twice changes nothing the second time.
 * `steward jobs run` runs them once; every action is audited with the job as its actor.
 */
export type JobResult = { job: string; summary: Record<string, number>; ms: number };

const actor = (job: string): AuditActor => ({ type: "job", id: null, label: `job:${job}` });
const RESCORE_KEY = "jobs.rescore_risk.last_run_at";
const RESCORE_EVERY_MS = 24 * 3_600_000;

export const JOBS: { name: string; about: string; run: (db: Database, at: Date) => Promise<Record<string, number>> }[] =
  [
    {
      name: "expire-identities",
      about: "identities past their expiry are expired and revoked",
      run: (db, at) => expireIdentities(db, actor("expire-identities"), at),
    },
    {
      name: "break-glass",
      about:
        "break-glass opens at its start and ends at its hard end (its access revoked, its post-use review opened); overdue reviews are flagged",
      run: (db, at) => tickBreakGlass(db, actor("break-glass"), at),
    },
    {
      name: "expire-grants",
      about: "grants past their end (temporary access) are removed through the revocation flow",
      run: (db, at) => endExpiredGrants(db, actor("expire-grants"), at),
    },
    {
      name: "departed-owners",
      about: "identities of people who left go to the backup owner or manager; unattested ones are suspended",
      run: (db, at) => handleDepartedOwners(db, actor("departed-owners"), at),
    },
    {
      name: "expire-stale-requests",
      about: "pending requests older than the stale limit expire",
      run: async (db, at) => ({ expired: (await expireStaleRequests(db, actor("expire-stale-requests"), at)).expired }),
    },
    {
      name: "rescore-risk",
      about: "risk that moves with the clock (dormancy, expiry soon, overdue review) is rescored, once a day",
      run: async (db, at) =>
        db.transaction(async (tx) => {
          // Days are what these factors count, and a pass over a million identities takes a minute:
          // once a day, whichever run comes first after the day is up (the row lock keeps it to one).
          const [last] = await tx
            .select({ value: settings.value })
            .from(settings)
            .where(eq(settings.key, RESCORE_KEY))
            .for("update");
          const lastAt = typeof last?.value === "string" ? new Date(last.value).getTime() : 0;
          if (at.getTime() - lastAt < RESCORE_EVERY_MS) return { changed: 0, skipped: 1 };
          // The app's pool ends statements after a minute (db/index.ts appPoolLimits); this pass is
          // the one known to take about that long, so its transaction gets a longer, still finite, limit.
          await tx.execute(sql`SET LOCAL statement_timeout = '15min'`);
          const changed = await rescoreIdentities(tx, sql`true`, at);
          await tx.execute(sql`INSERT INTO settings (key, value, updated_at) VALUES (${RESCORE_KEY}, to_jsonb(${at.toISOString()}::text), ${at.toISOString()}::timestamptz)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
          await record(tx, {
            actor: actor("rescore-risk"),
            action: "risk.rescored",
            after: { changed, at: at.toISOString() },
          });
          return { changed, skipped: 0 };
        }),
    },
    {
      name: "recurring-campaigns",
      about: "recurring review campaigns whose next launch is due launch their successor (once, however late)",
      run: (db, at) => launchRecurringCampaigns(db, actor("recurring-campaigns"), at),
    },
    {
      name: "campaign-snapshots",
      about: "launched review campaigns' large scopes are snapshotted, part by part (what a restart interrupted)",
      run: (db) => fillLaunchedCampaigns(db, actor("campaign-snapshots")),
    },
    {
      name: "review-reminders",
      about:
        "reviewers with items waiting are reminded on the campaign's cadence; what is waiting at the due date is escalated",
      run: async (db, at) => ({ ...(await remindAndEscalate(db, actor("review-reminders"), at)) }),
    },
    {
      name: "campaign-certifications",
      about: "closed review campaigns' certifications are applied (what a restart interrupted)",
      run: (db) => applyClosedCampaigns(db, actor("campaign-certifications")),
    },
    {
      name: "revocations",
      about: "requested revocations and grants are carried out; failed ones retried after their backoff",
      run: async (db, at) => {
        const { claimed, verified, awaitingConfirmation, failed, gaveUp } = await runRevocations(
          db,
          actor("revocations"),
          at,
        );
        return { claimed, verified, awaitingConfirmation, failed, gaveUp };
      },
    },
    {
      name: "api-housekeeping",
      about: "API idempotency keys older than a day are forgotten",
      run: (db, at) => purgeIdempotencyKeys(db, at),
    },
  ];

export async function runDueJobs(db: Database, at: Date): Promise<JobResult[]> {
  const out: JobResult[] = [];
  for (const job of JOBS) {
    const t0 = performance.now();
    // One job failing (a lock timeout, a race) does not keep the others from running.
    try {
      out.push({ job: job.name, summary: await job.run(db, at), ms: Math.round(performance.now() - t0) });
    } catch (e) {
      console.error(`steward jobs: ${job.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      out.push({ job: job.name, summary: { error: 1 }, ms: Math.round(performance.now() - t0) });
    }
  }
  return out;
}
