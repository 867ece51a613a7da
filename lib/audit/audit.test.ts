import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditEvents } from "@/db/schema";
import { rejection, testDatabase } from "@/lib/testing";
import { inAuditBatch, record } from "./record";
import { verifyAuditChain } from "./verify";

const actor = { type: "person" as const, id: "p1", label: "sam.security@example.com" };

const conn = testDatabase();

// The trigger forbids TRUNCATE, so each test starts from a fresh chain by disabling it briefly
// (only the database owner can; the application never does).
beforeEach(async () => {
  await withTriggersDisabled(() => conn.db.execute(sql`TRUNCATE audit_events`));
});

async function withTriggersDisabled<T>(fn: () => Promise<T>): Promise<T> {
  await conn.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
  try {
    return await fn();
  } finally {
    await conn.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER USER`);
  }
}

async function appendEvents(n: number) {
  for (let i = 0; i < n; i++) {
    await conn.db.transaction(async (tx) => {
      await record(tx, {
        actor,
        action: "identity.attested",
        subject: { type: "identity", id: `id-${i}` },
        after: { n: i, nested: { b: 1, a: [1, "x"] } },
      });
    });
  }
}

describe("audit log", () => {
  it("chains each event to the one before and verifies intact", async () => {
    await appendEvents(5);
    const rows = await conn.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(await verifyAuditChain(conn.db)).toMatchObject({ ok: true, count: 5 });
  });

  it("rolls the event back with the transaction it belongs to", async () => {
    await expect(
      conn.db.transaction(async (tx) => {
        await record(tx, { actor, action: "identity.attested" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await conn.db.select().from(auditEvents)).toHaveLength(0);
  });

  it("appends a batch's events at its end, in the order recorded, chained; nested batches append with the outer one", async () => {
    await conn.db.transaction((tx) =>
      inAuditBatch(tx, async () => {
        await record(tx, { actor, action: "batched", after: { i: 0 } });
        await record(tx, { actor, action: "batched", after: { i: 1 } });
        await inAuditBatch(tx, () => record(tx, { actor, action: "batched", after: { i: 2 } }));
        // Kept until the batch ends: nothing is appended yet inside it.
        expect(await queryRows(tx, sql`SELECT 1 FROM audit_events`)).toHaveLength(0);
      }),
    );
    expect(await verifyAuditChain(conn.db)).toMatchObject({ ok: true, count: 3 });
    const rows = await queryRows<{ after: { i: number } }>(conn.db, sql`SELECT after FROM audit_events ORDER BY seq`);
    expect(rows.map((r) => r.after.i)).toEqual([0, 1, 2]);
  });

  // Concurrent appends and batches: audit-concurrency.test.ts, on a PostgreSQL server (here they could not fail).

  it("a batch that fails appends nothing", async () => {
    await expect(
      conn.db.transaction((tx) =>
        inAuditBatch(tx, async () => {
          await record(tx, { actor, action: "batched" });
          throw new Error("the change failed");
        }),
      ),
    ).rejects.toThrow("the change failed");
    expect(await conn.db.select().from(auditEvents)).toHaveLength(0);
  });

  it.each([
    ["UPDATE", sql`UPDATE audit_events SET action = 'forged'`],
    ["DELETE", sql`DELETE FROM audit_events WHERE seq = 1`],
    ["TRUNCATE", sql`TRUNCATE audit_events`],
  ])("the trigger rejects %s", async (_op, statement) => {
    await appendEvents(2);
    expect(await rejection(conn.db.execute(statement))).toMatch(/append-only/);
    const rows = await conn.db.select().from(auditEvents);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.action === "identity.attested")).toBe(true);
  });

  it.each([
    {
      what: "an edited event and names it",
      tamper: sql`UPDATE audit_events SET after = '{"n": 99}' WHERE seq = 3`,
      brokenAt: 3,
      reason: "altered",
    },
    {
      what: "a deleted event and names the missing sequence number",
      tamper: sql`DELETE FROM audit_events WHERE seq = 2`,
      brokenAt: 2,
      reason: "missing",
    },
  ])("detects $what", async ({ tamper, brokenAt, reason }) => {
    await appendEvents(5);
    await withTriggersDisabled(() => conn.db.execute(tamper));
    expect(await verifyAuditChain(conn.db)).toMatchObject({
      ok: false,
      brokenAt,
      reason: expect.stringContaining(reason),
    });
  });

  it("detects a deleted tail-less head: the first event removed", async () => {
    await appendEvents(3);
    await withTriggersDisabled(() => conn.db.execute(sql`DELETE FROM audit_events WHERE seq = 1`));
    expect(await verifyAuditChain(conn.db)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it("detects reordered events", async () => {
    await appendEvents(5);
    await withTriggersDisabled(async () => {
      await conn.db.execute(sql`UPDATE audit_events SET seq = -4 WHERE seq = 4`);
      await conn.db.execute(sql`UPDATE audit_events SET seq = 4 WHERE seq = 3`);
      await conn.db.execute(sql`UPDATE audit_events SET seq = 3 WHERE seq = -4`);
    });
    expect(await verifyAuditChain(conn.db)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it("verifies across batch boundaries", async () => {
    await appendEvents(7);
    expect(await verifyAuditChain(conn.db, 3)).toMatchObject({ ok: true, count: 7 });
    const [row] = await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM audit_events`);
    expect(row!.n).toBe(7);
  });
});
