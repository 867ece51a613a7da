import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { record, type AuditActor } from "@/lib/audit/record";
import { rescoreIdentities } from "@/lib/identities/risk";
import { expireStaleRequests } from "@/lib/requests/expire";
import { runRevocations } from "@/lib/revocations/run";
import { expireIdentities, handleDepartedOwners } from "./lifecycle";

/**
 * Every lifecycle job, in the order they feed each other: identities that expired and owners who
 * left produce revocations, which the last job carries out (and retries those whose backoff has
 * passed). Each acts on what is due at `at`; running them twice changes nothing the second time.
 * `steward jobs run` runs them once; every action is audited with the job as its actor.
 */
export type JobResult = { job: string; summary: Record<string, number>; ms: number };

const actor = (job: string): AuditActor => ({ type: "job", id: null, label: `job:${job}` });

export const JOBS: { name: string; about: string; run: (db: Database, at: Date) => Promise<Record<string, number>> }[] = [
  { name: "expire-identities", about: "identities past their expiry are expired and revoked", run: (db, at) => expireIdentities(db, actor("expire-identities"), at) },
  { name: "departed-owners", about: "identities of people who left go to the backup owner or manager; unattested ones are suspended", run: (db, at) => handleDepartedOwners(db, actor("departed-owners"), at) },
  {
    name: "expire-stale-requests",
    about: "pending requests older than the stale limit expire",
    run: async (db, at) => ({ expired: (await expireStaleRequests(db, actor("expire-stale-requests"), at)).expired }),
  },
  {
    name: "rescore-risk",
    about: "risk that moves with the clock (dormancy, expiry soon, overdue review) is rescored",
    run: async (db, at) =>
      db.transaction(async (tx) => {
        const changed = await rescoreIdentities(tx, sql`true`, at);
        if (changed) await record(tx, { actor: actor("rescore-risk"), action: "risk.rescored", after: { changed, at: at.toISOString() } });
        return { changed };
      }),
  },
  {
    name: "revocations",
    about: "requested revocations are carried out; failed ones retried after their backoff",
    run: async (db, at) => {
      const { claimed, verified, awaitingConfirmation, failed, gaveUp } = await runRevocations(db, actor("revocations"), at);
      return { claimed, verified, awaitingConfirmation, failed, gaveUp };
    },
  },
];

export async function runDueJobs(db: Database, at: Date): Promise<JobResult[]> {
  const out: JobResult[] = [];
  for (const job of JOBS) {
    const t0 = performance.now();
    out.push({ job: job.name, summary: await job.run(db, at), ms: Math.round(performance.now() - t0) });
  }
  return out;
}
