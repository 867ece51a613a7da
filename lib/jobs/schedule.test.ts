import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { testDatabase } from "@/lib/testing";
import type { JobResult } from "./run";
import { LIFECYCLE_QUEUE, startScheduler } from "./schedule";

// pg-boss runs the lifecycle on this test's database (embedded PGlite by default, PostgreSQL with
// DATABASE_URL): the schedule is stored, and a job on the queue runs every lifecycle job once.

const conn = testDatabase({ identities: 60 });

describe("the scheduler", () => {
  it("stores the every-minute schedule (catching up once after downtime) and runs the lifecycle when a job arrives", async () => {
    let resolve!: (r: JobResult[]) => void;
    const ran = new Promise<JobResult[]>((r) => (resolve = r));
    const boss = await startScheduler(conn, { url: conn.url, onRun: resolve, log: () => {} });
    try {
      const schedules = await boss.getSchedules();
      expect(schedules.find((s) => s.name === LIFECYCLE_QUEUE)).toMatchObject({
        cron: "* * * * *",
        options: expect.objectContaining({ missed: "once" }),
      });
      // An identity past its expiry, so the run has something to do.
      await conn.db.execute(
        sql`UPDATE identities SET expires_at = now() - interval '1 day' WHERE id = (SELECT id FROM identities WHERE status = 'active' ORDER BY id LIMIT 1)`,
      );
      await boss.send(LIFECYCLE_QUEUE);
      const results = await Promise.race([
        ran,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no lifecycle run within 20 s")), 20_000)),
      ]);
      expect(results.map((r) => r.job)).toEqual([
        "expire-identities",
        "break-glass",
        "expire-grants",
        "departed-owners",
        "expire-stale-requests",
        "rescore-risk",
        "recurring-campaigns",
        "campaign-snapshots",
        "review-reminders",
        "campaign-certifications",
        "revocations",
      ]);
      expect(results[0]!.summary.expired).toBeGreaterThan(0);
      const [event] = await queryRows<{ actor_label: string }>(
        conn.db,
        sql`SELECT actor_label FROM audit_events WHERE action = 'identity.expired' LIMIT 1`,
      );
      expect(event!.actor_label).toBe("job:expire-identities");
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 40_000);
});
