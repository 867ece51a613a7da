import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, testDatabase } from "@/lib/testing";
import { now } from "@/lib/clock";
import { pgArray } from "@/lib/identities/inventory";
import { riskFactorsSql, riskScoreSql } from "@/lib/identities/risk";
import { setPersonStatus } from "./people";

// README: "a departure rescores the person's identities". The stored score is what the inventory
// sorts and filters by, so it must carry "No active owner" the moment the departure commits — and
// only if it commits: it is written in the departure's own transaction.

const conn = testDatabase({ identities: 60 });

type Scored = {
  id: string;
  stored_score: number;
  stored_factors: string[];
  fresh_score: number;
  fresh_factors: string[];
};
/** Each live identity the person owns: its stored score and factors, beside what risk.ts computes now. */
async function identitiesOwnedBy(ownerId: string): Promise<Scored[]> {
  const at = now();
  const rows = await queryRows<{
    id: string;
    stored_score: number;
    stored_factors: string[] | string;
    fresh_score: number;
    fresh_factors: string[] | string;
  }>(
    conn.db,
    sql`SELECT i.id, i.risk_score AS stored_score, i.risk_factors AS stored_factors, ${riskScoreSql(at)} AS fresh_score, ${riskFactorsSql(at)} AS fresh_factors
        FROM identities i WHERE i.owner_id = ${ownerId}::uuid AND i.status IN ('pending', 'active', 'suspended') ORDER BY i.id`,
  );
  return rows.map((r) => ({
    ...r,
    stored_factors: pgArray(r.stored_factors),
    fresh_factors: pgArray(r.fresh_factors),
  }));
}

describe("a departure and the stored risk", () => {
  it("marking an owner departed rescores their identities: each carries No active owner as soon as the call returns, and loses it on reinstatement", async () => {
    const ada = await actorOf(conn.db, "ada");
    const omar = await actorOf(conn.db, "omar");
    const before = await identitiesOwnedBy(omar.personId);
    expect(before.length).toBeGreaterThan(0);
    for (const r of before) expect(r.stored_factors).not.toContain("orphaned");

    await setPersonStatus(conn.db, ada, { personId: omar.personId, status: "departed" });
    const after = await identitiesOwnedBy(omar.personId);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    for (const r of after) {
      expect(r.stored_factors).toContain("orphaned");
      expect(r.stored_factors[0]).toBe("orphaned"); // the heaviest factor, so it is the one the table shows
      expect({ score: r.stored_score, factors: r.stored_factors }).toEqual({
        score: r.fresh_score,
        factors: r.fresh_factors,
      });
      expect(r.stored_score).toBe(Math.min(100, before.find((b) => b.id === r.id)!.stored_score + 30));
    }

    // Back again: the factor goes as it came.
    await setPersonStatus(conn.db, ada, { personId: omar.personId, status: "active" });
    const back = await identitiesOwnedBy(omar.personId);
    expect(back.map((r) => ({ id: r.id, score: r.stored_score, factors: r.stored_factors }))).toEqual(
      before.map((r) => ({ id: r.id, score: r.stored_score, factors: r.stored_factors })),
    );
  });

  it("one transaction: if the audit append or the rescore fails, neither the person nor their identities' scores change", async () => {
    const ada = await actorOf(conn.db, "ada");
    const olivia = await actorOf(conn.db, "olivia");
    const before = await identitiesOwnedBy(olivia.personId);
    // A trigger makes one write fail: the audit append (after the rescore), then the rescore itself (after the status change).
    const failing = [
      {
        table: "audit_events",
        when: sql`BEFORE INSERT ON audit_events FOR EACH ROW WHEN (NEW.action = 'person.departed')`,
      },
      { table: "identities", when: sql`BEFORE UPDATE OF risk_score ON identities FOR EACH ROW` },
    ];
    await conn.db.execute(
      sql`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
    );
    for (const { table, when } of failing) {
      await conn.db.execute(sql`CREATE TRIGGER test_refuse ${when} EXECUTE FUNCTION test_refuse()`);
      try {
        await expect(
          setPersonStatus(conn.db, ada, { personId: olivia.personId, status: "departed" }),
        ).rejects.toThrow();
      } finally {
        await conn.db.execute(sql`DROP TRIGGER test_refuse ON ${sql.identifier(table)}`);
      }
      const [person] = await queryRows<{ status: string }>(
        conn.db,
        sql`SELECT status FROM users WHERE id = ${olivia.personId}::uuid`,
      );
      expect(person!.status).toBe("active");
      expect(await identitiesOwnedBy(olivia.personId)).toEqual(before);
    }
    await conn.db.execute(sql`DROP FUNCTION test_refuse()`);
  });
});
