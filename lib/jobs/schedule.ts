import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import { PgBoss } from "pg-boss";
import type { Connection } from "@/db";
import { now } from "@/lib/clock";
import { tickBreakGlass } from "@/lib/break-glass";
import { runDueJobs, type JobResult } from "./run";

/**
 * The app schedules the lifecycle jobs with pg-boss, on PostgreSQL and on the embedded database
 * alike: one queue, a cron every minute, `missed: "once"` so that after downtime the first pass
 * runs once and catches up (the jobs act on whatever is due, not on the minute they were for).
 * With several app workers each starts pg-boss; pg-boss sends one job per minute and one worker
 * takes it (SKIP LOCKED). STEWARD_JOBS=off turns it off (the end-to-end tests, a read replica).
 */
export const LIFECYCLE_QUEUE = "steward-lifecycle";
export const LIFECYCLE_CRON = "* * * * *";
/**
 * Break-glass must end at most a minute after its hard end; a cron a minute apart plus its run
 * could miss that, so its clock also ticks in the app every 15 s, and once at start (catching up
 * whatever ended while the app was down). Two workers ticking at once take different grants (SKIP LOCKED).
 */
export const BREAK_GLASS_TICK_MS = 15_000;

export async function startScheduler(
  conn: Connection,
  opts: { url?: string; onRun?: (results: JobResult[]) => void; log?: (s: string) => void } = {},
): Promise<PgBoss> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const boss =
    conn.kind === "postgres"
      ? new PgBoss({ connectionString: opts.url ?? process.env.DATABASE_URL!, max: 2, schema: "pgboss" })
      : new PgBoss({
          backend: "pglite",
          schema: "pgboss",
          db: {
            // pg-boss sends several statements at once when it needs no parameters (its schema):
            // those go through exec, which returns the rows of every statement.
            async executeSql(text: string, values?: unknown[]) {
              const pg = conn.client as PGlite;
              if (!values?.length) return { rows: (await pg.exec(text)).flatMap((r) => r.rows) as unknown[] };
              return { rows: (await pg.query(text, values)).rows as unknown[] };
            },
          },
        });
  boss.on("error", (e: unknown) => log(`steward jobs: ${e instanceof Error ? e.message : String(e)}`));
  await boss.start();
  await boss.createQueue(LIFECYCLE_QUEUE);
  await boss.schedule(LIFECYCLE_QUEUE, LIFECYCLE_CRON, null, { missed: "once" });
  const ticker = startBreakGlassTicker(conn, log);
  boss.on("stopped", () => clearInterval(ticker));
  await boss.work(LIFECYCLE_QUEUE, async () => {
    const results = await runDueJobs(conn.db, now());
    const acted = results.filter((r) => Object.values(r.summary).some((v) => v > 0));
    if (acted.length) log(`steward jobs: ${acted.map((r) => `${r.job} ${JSON.stringify(r.summary)}`).join("; ")}`);
    opts.onRun?.(results);
  });
  return boss;
}

const TICKER = { type: "job" as const, id: null, label: "job:break-glass" };

/** The break-glass clock's own tick: now, then every BREAK_GLASS_TICK_MS; a tick still running is not overlapped. */
function startBreakGlassTicker(conn: Connection, log: (s: string) => void): ReturnType<typeof setInterval> {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const r = await tickBreakGlass(conn.db, TICKER, now());
      if (r.started || r.ended || r.overdue) log(`steward jobs: break-glass ${JSON.stringify(r)}`);
    } catch (e) {
      log(`steward jobs: break-glass failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), BREAK_GLASS_TICK_MS);
  timer.unref();
  return timer;
}
