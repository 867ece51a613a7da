import "server-only";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { queryRows, type Connection, type Database } from "@/db";
import { setClock } from "@/lib/clock";
import { createTestDatabase } from "@/lib/testing";

// What the seed's test files share: a pinned clock, fresh databases, and small readers.

/** Seeding is deterministic only for a fixed "now" (dates are relative to it), so the clock is pinned. */
export const AT = new Date("2026-11-23T09:30:00.000Z");

/** Pins the clock for the file's tests; returns a maker of fresh, migrated databases closed after them. */
export function seedTestDatabases(): () => Promise<Connection> {
  const opened: Connection[] = [];
  beforeAll(() => setClock(() => AT));
  afterAll(async () => {
    setClock(undefined);
    for (const conn of opened) await conn.close();
  });
  return async () => {
    const conn = await createTestDatabase();
    opened.push(conn);
    return conn;
  };
}

type Query = ReturnType<typeof sql>;
export const rows = <T>(db: Database, q: Query) => queryRows<T>(db, q);
export async function one<T>(db: Database, q: Query): Promise<T> {
  const [row] = await rows<T>(db, q);
  return row!;
}
export const count = async (db: Database, q: Query) => Number((await one<{ n: string | number }>(db, q)).n);

/** md5 over every row of a table in id order: equal fingerprints mean identical rows. */
export async function fingerprint(
  db: Database,
  table: "identities" | "entitlements" | "users" | "teams" | "systems" | "requests" | "approval_stages",
) {
  return (
    await one<{ f: string }>(
      db,
      sql`SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) AS f FROM ${sql.identifier(table)} t`,
    )
  ).f;
}
