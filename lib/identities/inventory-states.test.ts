import { sql, type SQL } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, idsWhere, sortedIds, testDatabase, walkInventory } from "@/lib/testing";
import { DAY, setClock } from "@/lib/clock";

// Derived states as filters and badges, at a fixed "now", with rows placed exactly on, just
// before and just after each day boundary.

const T = new Date("2026-06-15T12:34:56.789Z");
const at = (ms: number) => new Date(T.getTime() + ms).toISOString();

// Boundary rows by label, each a bulk identity rewritten below.
const b: Record<string, string> = {};
const BOUNDARIES: [label: string, set: SQL][] = [
  ["exp_30d", sql`expires_at = ${at(30 * DAY)}::timestamptz`],
  ["exp_30d_minus_1ms", sql`expires_at = ${at(30 * DAY - 1)}::timestamptz`],
  ["exp_30d_plus_1ms", sql`expires_at = ${at(30 * DAY + 1)}::timestamptz`],
  ["exp_now", sql`expires_at = ${at(0)}::timestamptz`],
  ["exp_now_minus_1ms", sql`expires_at = ${at(-1)}::timestamptz`],
  ["exp_now_plus_1ms", sql`expires_at = ${at(1)}::timestamptz`],
  ["exp_7d_minus_1ms", sql`expires_at = ${at(7 * DAY - 1)}::timestamptz`],
  ["exp_7d", sql`expires_at = ${at(7 * DAY)}::timestamptz`],
  ["used_90d", sql`last_used_at = ${at(-90 * DAY)}::timestamptz`],
  ["used_90d_plus_1ms", sql`last_used_at = ${at(-90 * DAY - 1)}::timestamptz`],
  ["used_90d_minus_1ms", sql`last_used_at = ${at(-90 * DAY + 1)}::timestamptz`],
  ["never_used", sql`last_used_at = NULL`],
  ["used_30d_plus_1ms", sql`last_used_at = ${at(-30 * DAY - 1)}::timestamptz`],
  ["review_now", sql`next_review_at = ${at(0)}::timestamptz`],
  ["review_now_minus_1ms", sql`next_review_at = ${at(-1)}::timestamptz`],
  [
    "rotated_30d",
    sql`credential_type = 'static_secret', rotation_period_days = 30, last_rotated_at = ${at(-30 * DAY)}::timestamptz`,
  ],
  [
    "rotated_30d_plus_1ms",
    sql`credential_type = 'static_secret', rotation_period_days = 30, last_rotated_at = ${at(-30 * DAY - 1)}::timestamptz`,
  ],
  [
    "never_rotated_created_30d_plus_1ms",
    sql`credential_type = 'static_secret', rotation_period_days = 30, last_rotated_at = NULL, created_at = ${at(-30 * DAY - 1)}::timestamptz`,
  ],
  [
    "certificate_rotated_long_ago",
    sql`credential_type = 'certificate', rotation_period_days = 30, last_rotated_at = ${at(-400 * DAY)}::timestamptz`,
  ],
];

const conn = testDatabase({ identities: 400, seedAt: T });
beforeAll(async () => {
  // Plain rows otherwise: used yesterday, expiring in a year, reviewed next month, no secret to rotate.
  const rows = await queryRows<{ id: string }>(
    conn.db,
    sql`SELECT id FROM identities WHERE origin <> 'requested' AND owner_id IS NOT NULL ORDER BY id LIMIT ${BOUNDARIES.length}`,
  );
  for (const [i, [label, set]] of BOUNDARIES.entries()) {
    const id = rows[i]!.id;
    b[label] = id;
    await conn.db
      .execute(sql`UPDATE identities SET expires_at = ${at(365 * DAY)}::timestamptz, last_used_at = ${at(-DAY)}::timestamptz,
      next_review_at = ${at(30 * DAY)}::timestamptz, credential_type = 'federated', rotation_period_days = NULL WHERE id = ${id}::uuid`);
    await conn.db.execute(sql`UPDATE identities SET ${set} WHERE id = ${id}::uuid`);
  }
});
beforeEach(() => setClock(() => T));
afterEach(() => setClock(undefined));

// The ground truth of each state at T, written here with bounds computed in JavaScript.
function truth(state: string, n?: number): SQL {
  switch (state) {
    case "orphaned":
      return sql`(i.owner_id IS NULL OR i.owner_id IN (SELECT id FROM users WHERE status = 'departed'))`;
    case "dormant":
      return sql`(i.last_used_at IS NULL OR i.last_used_at < ${at(-(n ?? 90) * DAY)}::timestamptz)`;
    case "expiring":
      return sql`(i.expires_at >= ${at(0)}::timestamptz AND i.expires_at < ${at((n ?? 30) * DAY)}::timestamptz)`;
    case "expired":
      return sql`(i.expires_at < ${at(0)}::timestamptz)`;
    case "no_expiry":
      return sql`(i.expires_at IS NULL)`;
    case "review_overdue":
      return sql`(i.next_review_at < ${at(0)}::timestamptz)`;
    case "rotation_overdue":
      return sql`(i.credential_type = 'static_secret' AND i.rotation_period_days IS NOT NULL
                  AND coalesce(i.last_rotated_at, i.created_at) + i.rotation_period_days * interval '1 day' < ${at(0)}::timestamptz)`;
  }
  throw new Error(state);
}

const STATES = ["orphaned", "dormant", "expiring", "expired", "no_expiry", "review_overdue", "rotation_overdue"];

/** Whether `set` holds each boundary identity named, as `want` says. */
const expectMembers = (set: Set<string>, want: Record<string, boolean>) =>
  expect(Object.fromEntries(Object.keys(want).map((k) => [k, set.has(b[k]!)]))).toEqual(want);

async function filtered(params: Record<string, string>) {
  return new Set(sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "sam"), params)));
}

describe("derived states", () => {
  it("each state filter returns exactly the identities for which the state holds now", async () => {
    for (const state of STATES) {
      const expected = await idsWhere(conn.db, truth(state));
      expect(expected.length, state).toBeGreaterThan(0);
      expect([...(await filtered({ state }))].sort(), state).toEqual(expected);
    }
  });

  it("idle and within change the dormant and expiring windows", async () => {
    for (const [params, t] of [
      [{ state: "dormant", idle: "30" }, truth("dormant", 30)],
      [{ state: "dormant", idle: "365" }, truth("dormant", 365)],
      [{ state: "expiring", within: "7" }, truth("expiring", 7)],
      [{ state: "expiring", within: "180" }, truth("expiring", 180)],
    ] as const) {
      expect([...(await filtered(params))].sort(), JSON.stringify(params)).toEqual(await idsWhere(conn.db, t));
    }
  });

  it("several states together mean all of them", async () => {
    const expected = await idsWhere(
      conn.db,
      sql`${truth("orphaned")} AND ${truth("dormant")} AND ${truth("no_expiry")}`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect([...(await filtered({ state: "orphaned,dormant,no_expiry" }))].sort()).toEqual(expected);
  });

  it("expiring is [now, now + N days): the boundary itself is out, a millisecond before it is in", async () => {
    const expiring = await filtered({ state: "expiring" });
    const expired = await filtered({ state: "expired" });
    expectMembers(expiring, { exp_30d: false, exp_30d_minus_1ms: true, exp_30d_plus_1ms: false, exp_now: true });
    expect(expired.has(b.exp_now!)).toBe(false);
    expect(expiring.has(b.exp_now_plus_1ms!)).toBe(true);
    expect(expiring.has(b.exp_now_minus_1ms!)).toBe(false);
    expect(expired.has(b.exp_now_minus_1ms!)).toBe(true);
    const week = await filtered({ state: "expiring", within: "7" });
    expect(week.has(b.exp_7d_minus_1ms!)).toBe(true);
    expect(week.has(b.exp_7d!)).toBe(false);
  });

  it("dormant is unused for more than N days, or never used", async () => {
    const dormant = await filtered({ state: "dormant" });
    expectMembers(dormant, {
      used_90d: false,
      used_90d_plus_1ms: true,
      used_90d_minus_1ms: false,
      never_used: true,
      used_30d_plus_1ms: false,
    });
    expect((await filtered({ state: "dormant", idle: "30" })).has(b.used_30d_plus_1ms!)).toBe(true);
  });

  it("review and rotation are overdue only once their moment has passed, and rotation only for static secrets", async () => {
    const review = await filtered({ state: "review_overdue" });
    expect(review.has(b.review_now!)).toBe(false);
    expect(review.has(b.review_now_minus_1ms!)).toBe(true);
    const rotation = await filtered({ state: "rotation_overdue" });
    expectMembers(rotation, {
      rotated_30d: false,
      rotated_30d_plus_1ms: true,
      never_rotated_created_30d_plus_1ms: true,
      certificate_rotated_long_ago: false,
    });
  });

  it("moving the clock moves the states: a millisecond later the boundary rows flip", async () => {
    setClock(() => new Date(T.getTime() + 1));
    const expiring = await filtered({ state: "expiring" });
    expect(expiring.has(b.exp_30d!)).toBe(true);
    expect(expiring.has(b.exp_now!)).toBe(false);
    expect((await filtered({ state: "expired" })).has(b.exp_now!)).toBe(true);
    expect((await filtered({ state: "dormant" })).has(b.used_90d!)).toBe(true);
    expect((await filtered({ state: "review_overdue" })).has(b.review_now!)).toBe(true);
  });

  it("every row's badges list exactly the states that hold for it, in the documented order", async () => {
    const holds = new Map<string, string[]>();
    for (const state of STATES)
      for (const id of await idsWhere(conn.db, truth(state))) holds.set(id, [...(holds.get(id) ?? []), state]);
    const rows = await walkInventory(conn.db, await actorOf(conn.db, "sam"));
    expect(rows).toHaveLength(400);
    for (const r of rows) expect(r.states, r.name).toEqual(holds.get(r.id) ?? []);
    const exp = rows.find((r) => r.id === b.exp_30d_minus_1ms)!;
    expect(exp.states).toEqual(["expiring"]);
  });
});
