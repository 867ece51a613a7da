import { sql, type SQL } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { fixedTeamId } from "@/lib/seed/people";
import { actorOf, curatedId, idsWhere, personaIdOf, sortedIds, testDatabase, walkInventory } from "@/lib/testing";
import { SUGGESTION_LIMIT, suggestFilterValues } from "./facets";

// Each filter of the inventory against a ground truth written here in plain SQL.

let awsProd: string;
const conn = testDatabase({ identities: 400 });
beforeAll(async () => {
  awsProd = (
    await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM systems WHERE name ILIKE '%prod%' ORDER BY name LIMIT 1`,
    )
  )[0]!.id;
});

const PRIVILEGED = sql`EXISTS (SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.privileged = true AND e.status = 'active')`;

// Olivia's scope here is her team, her own and her backups (nobody reports to her in this file).
async function expectFilter(params: Record<string, string>, truth: SQL, persona: "sam" | "olivia" = "sam") {
  const actor = await actorOf(conn.db, persona);
  const expected = await idsWhere(
    conn.db,
    persona === "sam"
      ? truth
      : sql`(${truth}) AND (i.team_id = ${actor.teamId}::uuid OR i.owner_id = ${actor.personId}::uuid OR i.backup_owner_id = ${actor.personId}::uuid)`,
  );
  const seen = sortedIds(await walkInventory(conn.db, actor, params));
  expect(seen, JSON.stringify(params)).toEqual(expected);
  return seen;
}

describe("inventory filters", () => {
  it("each single filter returns exactly the matching identities (and narrows the estate)", async () => {
    const cases: [Record<string, string>, SQL][] = [
      [{ kind: "api_key" }, sql`i.kind = 'api_key'`],
      [{ kind: "ai_agent" }, sql`i.kind = 'ai_agent'`],
      [{ system: awsProd }, sql`i.system_id = ${awsProd}::uuid`],
      [{ env: "staging" }, sql`i.environment = 'staging'`],
      [{ status: "suspended" }, sql`i.status = 'suspended'`],
      [{ status: "revoked" }, sql`i.status = 'revoked'`],
      [{ owner: "none" }, sql`i.owner_id IS NULL`],
      [{ owner: personaIdOf("omar") }, sql`i.owner_id = ${personaIdOf("omar")}::uuid`],
      [{ owner: "OMAR.owner@example.com" }, sql`i.owner_id = ${personaIdOf("omar")}::uuid`],
      [{ team: fixedTeamId(1, "Payments") }, sql`i.team_id = ${fixedTeamId(1, "Payments")}::uuid`],
      [{ team: "payments" }, sql`i.team_id = ${fixedTeamId(1, "Payments")}::uuid`],
      [{ privileged: "1" }, PRIVILEGED],
      [{ privileged: "0" }, sql`NOT ${PRIVILEGED}`],
      [{ riskMin: "50" }, sql`i.risk_score >= 50`],
      [{ riskMin: "100" }, sql`i.risk_score >= 100`],
    ];
    for (const [params, truth] of cases) {
      const seen = await expectFilter(params, truth);
      expect(seen.length, JSON.stringify(params)).toBeGreaterThan(0);
      expect(seen.length, JSON.stringify(params)).toBeLessThan(400);
    }
  });

  it("riskMin=0 and no filter both give the whole estate", async () => {
    expect(await expectFilter({ riskMin: "0" }, sql`true`)).toHaveLength(400);
  });

  it("owner=me means the actor, and filters combine with AND inside the actor's scope", async () => {
    const mine = await expectFilter({ owner: "me" }, sql`i.owner_id = ${personaIdOf("olivia")}::uuid`, "olivia");
    expect(mine).toEqual(
      [
        curatedId("olivia-payments-api"),
        curatedId("olivia-ledger-key"),
        curatedId("olivia-checkout-ci"),
        curatedId("olivia-fraud-agent"),
        curatedId("olivia-alerts-bot"),
        curatedId("olivia-refund-worker"),
      ].sort(),
    );
    expect(await expectFilter({ owner: "me" }, sql`i.owner_id = ${personaIdOf("sam")}::uuid`)).toEqual([
      curatedId("sam-security-scanner"),
    ]);
    await expectFilter(
      { env: "production", privileged: "1", kind: "service_account" },
      sql`i.environment = 'production' AND i.kind = 'service_account' AND ${PRIVILEGED}`,
    );
    await expectFilter(
      { env: "production", privileged: "0" },
      sql`i.environment = 'production' AND NOT ${PRIVILEGED}`,
      "olivia",
    );
    await expectFilter(
      { status: "active", riskMin: "40", owner: personaIdOf("dan") },
      sql`i.status = 'active' AND i.risk_score >= 40 AND i.owner_id = ${personaIdOf("dan")}::uuid`,
      "olivia",
    );
  });
});

describe("inventory search", () => {
  const contains = (q: string) =>
    sql`(strpos(lower(i.name), lower(${q})) > 0 OR strpos(lower(coalesce(i.purpose, '')), lower(${q})) > 0 OR strpos(lower(coalesce(i.external_id, '')), lower(${q})) > 0)`;
  let ids: string[];
  beforeAll(async () => {
    ids = (
      await queryRows<{ id: string }>(
        conn.db,
        sql`SELECT id FROM identities WHERE origin <> 'requested' ORDER BY id LIMIT 5`,
      )
    ).map((r) => r.id);
    const set = (id: string, col: string, v: string) =>
      conn.db.execute(sql`UPDATE identities SET ${sql.raw(col)} = ${v} WHERE id = ${id}::uuid`);
    await set(ids[0]!, "purpose", "Keeps 100% of the ledger_sync jobs alive");
    await set(ids[1]!, "purpose", "Handles 1000 requests for the ledgerXsync pipeline"); // what % and _ as wildcards would also match
    await set(ids[2]!, "external_id", "arn:aws:iam::000000000000:role/zz-Unique-External");
    await set(ids[3]!, "name", "weird_name%with-wildcards");
  });

  it("matches the name, the purpose and the external id, ignoring case", async () => {
    for (const q of ["ledger", "LEDGER", "zz-unique-external", "payments-api", "Reconciles", "arn:aws"]) {
      const seen = await expectFilter({ q }, contains(q));
      expect(seen.length, q).toBeGreaterThan(0);
    }
    expect(await expectFilter({ q: "zz-unique-external" }, contains("zz-unique-external"))).toEqual([ids[2]]);
    // Leading and trailing blanks are not part of the search.
    expect(
      sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "sam"), { q: "  zz-unique-external  " })),
    ).toEqual([ids[2]]);
  });

  it("treats % and _ as literal characters, not wildcards", async () => {
    expect(await expectFilter({ q: "ledger_sync" }, contains("ledger_sync"))).toEqual([ids[0]]);
    expect(await expectFilter({ q: "100%" }, contains("100%"))).toEqual([ids[0]]);
    expect(await expectFilter({ q: "%" }, contains("%"))).toEqual([ids[0], ids[3]].sort());
    expect(await expectFilter({ q: "_" }, contains("_"))).toEqual([ids[0], ids[3]].sort());
    expect(await expectFilter({ q: "\\" }, contains("\\"))).toEqual([]);
  });

  it("SQL-looking text is just text: it finds nothing and the table is intact", async () => {
    const before = await idsWhere(conn.db, sql`true`);
    for (const q of ["'; DROP TABLE identities; --", "' OR '1'='1", '"); DELETE FROM identities; --']) {
      expect(await walkInventory(conn.db, await actorOf(conn.db, "sam"), { q })).toEqual([]);
    }
    expect(await idsWhere(conn.db, sql`true`)).toEqual(before);
    expect(before).toHaveLength(400);
  });

  it("a team name or an email nobody has matches nothing, and SQL in them is just text", async () => {
    const sam = await actorOf(conn.db, "sam");
    for (const params of [{ team: "No Such Team" }, { team: "x' OR '1'='1" }, { owner: "nobody@example.com" }]) {
      expect(await walkInventory(conn.db, sam, params), JSON.stringify(params)).toEqual([]);
    }
  });

  it("suggests teams and active people for the filter fields as the user types", async () => {
    const sam = await actorOf(conn.db, "sam");
    expect(await suggestFilterValues(conn.db, sam, { kind: "team", q: "paym" })).toContainEqual({
      value: "Payments",
      label: "Payments",
    });
    expect(await suggestFilterValues(conn.db, sam, { kind: "person", q: "olivia" })).toEqual([
      { value: "olivia.owner@example.com", label: "Olivia Owner" },
    ]);
    // People who have left cannot own anything new, so they are not suggested.
    expect(await suggestFilterValues(conn.db, sam, { kind: "person", q: "dan.departed" })).toEqual([]);
    expect((await suggestFilterValues(conn.db, sam, { kind: "team", q: "" })).length).toBeLessThanOrEqual(
      SUGGESTION_LIMIT,
    );
    expect(await suggestFilterValues(conn.db, sam, { kind: "everything", q: "a" })).toEqual([]);
  });
});
