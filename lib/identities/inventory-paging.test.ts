import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { listIdentities, type InventoryPage } from "./inventory";
import { parseInventoryFilter } from "./inventory-filter";

// Keyset paging in both directions, against the order written here in plain SQL, including long
// runs of equal sort values and NULLs.

let sam: Actor;
const conn = testDatabase({ identities: 400 });
beforeAll(async () => {
  sam = await actorOf(conn.db, "sam");
});

const COLUMN = {
  name: "name",
  expires: "expires_at",
  lastUsed: "last_used_at",
  created: "created_at",
  nextReview: "next_review_at",
  risk: "risk_score",
} as const;
type Sort = keyof typeof COLUMN;
// Where NULL sorts in ascending order: no expiry or review date is the far future, never used the oldest use.
const NULLS_ASC: Partial<Record<Sort, "FIRST" | "LAST">> = { expires: "LAST", lastUsed: "FIRST", nextReview: "LAST" };
const flip = (n: "FIRST" | "LAST") => (n === "FIRST" ? "LAST" : "FIRST");

async function truthOrder(sort: Sort, dir: "asc" | "desc", where = sql`true`): Promise<string[]> {
  const nulls = NULLS_ASC[sort] ? ` NULLS ${dir === "asc" ? NULLS_ASC[sort] : flip(NULLS_ASC[sort]!)}` : "";
  const d = dir.toUpperCase();
  const rows = await queryRows<{ id: string }>(
    conn.db,
    sql`SELECT i.id FROM identities i WHERE ${where} ORDER BY i.${sql.raw(COLUMN[sort])} ${sql.raw(d + nulls)}, i.id ${sql.raw(d)}`,
  );
  return rows.map((r) => r.id);
}

const page = (params: Record<string, string | undefined>) =>
  listIdentities(conn.db, sam, parseInventoryFilter(params), { withTotal: false });

/**
 * All pages of a walk, in the order they were reached: forward (`after`) from the first page, or
 * backward (`before`) from the cursor `from` (the last forward page's prevCursor).
 */
async function walk(
  way: "after" | "before",
  sort: Sort,
  dir: string,
  size: number,
  extra: Record<string, string> = {},
  from?: string,
): Promise<InventoryPage[]> {
  const pages: InventoryPage[] = [];
  let cursor = from;
  for (let i = 0; i < 500; i++) {
    const p = await page({ ...extra, sort, dir, size: String(size), [way]: cursor });
    pages.push(p);
    cursor = (way === "after" ? p.nextCursor : p.prevCursor) ?? undefined;
    if (!cursor) return pages;
  }
  throw new Error("the walk did not end");
}

const ids = (p: InventoryPage) => p.rows.map((r) => r.id);

async function expectWalks(
  sort: Sort,
  dir: "asc" | "desc",
  size: number,
  extra: Record<string, string> = {},
  where = sql`true`,
) {
  const label = `${sort} ${dir} ${size}`;
  const expected = await truthOrder(sort, dir, where);
  const fwd = await walk("after", sort, dir, size, extra);
  expect(fwd.flatMap(ids), label).toEqual(expected);
  expect(fwd[0]!.prevCursor, label).toBeNull();
  if (fwd.length < 2) return;
  const back = await walk("before", sort, dir, size, extra, fwd.at(-1)!.prevCursor!);
  // Going back from the last page gives every earlier page again, the same rows in the same order.
  expect(back.map(ids), label).toEqual(fwd.slice(0, -1).map(ids).reverse());
  expect(back.at(-1)!.prevCursor, label).toBeNull();
  for (const p of back) expect(p.nextCursor, label).not.toBeNull();
}

describe("inventory paging", () => {
  it("walks every sort forward in exactly the documented order, and backward through the same pages", async () => {
    for (const sort of Object.keys(COLUMN) as Sort[]) {
      for (const dir of ["asc", "desc"] as const) await expectWalks(sort, dir, 37);
    }
  });

  it("a page reached going backward continues forward to the page that followed it", async () => {
    const fwd = await walk("after", "expires", "asc", 40);
    const back = await page({ sort: "expires", size: "40", before: fwd[5]!.prevCursor! });
    expect(ids(back)).toEqual(ids(fwd[4]!));
    const next = await page({ sort: "expires", size: "40", after: back.nextCursor! });
    expect(ids(next)).toEqual(ids(fwd[5]!));
  });

  it("the default risk order is highest first", async () => {
    const rows = (await walk("after", "risk", "", 200)).flatMap((p) => p.rows);
    expect(rows.map((r) => r.id)).toEqual(await truthOrder("risk", "desc"));
    expect(rows[0]!.riskScore).toBeGreaterThanOrEqual(rows.at(-1)!.riskScore);
  });

  it("walks long runs of equal values and of NULLs without a duplicate or a gap", async () => {
    await conn.db.execute(
      sql`UPDATE identities SET risk_score = 50 WHERE id IN (SELECT id FROM identities ORDER BY md5(id::text) LIMIT 120)`,
    );
    await conn.db.execute(
      sql`UPDATE identities SET last_used_at = '2026-01-01T00:00:00Z' WHERE id IN (SELECT id FROM identities ORDER BY md5(id::text || 'u') LIMIT 100)`,
    );
    await conn.db.execute(
      sql`UPDATE identities SET next_review_at = NULL WHERE id IN (SELECT id FROM identities ORDER BY md5(id::text || 'r') LIMIT 150)`,
    );
    // A live name is unique per system: the run of equal names is one live identity per system plus ended ones.
    await conn.db.execute(sql`UPDATE identities SET name = 'same-name' WHERE id IN (
      SELECT DISTINCT ON (system_id) id FROM identities WHERE status IN ('pending', 'active', 'suspended') ORDER BY system_id, md5(id::text || 'n'))
      OR id IN (SELECT id FROM identities WHERE status IN ('revoked', 'expired') ORDER BY md5(id::text || 'n') LIMIT 45)`);
    expect(
      (
        await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM identities WHERE name = 'same-name'`)
      )[0]!.n,
    ).toBeGreaterThanOrEqual(40);
    const [counts] = await queryRows<{ r: number; u: number; n: number }>(
      conn.db,
      sql`SELECT count(*) FILTER (WHERE risk_score = 50)::int AS r,
      count(*) FILTER (WHERE last_used_at = '2026-01-01T00:00:00Z')::int AS u, count(*) FILTER (WHERE next_review_at IS NULL)::int AS n FROM identities`,
    );
    expect(counts!.r).toBeGreaterThanOrEqual(120);
    expect(counts!.u).toBe(100);
    expect(counts!.n).toBeGreaterThanOrEqual(150);
    for (const dir of ["asc", "desc"] as const) {
      for (const size of [10, 37]) {
        for (const sort of ["risk", "lastUsed", "nextReview", "name", "expires"] as const)
          await expectWalks(sort, dir, size);
      }
    }
  });

  it("walks a filtered view in both directions", async () => {
    await expectWalks("expires", "asc", 10, { env: "production" }, sql`i.environment = 'production'`);
    await expectWalks("lastUsed", "desc", 10, { state: "no_expiry" }, sql`i.expires_at IS NULL`);
  });
});
