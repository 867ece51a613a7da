import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db";
import { rejection } from "@/lib/testing";
import { main } from "@/lib/cli/main";
import { seedDatabase } from "./seed";
import { count, fingerprint, rows, seedTestDatabases } from "./seed-test-support";

// What a seed gives the same again (same seed, same rows), and how it treats a database that has data.
const freshDatabase = seedTestDatabases();

describe("determinism", () => {
  const TABLES = ["identities", "entitlements", "users", "teams", "systems", "requests", "approval_stages"] as const;
  let a: Connection, b: Connection, c: Connection;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([freshDatabase(), freshDatabase(), freshDatabase()]);
    await seedDatabase(a, { identities: 300, seed: 7, ifEmpty: false });
    // The same seed through the bulk-load path (indexes and foreign keys rebuilt afterwards).
    await seedDatabase(b, { identities: 300, seed: 7, ifEmpty: false, deferIndexes: true });
    await seedDatabase(c, { identities: 300, seed: 8, ifEmpty: false });
  });

  it("gives identical rows, ids included, for the same seed", async () => {
    for (const table of TABLES) expect(await fingerprint(b.db, table), table).toBe(await fingerprint(a.db, table));
    expect(await count(a.db, sql`SELECT count(*) AS n FROM identities`)).toBe(300);
  });

  it("gives different data for a different seed", async () => {
    expect(await fingerprint(c.db, "identities")).not.toBe(await fingerprint(a.db, "identities"));
    const names = async (conn: Connection) =>
      (await rows<{ name: string }>(conn.db, sql`SELECT name FROM identities ORDER BY name`)).map((r) => r.name);
    expect(await names(c)).not.toEqual(await names(a));
  });

  it("leaves the schema exactly as migrated after rebuilding indexes and foreign keys", async () => {
    const catalog = async (conn: Connection) =>
      rows<{ def: string }>(
        conn.db,
        sql`SELECT def FROM (
            SELECT indexdef AS def FROM pg_indexes WHERE schemaname = current_schema()
            UNION ALL SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
            FROM pg_constraint WHERE connamespace = current_schema()::regnamespace) d ORDER BY def`,
      );
    expect(await catalog(b)).toEqual(await catalog(a));
  });
});

describe("steward db seed (CLI)", () => {
  it("seeds, then refuses (exit 1) or skips with --if-empty; fewer identities than the curated ones still works", async () => {
    const conn = await freshDatabase();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    const open = () => ({ ...conn, close: async () => {} });
    expect(await main(["db", "seed", "--identities", "5", "--seed", "3"], io, open)).toBe(0);
    expect(out.at(-1)).toMatch(/^Seeded 5 identities/);
    // The bare-COPY yardstick runs only when asked for (--compare-copy).
    expect(out.join("\n")).not.toMatch(/COPY|^copy:/m);
    expect(JSON.parse(out.find((l) => l.startsWith("{"))!)).toMatchObject({ metric: "seed", copy_ms: null });
    expect(await count(conn.db, sql`SELECT count(*) AS n FROM identities`)).toBe(5);
    // Requests about identities that were not seeded are left out; the rest reference real rows.
    expect(await count(conn.db, sql`SELECT count(*) AS n FROM requests`)).toBeGreaterThanOrEqual(1);

    expect(await main(["db", "seed", "--identities", "5"], io, open)).toBe(1);
    expect(err.at(-1)).toMatch(/already has data.*seed a fresh database/);
    expect(await main(["db", "seed", "--if-empty"], io, open)).toBe(0);
    expect(out.at(-1)).toMatch(/^Nothing seeded: the database already has data/);
    expect(await count(conn.db, sql`SELECT count(*) AS n FROM audit_events`)).toBe(1);
  });
});

describe("seeding a database that has data", () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await freshDatabase();
    await seedDatabase(conn, { identities: 50, seed: 1, ifEmpty: false });
  });

  it("does nothing with ifEmpty on a database that has people, and refuses without it", async () => {
    const before = await fingerprint(conn.db, "identities");
    const skipped = await seedDatabase(conn, { identities: 50, seed: 2, ifEmpty: true });
    expect(skipped.message).toMatch(/already has data/);
    expect(skipped.identities).toBe(0);
    expect(await rejection(seedDatabase(conn, { identities: 50, seed: 2, ifEmpty: false }))).toMatch(
      /already has data.*seed a fresh database/,
    );
    expect(await fingerprint(conn.db, "identities")).toBe(before);
    expect(await count(conn.db, sql`SELECT count(*) AS n FROM audit_events`)).toBe(1);
  });
});
