import "server-only";
import type { Database } from "@/db";
import { now } from "@/lib/clock";
import { JOBS, type JobResult } from "./run";

/**
 * What the end-to-end tests use to run named lifecycle jobs in the server under test, at a time
 * they choose (app/api/test/jobs), instead of sleeping: only with STEWARD_TEST_CONTROL=1, which
 * only the end-to-end servers set; otherwise the route answers 404 and this is never called.
 * The time is passed to the jobs, not set on the server: on PostgreSQL the server runs several
 * worker processes, each with its own clock.
 */
export const testControlEnabled = () => process.env.STEWARD_TEST_CONTROL === "1";

/** Runs the named lifecycle jobs, in the schedule's order, as at `aheadMs` after the server's now. */
export async function runJobsNamed(db: Database, names: string[], aheadMs = 0): Promise<JobResult[]> {
  if (!testControlEnabled()) throw new Error("test control is off");
  const at = new Date(now().getTime() + aheadMs);
  const out: JobResult[] = [];
  for (const job of JOBS.filter((j) => names.includes(j.name))) {
    const t0 = performance.now();
    out.push({ job: job.name, summary: await job.run(db, at), ms: Math.round(performance.now() - t0) });
  }
  return out;
}
