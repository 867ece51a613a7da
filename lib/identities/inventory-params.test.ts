import { beforeAll, describe, expect, it } from "vitest";
import { actorOf, curatedId, refusal, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { DomainError } from "@/lib/errors";
import { listIdentities } from "./inventory";
import { inventoryParams, parseInventoryFilter, type InventoryFilter } from "./inventory-filter";
import { encodeCursor } from "./inventory-query";

// Bad query parameters: each gets a DomainError `invalid` naming the field, or a clamp; never
// anything else (a 500 from the database included).

function invalidFields(params: Record<string, unknown>): Record<string, string[]> {
  try {
    parseInventoryFilter(params);
  } catch (e) {
    if (e instanceof DomainError && e.code === "invalid") return e.fieldErrors ?? {};
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(params)} to be refused`);
}

describe("parseInventoryFilter", () => {
  it("refuses unknown or malformed values with a message naming the field", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ sort: "password" }, "sort", /Unknown sort; use one of: name, expires/],
      [{ dir: "sideways" }, "dir", /Unknown direction/],
      [{ kind: "robot" }, "kind", /Unknown kind; use one of: service_account/],
      [{ env: "prod" }, "env", /Unknown environment/],
      [{ status: "deleted" }, "status", /Unknown status/],
      [{ state: "orphaned,haunted" }, "state", /Unknown state/],
      [{ within: "soon" }, "within", /Expiring within must be a number of days/],
      [{ within: "0" }, "within", /1 to 3650 days/],
      [{ within: "2.5" }, "within", /whole days/],
      [{ idle: "2026-01-01" }, "idle", /Dormant for must be a number of days/],
      [{ idle: "99999" }, "idle", /1 to 3650 days/],
      [{ riskMin: "500" }, "riskMin", /Risk at or above is 0 to 100/],
      [{ riskMin: "-1" }, "riskMin", /Risk at or above is 0 to 100/],
      [{ riskMin: "high" }, "riskMin", /must be a number from 0 to 100/],
      [{ privileged: "maybe" }, "privileged", /Use 1 or 0/],
      [{ owner: "someone" }, "owner", /Owner is me, none, or a person's email/],
      [{ system: "aws" }, "system", /System is not a valid id/],
      [{ team: "x".repeat(201) }, "team", /Team is at most 200 characters/],
      [{ q: "x".repeat(201) }, "q", /at most 200 characters/],
      [{ after: "not a cursor!" }, "after", /That page link is broken/],
      [{ before: "a".repeat(401) }, "before", /That page link is broken/],
    ];
    for (const [params, field, message] of cases) {
      const errors = invalidFields(params);
      expect(Object.keys(errors), JSON.stringify(params)).toEqual([field]);
      expect(errors[field]!.join(" "), JSON.stringify(params)).toMatch(message);
    }
  });

  it("names every bad field at once", () => {
    expect(Object.keys(invalidFields({ sort: "x", kind: "y", riskMin: "500", within: "never" })).sort()).toEqual([
      "kind",
      "riskMin",
      "sort",
      "within",
    ]);
  });

  it("clamps page size and page number instead of refusing them", () => {
    const size = (v: unknown) => parseInventoryFilter({ size: v }).size;
    expect(size("1000000000")).toBe(200);
    expect(size("abc")).toBe(50);
    expect(size("3")).toBe(10);
    expect(size("-20")).toBe(10);
    expect(size("75.9")).toBe(75);
    expect(size("Infinity")).toBe(50);
    expect(size(undefined)).toBe(50);
    const page = (v: unknown) => parseInventoryFilter({ page: v }).page;
    expect(page("-5")).toBe(1);
    expect(page("zero")).toBe(1);
    expect(page("1e12")).toBe(1_000_000);
  });

  it("takes the first value of a repeated single key and ignores blank ones", () => {
    const f = parseInventoryFilter({ kind: ["bot", "api_key"], env: "  ", q: "" });
    expect([f.kind, f.env, f.q]).toEqual(["bot", undefined, undefined]);
    expect(parseInventoryFilter({ state: ["orphaned", "dormant,expired"] }).state).toEqual([
      "orphaned",
      "dormant",
      "expired",
    ]);
    expect(parseInventoryFilter({ privileged: "0" }).privileged).toBe(false);
    expect(parseInventoryFilter({}).sort).toBe("name");
  });

  it("gives back the same filter from its own URL params", () => {
    const f = parseInventoryFilter({
      q: "ledger",
      kind: "api_key",
      env: "production",
      state: "dormant,expiring",
      idle: "30",
      within: "7",
      privileged: "1",
      riskMin: "20",
      sort: "risk",
      dir: "asc",
      size: "100",
    });
    expect(parseInventoryFilter(Object.fromEntries(inventoryParams(f)))).toEqual(f);
  });
  it("keeps privileged=0 in its own URL params", () => {
    const f: InventoryFilter = parseInventoryFilter({ privileged: "0", env: "production" });
    expect(parseInventoryFilter(Object.fromEntries(inventoryParams(f)))).toEqual(f);
  });
});

describe("page cursors", () => {
  let sam: Actor;
  const conn = testDatabase({ identities: 60 });
  beforeAll(async () => {
    sam = await actorOf(conn.db, "sam");
  });

  const id = () => curatedId("olivia-payments-api");
  const list = (params: Record<string, string>) =>
    listIdentities(conn.db, sam, parseInventoryFilter(params), { withTotal: false });

  async function expectBroken(params: Record<string, string>, field: "after" | "before" = "after") {
    const e = await refusal(list(params));
    expect(e.code, JSON.stringify(params)).toBe("invalid");
    expect(e.fieldErrors, JSON.stringify(params)).toEqual({
      [field]: ["That page link is broken; start again from the first page."],
    });
  }

  it("a cursor of another sort, or a forged one, is a broken page link", async () => {
    const byRisk = (await list({ sort: "risk", size: "10" })).nextCursor!;
    const byExpiry = (await list({ sort: "expires", size: "10" })).nextCursor!;
    expect(byRisk).toBeTruthy();
    await expectBroken({ sort: "name", after: byRisk });
    await expectBroken({ sort: "risk", after: byExpiry });
    await expectBroken({ sort: "created", before: byRisk }, "before");
    await expectBroken({ after: Buffer.from("not json").toString("base64url") });
    await expectBroken({ after: encodeCursor({ v: "a", id: "not-a-uuid" }) });
    await expectBroken({ after: Buffer.from(JSON.stringify(["a", id(), "extra"])).toString("base64url") });
    await expectBroken({ after: Buffer.from(JSON.stringify({ v: "a", id: id() })).toString("base64url") });
    await expectBroken({ sort: "name", after: encodeCursor({ v: null, id: id() }) }); // names are never NULL
    await expectBroken({ sort: "risk", after: encodeCursor({ v: 1.5, id: id() }) });
    await expectBroken({ sort: "expires", after: encodeCursor({ v: "next tuesday-ish", id: id() }) });
  });

  it("a NULL cursor is fine where the column has NULLs", async () => {
    const page = await list({
      sort: "expires",
      after: encodeCursor({ v: null, id: "00000000-0000-4000-8000-000000000000" }),
    });
    expect(page.rows.length).toBeGreaterThan(0);
    for (const r of page.rows) expect(r.expiresAt).toBeNull();
  });
  it("a name cursor used with a date sort is a broken page link, not a database error", async () => {
    const byName = await list({ sort: "name", size: "10" });
    expect(Number.isNaN(Date.parse(byName.rows.at(-1)!.name))).toBe(false); // e.g. "chat-worker-prod-key-5"
    await expectBroken({ sort: "expires", after: byName.nextCursor! });
    await expectBroken({ sort: "lastUsed", after: encodeCursor({ v: "hello 2020", id: id() }) });
  });
  it("an out-of-range number in a risk cursor is a broken page link, not a database error", async () => {
    await expectBroken({ sort: "risk", after: encodeCursor({ v: 1e20, id: id() }) });
  });
});
