import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { DAY, setClock } from "@/lib/clock";
import { testDatabase } from "@/lib/testing";
import { createCampaign, launchCampaign, launchRecurringCampaigns } from "./index";
import { nextLaunch } from "./recurrence-dates";

// A recurring campaign launches its successor when the next launch is due, with the clock moved
// (not slept), once however late the job runs, and never twice.

const conn = testDatabase({ identities: 150 });
const JOB = { type: "job" as const, id: null, label: "job:recurring-campaigns" };
afterEach(() => setClock(undefined));

const series = () =>
  queryRows<{
    name: string;
    status: string;
    launched_at: string | null;
    next_launch_at: string | null;
    due_at: string;
    items: number;
  }>(
    conn.db,
    sql`SELECT name, status, launched_at, next_launch_at, due_at, (SELECT count(*)::int FROM review_items r WHERE r.campaign_id = c.id) AS items
        FROM campaigns c WHERE name LIKE 'Payments quarterly%' ORDER BY created_at`,
  );

describe("recurring campaigns", () => {
  it("counts calendar months", () => {
    expect(nextLaunch(new Date("2026-11-30T10:00:00Z"), "quarterly")?.toISOString()).toBe("2027-03-02T10:00:00.000Z");
    expect(nextLaunch(new Date("2026-12-03T00:00:00Z"), "half_yearly")?.toISOString()).toBe("2027-06-03T00:00:00.000Z");
    expect(nextLaunch(new Date("2026-12-03T00:00:00Z"), "none")).toBeNull();
  });

  it("launches the next one when it is due, once after a long downtime, and not again", async () => {
    const t0 = new Date();
    const { maya } = conn.personas;
    const dueOn = new Date(t0.getTime() + 14 * DAY).toISOString().slice(0, 10);
    const { id } = await createCampaign(conn.db, maya, {
      name: "Payments quarterly review",
      scope: { owner: "olivia.owner@example.com" },
      reviewerRule: "owner",
      dueOn,
      recurrence: "quarterly",
    });
    await launchCampaign(conn.db, maya, id);
    const [first] = await series();
    expect(first!.next_launch_at).not.toBeNull();
    const next = new Date(first!.next_launch_at!);

    expect(await launchRecurringCampaigns(conn.db, JOB, new Date(next.getTime() - 60_000))).toMatchObject({
      launched: 0,
    });
    // The app was down for two quarters: one launch now, and the one after is a quarter later.
    const late = new Date(next.getTime() + 100 * DAY);
    setClock(() => late);
    expect(await launchRecurringCampaigns(conn.db, JOB, late)).toEqual({ launched: 1, stopped: 0, skipped: 0 });
    expect(await launchRecurringCampaigns(conn.db, JOB, late)).toEqual({ launched: 0, stopped: 0, skipped: 0 });
    const [old, successor, ...none] = await series();
    expect(none).toEqual([]);
    expect(old!.next_launch_at).toBeNull();
    expect(successor).toMatchObject({ status: "active", items: first!.items });
    expect(new Date(successor!.launched_at!).getTime()).toBe(late.getTime());
    expect(successor!.name).toBe(`Payments quarterly review (${late.toISOString().slice(0, 10)})`);
    expect(new Date(successor!.next_launch_at!).toISOString()).toBe(nextLaunch(late, "quarterly")!.toISOString());
    // Due the same span after its launch as the first was after its own.
    const span = (c: { due_at: string; launched_at: string | null }) =>
      new Date(c.due_at).getTime() - new Date(c.launched_at!).getTime();
    expect(span(successor!)).toBe(span(first!));
    const [audit] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'campaign.recurred' AND actor_label = 'job:recurring-campaigns'`,
    );
    expect(audit!.n).toBe(1);
  });

  it("a launch that finds nothing to review leaves no successor and waits a period", async () => {
    const { maya } = conn.personas;
    const dueOn = new Date(Date.now() + 14 * DAY).toISOString().slice(0, 10);
    const { id } = await createCampaign(conn.db, maya, {
      name: "Ledger yearly",
      scope: { owner: "olivia.owner@example.com", q: "ledger-reconciler" },
      reviewerRule: "owner",
      dueOn,
      recurrence: "yearly",
    });
    await launchCampaign(conn.db, maya, id);
    // The one identity in scope is gone by the next launch.
    await conn.db.execute(sql`UPDATE identities SET status = 'revoked' WHERE name = 'ledger-reconciler-key'`);
    const [{ next_launch_at: due }] = (await queryRows<{ next_launch_at: string }>(
      conn.db,
      sql`SELECT next_launch_at FROM campaigns WHERE id = ${id}::uuid`,
    )) as [{ next_launch_at: string }];
    const at = new Date(new Date(due).getTime() + 60_000);
    setClock(() => at);
    // (The quarterly series of the test above is due again by then too: it launches; this one is skipped.)
    expect(await launchRecurringCampaigns(conn.db, JOB, at)).toMatchObject({ skipped: 1 });
    const rows = await queryRows<{ n: number; next: string }>(
      conn.db,
      sql`SELECT (SELECT count(*)::int FROM campaigns WHERE name LIKE 'Ledger yearly%') AS n, (SELECT next_launch_at FROM campaigns WHERE id = ${id}::uuid) AS next`,
    );
    expect(rows[0]!.n).toBe(1);
    expect(new Date(rows[0]!.next).toISOString()).toBe(nextLaunch(at, "yearly")!.toISOString());
  });
});
