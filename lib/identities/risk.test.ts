import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { SEED_ACTOR } from "@/lib/seed/seed";
import { actorOf, curatedId, testDatabase, walkInventory } from "@/lib/testing";
import { DAY, setClock } from "@/lib/clock";
import { getIdentityDetail } from "./identity-detail";
import { pgArray } from "./inventory";
import { rescoreEstate } from "./rescore";
import { rescoreIdentities, scoreOf } from "./risk";

// The stored risk score and its factors, against conditions written here in plain SQL.

const T0 = new Date("2026-06-15T12:00:00.000Z");

const conn = testDatabase({ identities: 400, seedAt: T0 });
afterEach(() => setClock(undefined));

/** Each factor's condition at `at`, heaviest first (the documented order). */
function factorConditions(at: Date): [string, string][] {
  const t = `'${at.toISOString()}'::timestamptz`;
  return [
    ["orphaned", `i.owner_id IS NULL OR i.owner_id IN (SELECT id FROM users WHERE status = 'departed')`],
    [
      "privileged",
      `EXISTS (SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.privileged AND e.status = 'active')`,
    ],
    ["expired_active", `i.status IN ('active', 'suspended') AND i.expires_at < ${t}`],
    ["no_expiry", `i.expires_at IS NULL`],
    [
      "rotation_overdue",
      `i.credential_type = 'static_secret' AND i.rotation_period_days IS NOT NULL AND coalesce(i.last_rotated_at, i.created_at) + i.rotation_period_days * interval '1 day' < ${t}`,
    ],
    [
      "dormant",
      `i.last_used_at IS NULL OR i.last_used_at < '${new Date(at.getTime() - 90 * DAY).toISOString()}'::timestamptz`,
    ],
    ["unvaulted_secret", `i.credential_type = 'static_secret' AND coalesce(trim(i.secret_store), '') = ''`],
    ["static_secret", `i.credential_type = 'static_secret'`],
    ["review_overdue", `i.next_review_at < ${t}`],
    ["no_purpose", `coalesce(trim(i.purpose), '') = ''`],
  ];
}

/** Every identity's stored score and factors next to the factors that hold at `at` (none when it is no longer live). */
async function storedAndTruth(at: Date) {
  const cols = factorConditions(at).map(
    ([k, cond]) => `(i.status IN ('pending', 'active', 'suspended') AND (${cond})) AS "${k}"`,
  );
  const rows = await queryRows<
    Record<string, unknown> & {
      id: string;
      name: string;
      status: string;
      risk_score: number;
      risk_factors: string[] | string;
    }
  >(
    conn.db,
    sql`SELECT i.id, i.name, i.status, i.risk_score, i.risk_factors, ${sql.raw(cols.join(", "))} FROM identities i ORDER BY i.id`,
  );
  return rows.map((r) => ({
    ...r,
    stored: pgArray(r.risk_factors),
    truth: factorConditions(at)
      .map(([k]) => k)
      .filter((k) => r[k] === true),
  }));
}

const stored = async (key: string) => (await storedAndTruth(T0)).find((r) => r.id === curatedId(key))!;

describe("risk", () => {
  it("every identity's factors are exactly those whose conditions hold, heaviest first, and its score is their weight", async () => {
    const rows = await storedAndTruth(T0);
    expect(rows).toHaveLength(400);
    for (const r of rows) {
      expect(r.stored, r.name).toEqual(r.truth);
      expect(Number(r.risk_score), r.name).toBe(scoreOf(r.stored));
    }
    expect(rows.filter((r) => r.stored.length > 0).length).toBeGreaterThan(200);
  });

  it("scores the curated identities as their stories say", async () => {
    const expected: [string, string[], number][] = [
      [
        "dan-batch-loader",
        ["orphaned", "privileged", "no_expiry", "rotation_overdue", "dormant", "static_secret", "review_overdue"],
        100,
      ],
      [
        "unowned-github-pat",
        ["orphaned", "privileged", "no_expiry", "dormant", "unvaulted_secret", "static_secret", "no_purpose"],
        95,
      ],
      ["dan-test-key", ["orphaned", "expired_active", "rotation_overdue", "static_secret"], 70],
      ["unowned-s3-reader", ["orphaned", "no_expiry", "unvaulted_secret", "static_secret", "no_purpose"], 65],
      ["olivia-checkout-ci", ["privileged", "expired_active"], 40],
      ["olivia-ledger-key", ["rotation_overdue", "static_secret"], 20],
      ["maya-dashboard-bot", [], 0],
      ["omar-gh-actions", [], 0], // expired
    ];
    for (const [key, factors, score] of expected) {
      const r = await stored(key);
      expect(r.stored, key).toEqual(factors);
      expect(Number(r.risk_score), key).toBe(score);
    }
  });

  it("revoked and expired identities score 0 with no factors, whatever else holds", async () => {
    const ended = (await storedAndTruth(T0)).filter((r) => r.status === "revoked" || r.status === "expired");
    expect(ended.length).toBeGreaterThan(0);
    for (const r of ended) expect([Number(r.risk_score), r.stored], r.name).toEqual([0, []]);
    const id = curatedId("unowned-github-pat");
    await conn.db.execute(sql`UPDATE identities SET status = 'revoked' WHERE id = ${id}::uuid`);
    expect(await rescoreIdentities(conn.db, sql`i.id = ${id}::uuid`, T0)).toBe(1);
    expect(await stored("unowned-github-pat")).toMatchObject({ risk_score: 0, stored: [] });
  });

  it("caps the score at 100 when the weights add up to more", async () => {
    const id = curatedId("dan-batch-loader");
    await conn.db.execute(sql`UPDATE identities SET purpose = NULL, secret_store = '  ' WHERE id = ${id}::uuid`);
    await rescoreIdentities(conn.db, sql`i.id = ${id}::uuid`, T0);
    const r = await stored("dan-batch-loader");
    expect(r.stored).toEqual([
      "orphaned",
      "privileged",
      "no_expiry",
      "rotation_overdue",
      "dormant",
      "unvaulted_secret",
      "static_secret",
      "review_overdue",
      "no_purpose",
    ]);
    expect(Number(r.risk_score)).toBe(100);
  });

  it("the inventory and the identity page show the stored score and explain it in the same order", async () => {
    const sam = await actorOf(conn.db, "sam");
    const truth = new Map((await storedAndTruth(T0)).map((r) => [r.id, r]));
    for (const row of await walkInventory(conn.db, sam)) {
      const t = truth.get(row.id)!;
      expect(row.riskScore, row.name).toBe(Number(t.risk_score));
      expect(row.riskTop?.key ?? null, row.name).toBe(t.stored[0] ?? null);
    }
    const detail = await getIdentityDetail(conn.db, sam, curatedId("unowned-s3-reader"));
    expect(detail.risk.score).toBe(65);
    expect(detail.risk.factors.map((f) => f.key)).toEqual([
      "orphaned",
      "no_expiry",
      "unvaulted_secret",
      "static_secret",
      "no_purpose",
    ]);
    expect(detail.risk.factors.map((f) => f.owasp.id)).toEqual(["NHI1", "NHI7", "NHI2", "NHI4", "NHI9"]);
  });

  it("rescoring the estate later catches the factors that moved with time, and is audited", async () => {
    const later = new Date(T0.getTime() + 120 * DAY);
    setClock(() => later);
    const before = await storedAndTruth(later);
    const stale = before.filter((r) => JSON.stringify(r.stored) !== JSON.stringify(r.truth));
    expect(stale.length).toBeGreaterThan(0);
    const { changed } = await rescoreEstate(conn.db, SEED_ACTOR);
    expect(changed).toBe(stale.length);
    for (const r of await storedAndTruth(later)) {
      expect(r.stored, r.name).toEqual(r.truth);
      expect(Number(r.risk_score), r.name).toBe(scoreOf(r.stored));
    }
    const [event] = await queryRows<{ action: string; after: { changed: number } }>(
      conn.db,
      sql`SELECT action, after FROM audit_events ORDER BY seq DESC LIMIT 1`,
    );
    expect(event).toMatchObject({ action: "risk.rescored", after: { changed: stale.length } });
  });
});
