import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, curatedId, refusal, testDatabase } from "@/lib/testing";
import { ingestUsage, openUsageFlags, reviewUsageFlags, unusualUseSummary } from ".";

// Usage events as a collector sends them: last use only moves forward, sources are remembered, and
// unusual use is flagged once — on the identity, counted on the overview — until someone reviews it.

const conn = testDatabase({ identities: 60 });
const PAYMENTS = curatedId("olivia-payments-api"); // production
const SANDBOX = curatedId("omar-sandbox-bot"); // a bot in a development system

async function bind(id: string, account: string): Promise<string> {
  await conn.db.execute(sql`UPDATE identities SET external_id = ${account} WHERE id = ${id}::uuid`);
  const [s] = await queryRows<{ name: string }>(
    conn.db,
    sql`SELECT s.name FROM systems s JOIN identities i ON i.system_id = s.id WHERE i.id = ${id}::uuid`,
  );
  return s!.name;
}
const lastUsed = async (id: string) =>
  (
    await queryRows<{ at: Date | string | null }>(
      conn.db,
      sql`SELECT last_used_at AS at FROM identities WHERE id = ${id}::uuid`,
    )
  )[0]!.at;
const ev = (system: string, externalId: string, usedAt: string, source?: Record<string, unknown>) => ({
  system,
  externalId,
  usedAt,
  ...(source ? { source } : {}),
});

describe("usage events", () => {
  it("move last use forward, never back; unknown identities are counted, not refused", async () => {
    const system = await bind(PAYMENTS, "arn:aws:iam::1:user/payments-api");
    const at = new Date();
    const t1 = new Date(at.getTime() - 3_600_000).toISOString();
    const t0 = new Date(at.getTime() - 7_200_000).toISOString();
    const out = await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(system, "arn:aws:iam::1:user/payments-api", t1), ev(system, "no-such-account", t1)] },
      at,
    );
    expect(out).toMatchObject({ received: 2, matched: 1, unknown: 1, moved: 1 });
    expect(out.unknownSamples).toEqual([{ system, externalId: "no-such-account" }]);
    expect(new Date((await lastUsed(PAYMENTS))!).toISOString()).toBe(t1);
    const older = await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(system, "arn:aws:iam::1:user/payments-api", t0)] },
      at,
    );
    expect(older.moved).toBe(0);
    expect(new Date((await lastUsed(PAYMENTS))!).toISOString()).toBe(t1);
    // Kept to the hour: half an hour later changes nothing, an hour later moves it.
    const half = new Date(at.getTime() - 1_800_000).toISOString();
    expect(
      (
        await ingestUsage(
          conn.db,
          conn.personas.sam,
          { events: [ev(system, "arn:aws:iam::1:user/payments-api", half)] },
          at,
        )
      ).moved,
    ).toBe(0);
    expect(
      (
        await ingestUsage(
          conn.db,
          conn.personas.sam,
          { events: [ev(system, "arn:aws:iam::1:user/payments-api", at.toISOString())] },
          at,
        )
      ).moved,
    ).toBe(1);
    expect(new Date((await lastUsed(PAYMENTS))!).toISOString()).toBe(at.toISOString());
  });

  it("refuses a malformed batch, a future instant and unknown fields, writing nothing", async () => {
    const system = await bind(PAYMENTS, "arn:aws:iam::1:user/payments-api");
    const before = [await lastUsed(PAYMENTS), await auditCount(conn.db)];
    const at = new Date();
    for (const bad of [
      { events: [] },
      { events: [{ system, externalId: "x", usedAt: "yesterday" }] },
      { events: [{ system, externalId: "x", usedAt: at.toISOString(), colour: "red" }] },
      { events: [ev(system, "arn:aws:iam::1:user/payments-api", new Date(at.getTime() + 3_600_000).toISOString())] },
      { events: [ev(system, "arn:aws:iam::1:user/payments-api", "0000-01-01T00:00:00Z")] },
      { events: [ev(system, "arn:aws:iam::1:user/payments-api\ud800", at.toISOString())] },
      { events: [ev(system, "arn:aws:iam::1:user/payments-api", at.toISOString(), { address: "10.0.0.1\udfff" })] },
    ]) {
      const e = await refusal(ingestUsage(conn.db, conn.personas.sam, bad, at));
      expect(e.code).toBe("invalid");
    }
    expect([await lastUsed(PAYMENTS), await auditCount(conn.db)]).toEqual(before);
  });

  it("flags a production identity used from a new source once it has a history, and a person at a browser on a service account", async () => {
    const system = await bind(PAYMENTS, "arn:aws:iam::1:user/payments-api");
    const acct = "arn:aws:iam::1:user/payments-api";
    const at = new Date();
    const t = (minAgo: number) => new Date(at.getTime() - minAgo * 60_000).toISOString();
    // First sight: a history starts, nothing is flagged.
    const first = await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(system, acct, t(50), { address: "10.0.0.5", workload: "payments-deploy" })] },
      at,
    );
    expect(first.flagged).toEqual({ newSource: 0, interactive: 0 });
    // The same source again: nothing. A new one, twice in the batch: one flag.
    const second = await ingestUsage(
      conn.db,
      conn.personas.sam,
      {
        events: [
          ev(system, acct, t(40), { address: "10.0.0.5", workload: "payments-deploy" }),
          ev(system, acct, t(30), { address: "198.51.100.7" }),
          ev(system, acct, t(20), { address: "198.51.100.7" }),
        ],
      },
      at,
    );
    expect(second.flagged).toEqual({ newSource: 1, interactive: 0 });
    // An address and workload cannot be made to read as a known pair ("10.0.0.5|" + "payments-deploy").
    const pair = await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(system, acct, t(35), { address: "10.0.0.5|payments-deploy" })] },
      at,
    );
    expect(pair.flagged.newSource).toBe(1);
    // A browser's user agent on a service account: a person is using it.
    const third = await ingestUsage(
      conn.db,
      conn.personas.sam,
      {
        events: [
          ev(system, acct, t(10), {
            address: "10.0.0.5",
            workload: "payments-deploy",
            userAgent: "Mozilla/5.0 (Macintosh) Chrome/131",
          }),
        ],
      },
      at,
    );
    expect(third.flagged).toEqual({ newSource: 0, interactive: 1 });
    // The same source again adds no second open flag.
    const again = await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(system, acct, t(5), { address: "198.51.100.7" })] },
      at,
    );
    expect(again.flagged).toEqual({ newSource: 0, interactive: 0 });

    const flags = await openUsageFlags(conn.db, conn.personas.olivia, PAYMENTS);
    expect(flags.map((f) => f.reason).sort()).toEqual(["interactive", "new_source", "new_source"]);
    expect(await auditCount(conn.db, "identity.unusual_use_flagged")).toBe(3);
    expect(await unusualUseSummary(conn.db, conn.personas.olivia)).toEqual({
      count: 1,
      latest: [{ id: PAYMENTS, name: "payments-api-prod" }],
    });
    expect((await unusualUseSummary(conn.db, conn.personas.sam)).count).toBeGreaterThanOrEqual(1);

    // Not production: a new source is not flagged.
    const sandbox = await bind(SANDBOX, "sandbox-bot");
    await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(sandbox, "sandbox-bot", t(9), { address: "10.1.1.1" })] },
      at,
    );
    const dev = await ingestUsage(
      conn.db,
      conn.personas.sam,
      { events: [ev(sandbox, "sandbox-bot", t(8), { address: "10.9.9.9" })] },
      at,
    );
    expect(dev.flagged.newSource).toBe(0);

    // Olivia reviews them: the count drops, the next new source is flagged afresh.
    expect(
      (await refusal(reviewUsageFlags(conn.db, conn.personas.olivia, { identityId: PAYMENTS, comment: "ok" }))).code,
    ).toBe("invalid");
    expect(
      await reviewUsageFlags(conn.db, conn.personas.olivia, {
        identityId: PAYMENTS,
        comment: "The new address is our egress NAT.",
      }),
    ).toEqual({ reviewed: 3 });
    expect((await unusualUseSummary(conn.db, conn.personas.olivia)).count).toBe(0);
    const twice = await refusal(
      reviewUsageFlags(conn.db, conn.personas.olivia, { identityId: PAYMENTS, comment: "Again, the same." }),
    );
    expect(twice.code).toBe("conflict");
  });

  it("only security and admins report usage", async () => {
    const e = await refusal(
      ingestUsage(conn.db, conn.personas.olivia, { events: [ev("x", "y", new Date().toISOString())] }, new Date()),
    );
    expect(e.code).toBe("forbidden");
  });
});
