import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, testDatabase } from "@/lib/testing";
import { listIdentities, pgArray } from "./inventory";
import { RISK_FACTORS } from "./risk";
import { parseInventoryFilter } from "./inventory-filter";

const conn = testDatabase({ identities: 400 });

describe("the inventory", () => {
  it("shows security every identity, a page at a time, with an exact total", async () => {
    const sam = await actorOf(conn.db, "sam");
    const page = await listIdentities(conn.db, sam, parseInventoryFilter({}));
    expect(page.rows).toHaveLength(50);
    expect(page.total).toEqual({ kind: "exact", value: 400 });
    expect(page.prevCursor).toBeNull();
    expect(page.nextCursor).not.toBeNull();
  });

  it("walks every sort to the end without repeating or skipping a row", async () => {
    const sam = await actorOf(conn.db, "sam");
    for (const sort of ["name", "expires", "lastUsed", "created", "nextReview", "risk"]) {
      for (const dir of ["asc", "desc"]) {
        const seen: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 100; i++) {
          const page = await listIdentities(conn.db, sam, parseInventoryFilter({ sort, dir, size: "37", after }), {
            withTotal: false,
          });
          seen.push(...page.rows.map((r) => r.id));
          if (!page.nextCursor) break;
          after = page.nextCursor;
        }
        expect(new Set(seen).size, `${sort} ${dir}`).toBe(seen.length);
        expect(seen.length, `${sort} ${dir}`).toBe(400);
      }
    }
  });

  it("scores risk in the seed and keeps the top factor first", async () => {
    const rows = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM identities WHERE risk_score > 0`,
    );
    expect(rows[0]!.n).toBeGreaterThan(100);
    // Every stored list is heaviest first, and the inventory shows its first as the row's top factor.
    const order = RISK_FACTORS.map((f) => f.key);
    const stored = new Map(
      (
        await queryRows<{ id: string; risk_factors: string[] | string }>(
          conn.db,
          sql`SELECT id, risk_factors FROM identities`,
        )
      ).map((r) => [r.id, pgArray(r.risk_factors)]),
    );
    for (const factors of stored.values())
      expect(factors).toEqual([...factors].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    const page = await listIdentities(
      conn.db,
      await actorOf(conn.db, "sam"),
      parseInventoryFilter({ sort: "risk", size: "200" }),
    );
    for (const row of page.rows) expect(row.riskTop?.key ?? null, row.name).toBe(stored.get(row.id)![0] ?? null);
  });
});
