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
        "api-housekeeping",
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

  it("ends a break-glass that passed its hard end while the app was down, right at start, before the first minute", async () => {
    const [held] = await queryRows<{ id: string }>(
      conn.db,
      sql`INSERT INTO break_glass_grants (identity_id, requester_id, hours, justification, incident_ref, status, starts_at, hard_end_at, activated_at)
        SELECT i.id, i.owner_id, 1, 'Replaying the payouts queue by hand', 'INC-DOWN', 'active', now() - interval '3 hours', now() - interval '2 hours', now() - interval '3 hours'
        FROM identities i WHERE i.status = 'active' AND i.owner_id IS NOT NULL ORDER BY i.id LIMIT 1 RETURNING id`,
    );
    const started = Date.now();
    const boss = await startScheduler(conn, { url: conn.url, log: () => {} });
    try {
      const status = async () =>
        (
          await queryRows<{ status: string }>(
            conn.db,
            sql`SELECT status::text FROM break_glass_grants WHERE id = ${held!.id}::uuid`,
          )
        )[0]!.status;
      while ((await status()) !== "ended" && Date.now() - started < 20_000)
        await new Promise((r) => setTimeout(r, 100));
      expect(await status()).toBe("ended");
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await boss.stop({ graceful: false });
    }
  }, 40_000);
});
