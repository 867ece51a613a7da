import "server-only";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { migrate, openEmbedded, openPostgres, setConnection, type Connection } from "@/db";

/**
 * An isolated, migrated database for one test file: an in-memory PGlite by default, or a fresh
 * database on the server named by DATABASE_URL (dropped afterwards). Nothing is shared between
 * files, so test order and parallelism cannot leak state.
 */
export async function createTestDatabase(): Promise<Connection & { url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  let conn: Connection & { url?: string };
  if (!serverUrl) {
    conn = openEmbedded();
  } else {
    conn = await freshServerDatabase(serverUrl);
  }
  await migrate(conn);
  setConnection(conn);
  return conn;
}

/** A new, empty database on `serverUrl`'s server, dropped on close. */
async function freshServerDatabase(serverUrl: string): Promise<Connection & { url: string }> {
  const name = `steward_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const inner = openPostgres(url, { max: 20 });
  return {
    ...inner,
    url,
    async close() {
      await inner.close();
      const admin2 = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin2.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin2.end();
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The PostgreSQL server for tests that need what only a server has (transactions that truly run
 * at once and wait on each other's locks; real roles for the connector): DATABASE_URL's server,
 * else STEWARD_TARGET_PG_URL's, else the local default. CI runs one.
 */
export const PG_SERVER_URL =
  process.env.DATABASE_URL ?? process.env.STEWARD_TARGET_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** `STEWARD_SKIP_PG=1`: skip the tests that need a PostgreSQL server (and say so), rather than fail them. */
export const SKIP_PG = process.env.STEWARD_SKIP_PG === "1";

/**
 * Whether this file's server tests run: true when the server answers; false (with a warning no
 * one can miss) only under STEWARD_SKIP_PG=1; and when no server answers without it, the file
 * fails saying how to fix it — a laptop without PostgreSQL does not get a green run that never
 * ran them. Call it at the top of the file and gate with `describe.runIf(…)`.
 */
export async function pgServerTests(file: string, url = PG_SERVER_URL): Promise<boolean> {
  const where = redact(url);
  if (SKIP_PG) {
    console.warn(
      `\n*** ${file}: STEWARD_SKIP_PG=1, so the tests that need a PostgreSQL server (${where}) are SKIPPED: they prove nothing on this run. ***\n`,
    );
    return false;
  }
  const probe = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await probe`SELECT 1`;
    return true;
  } catch (e) {
    throw new Error(
      `${file} needs a PostgreSQL server and none answers at ${where} (${(e as Error).message}). ` +
        `Start one (or point DATABASE_URL / STEWARD_TARGET_PG_URL at one), or set STEWARD_SKIP_PG=1 to skip these tests knowingly.`,
    );
  } finally {
    await probe.end({ timeout: 1 });
  }
}

/**
 * A fresh, migrated database on the PostgreSQL server (PG_SERVER_URL's), whatever DATABASE_URL
 * says: for tests whose point is real concurrency, which the embedded database (one transaction
 * at a time) cannot exercise. Dropped on close. Gate the file with `pgServerTests` first.
 */
export async function createServerTestDatabase(): Promise<Connection & { url: string }> {
  const conn = await freshServerDatabase(PG_SERVER_URL);
  await migrate(conn);
  setConnection(conn);
  return conn;
}

/** A connection URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(an unparsable URL)";
  }
}
