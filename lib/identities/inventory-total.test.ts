import { sql, type SQL } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows, type Connection } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { testDatabase } from "@/lib/testing";
import { listIdentities } from "./inventory";
import { parseInventoryFilter } from "./inventory-filter";
import { EXACT_UP_TO } from "./inventory-total";

// README: "The total is exact up to 10,000 matches; above that it is estimated from a 10,000-row
// sample of the table and marked 'estimate'". An estate too small for a sample to mean much (under
// 50,000 identities) says "more than 10,000" instead of guessing.

const TOLERANCE = 0.1; // sampling error plus rounding to two significant figures

const exactCount = async (conn: Connection, where: SQL) =>
  (await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM identities i WHERE ${where}`))[0]!.n;
const totalFor = async (conn: Connection, actor: Actor, params: Record<string, string>) =>
  (await listIdentities(conn.db, actor, parseInventoryFilter(params))).total;

describe("the inventory total on an estate of 55,000 identities", () => {
  // The seed ends with VACUUM ANALYZE, so the planner knows the table's size.
  const conn = testDatabase({ identities: 55_000, timeout: 300_000 });
  const { personas } = conn;

  it.each([
    ["everything", {}, sql`true`],
    ["production only", { env: "production" }, sql`i.environment = 'production'`],
    ["active only", { status: "active" }, sql`i.status = 'active'`],
  ])(
    "%s: more than 10,000 matches, so the total is marked estimate and lies within 10%% of the true count",
    async (_what, params, where) => {
      const truth = await exactCount(conn, where);
      expect(truth).toBeGreaterThan(EXACT_UP_TO);
      const total = await totalFor(conn, personas.sam, params);
      expect(total.kind).toBe("estimate");
      const value = (total as { value: number }).value;
      expect(Math.abs(value - truth) / truth).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it("10,000 matches or fewer are counted exactly", async () => {
    const truth = await exactCount(conn, sql`i.kind = 'bot'`);
    expect(truth).toBeGreaterThan(0);
    expect(truth).toBeLessThanOrEqual(EXACT_UP_TO);
    expect(await totalFor(conn, personas.sam, { kind: "bot" })).toEqual({ kind: "exact", value: truth });
  });
});

describe("the inventory total on an estate of 12,000 identities", () => {
  const conn = testDatabase({ identities: 12_000, timeout: 300_000 });
  const { personas } = conn;

  it('all of it: more than 10,000 matches, too few for a sample, so it says "more than 10,000"', async () => {
    expect(await exactCount(conn, sql`true`)).toBe(12_000);
    expect(await totalFor(conn, personas.sam, {})).toEqual({ kind: "atLeast", value: EXACT_UP_TO });
  });
});
