import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { pgServerTests, testDatabase } from "@/lib/testing";
import { inAuditBatch, record } from "./record";
import { verifyAuditChain } from "./verify";

// Concurrent appends, on a PostgreSQL server whatever DATABASE_URL says: the embedded database runs
// one transaction at a time, so there these could not fail; on a server the transactions truly
// overlap, and only the chain's lock keeps each event's predecessor hash right.

const onServer = await pgServerTests("audit-concurrency.test (concurrent appends)");
const actor = { type: "person" as const, id: "p1", label: "sam.security@example.com" };

describe.runIf(onServer)("audit log under concurrency", () => {
  const conn = testDatabase({ server: true });
  // The trigger forbids TRUNCATE, so each test starts a fresh chain with it disabled for a moment.
  beforeEach(async () => {
    await conn.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    await conn.db.execute(sql`TRUNCATE audit_events`);
    await conn.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER USER`);
  });

  it("serialises concurrent appends into one gapless chain [PostgreSQL: real concurrency]", async () => {
    expect(conn.kind).toBe("postgres");
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        conn.db.transaction((tx) => record(tx, { actor, action: "concurrent", after: { i } })),
      ),
    );
    expect(await verifyAuditChain(conn.db)).toMatchObject({ ok: true, count: 20 });
    const rows = await queryRows<{ seq: number; i: number }>(
      conn.db,
      sql`SELECT seq::int AS seq, (after->>'i')::int AS i FROM audit_events ORDER BY seq`,
    );
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    expect(rows.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, k) => k));
  });

  it("concurrent batches interleave into one gapless chain, each batch's events consecutive and in order [PostgreSQL: real concurrency]", async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, b) =>
        conn.db.transaction((tx) =>
          inAuditBatch(tx, async () => {
            for (let i = 0; i < 3; i++) await record(tx, { actor, action: "batched", after: { b, i } });
            await inAuditBatch(tx, () => record(tx, { actor, action: "batched", after: { b, i: 3 } }));
          }),
        ),
      ),
    );
    expect(await verifyAuditChain(conn.db)).toMatchObject({ ok: true, count: 40 });
    const rows = await queryRows<{ after: { b: number; i: number } }>(
      conn.db,
      sql`SELECT after FROM audit_events ORDER BY seq`,
    );
    for (let k = 0; k < 40; k += 4) {
      const batch = rows.slice(k, k + 4).map((r) => r.after);
      expect(batch.map((e) => e.i)).toEqual([0, 1, 2, 3]);
      expect(new Set(batch.map((e) => e.b)).size).toBe(1);
    }
  });
});
