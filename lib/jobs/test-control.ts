import "server-only";
import type { Database } from "@/db";
import { now, setClock } from "@/lib/clock";
import { JOBS, type JobResult } from "./run";

/**
 * What the end-to-end tests use to move time and run named lifecycle jobs in the server under
 * test (app/api/test/*), instead of sleeping: only with STEWARD_TEST_CONTROL=1, which only the
 * end-to-end servers set; otherwise the routes answer 404 and these are never called.
 */
export const testControlEnabled = () => process.env.STEWARD_TEST_CONTROL === "1";

/** Moves the server's clock `ms` ahead of the real one (0: back to real time); returns the new now. */
export function shiftClock(ms: number): Date {
  if (!testControlEnabled()) throw new Error("test control is off");
  setClock(ms === 0 ? undefined : () => new Date(Date.now() + ms));
  return now();
}

/** Runs the named lifecycle jobs, in the schedule's order, at the server's now. */
export async function runJobsNamed(db: Database, names: string[]): Promise<JobResult[]> {
  if (!testControlEnabled()) throw new Error("test control is off");
  const at = now();
  const out: JobResult[] = [];
  for (const job of JOBS.filter((j) => names.includes(j.name))) {
    const t0 = performance.now();
    out.push({ job: job.name, summary: await job.run(db, at), ms: Math.round(performance.now() - t0) });
  }
  return out;
}
