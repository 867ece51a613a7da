import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, auditCount, curatedId, pgServerTests, testDatabase } from "@/lib/testing";
import { DAY, setClock } from "@/lib/clock";
import { attestIdentity, bulkAttest } from "./identity-actions";
import { pgArray } from "./inventory";
import { scoreOf } from "./risk";

// Owner actions fired at once, on a PostgreSQL server whatever DATABASE_URL says: the embedded
// database runs one transaction at a time, so there nothing overlaps, nothing waits on a row lock
// and nothing can deadlock. Here the transactions truly run together.

const onServer = await pgServerTests("identity-actions-concurrency.test (concurrent attests)");
const T = new Date("2026-06-15T12:00:00.000Z");

describe.runIf(onServer)("concurrent owner actions", () => {
  const conn = testDatabase({ identities: 400, seedAt: T, server: true });
  beforeEach(() => setClock(() => T));
  afterEach(() => setClock(undefined));

  const eventsSince = (seq: number) =>
    queryRows<{ action: string; actor_label: string; subject_id: string; after: { nextReviewAt?: string } }>(
      conn.db,
      sql`SELECT action, actor_label, subject_id, after FROM audit_events WHERE seq > ${seq} ORDER BY seq`,
    );

  it("ten attests of one identity at once all succeed, each audited, the row consistent [PostgreSQL: real concurrency]", async () => {
    expect(conn.kind).toBe("postgres");
    const olivia = await actorOf(conn.db, "olivia");
    const id = curatedId("olivia-alerts-bot");
    const seq = await auditCount(conn.db);
    const results = await Promise.all(Array.from({ length: 10 }, () => attestIdentity(conn.db, olivia, id)));
    const expected = new Date(T.getTime() + 90 * DAY).toISOString();
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ nextReviewAt: expected })));
    const events = await eventsSince(seq);
    expect(events).toHaveLength(10);
    for (const e of events)
      expect(e).toMatchObject({
        action: "identity.attested",
        subject_id: id,
        actor_label: olivia.email,
        after: { nextReviewAt: expected },
      });
    const [r] = await queryRows<{ next_review_at: Date | string; risk_score: number; risk_factors: string[] | string }>(
      conn.db,
      sql`SELECT next_review_at, risk_score, risk_factors FROM identities WHERE id = ${id}::uuid`,
    );
    expect(new Date(r!.next_review_at).toISOString()).toBe(expected);
    expect(r!.risk_score).toBe(scoreOf(pgArray(r!.risk_factors)));
  });

  it("bulk attests over overlapping selections, in opposite orders, do not deadlock: each succeeds and is audited [PostgreSQL: real concurrency]", async () => {
    const omar = await actorOf(conn.db, "omar");
    const a = ["omar-settlement-exporter", "omar-payouts-key", "omar-finance-oauth", "olivia-refund-worker"].map(
      curatedId,
    );
    const seq = await auditCount(conn.db);
    // A deadlock would reject one of these (PostgreSQL aborts one side); all four must resolve.
    const results = await Promise.all([
      bulkAttest(conn.db, omar, a),
      bulkAttest(conn.db, omar, [...a].reverse()),
      bulkAttest(conn.db, omar, [a[2]!, a[0]!]),
      attestIdentity(conn.db, omar, a[1]!),
    ]);
    expect(results.slice(0, 3)).toEqual([{ count: 4 }, { count: 4 }, { count: 2 }]);
    const events = await eventsSince(seq);
    expect(events).toHaveLength(11);
    // Per identity: attested once by each call that named it (a[0], a[1], a[2]: three calls; a[3]: two).
    const per = Object.fromEntries(a.map((id) => [id, events.filter((e) => e.subject_id === id).length]));
    expect(per).toEqual({ [a[0]!]: 3, [a[1]!]: 3, [a[2]!]: 3, [a[3]!]: 2 });
  });
});
