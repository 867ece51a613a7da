import "server-only";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";
import { acquireDataDirLock } from "./lock";

export type Schema = typeof schema;
/** Either driver's database, or a transaction of it (a transaction is a database too). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = "embedded" | "postgres";

export type Connection = {
  db: Database;
  kind: DatabaseKind;
  /** The raw driver, for what Drizzle does not cover (COPY, LISTEN, pg-boss). */
  client: PGlite | postgres.Sql;
  close(): Promise<void>;
};

export const MIGRATIONS_FOLDER = path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.STEWARD_DATA_DIR ?? ".steward");
}

export function databaseKind(): DatabaseKind {
  return process.env.DATABASE_URL ? "postgres" : "embedded";
}

/** Opens a PGlite database: in memory when `dir` is undefined (tests), else on disk. */
export function openEmbedded(dir?: string): Connection {
  let release = () => {};
  let client: PGlite;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    release = acquireDataDirLock(dir);
    client = new PGlite(path.join(dir, "pgdata"), { extensions: { pg_trgm } });
  } else {
    client = new PGlite({ extensions: { pg_trgm } });
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "embedded",
    client,
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        release();
      }
    },
  };
}

const envInt = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/**
 * Limits of the app server's pool, so a slow statement or a forgotten transaction cannot hold a
 * connection for ever: PostgreSQL ends a statement after `statement_timeout` and a session left
 * idle inside a transaction after `idle_in_transaction_session_timeout`; postgres.js closes
 * connections idle for `idle_timeout` seconds and replaces each after `max_lifetime`. The command
 * line (migrations, seeding a million rows, benchmarks) opens its own pool without them.
 */
export function appPoolLimits(): PoolLimits {
  return {
    idle_timeout: 60,
    max_lifetime: 30 * 60,
    connection: {
      statement_timeout: String(envInt("DATABASE_STATEMENT_TIMEOUT_MS", 60_000)),
      idle_in_transaction_session_timeout: String(envInt("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000)),
    },
  };
}

/**
 * The CSV export's own sessions: a separate small pool, so exports read by slow clients hold these
 * connections and never the app's. A batch of the export's cursor may run longer than an app
 * statement, but not for ever; the export itself ends a reader that stalls (lib/identities/export.ts).
 */
export function exportPoolLimits(): PoolLimits & { max: number } {
  return {
    max: envInt("DATABASE_EXPORT_POOL_MAX", 4),
    idle_timeout: 30,
    max_lifetime: 60 * 60,
    connection: {
      statement_timeout: String(envInt("DATABASE_EXPORT_STATEMENT_TIMEOUT_MS", 5 * 60_000)),
      idle_in_transaction_session_timeout: String(envInt("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000)),
      application_name: "steward-export",
    },
  };
}

export type PoolLimits = { idle_timeout?: number; max_lifetime?: number; connection?: Record<string, string> };

// The export pool of each database opened by openPostgres, made on first use.
const exportPools = new WeakMap<object, { get(): postgres.Sql; end(): Promise<void> }>();

export function openPostgres(url: string, options: { max?: number; limits?: PoolLimits } = {}): Connection {
  const client = postgres(url, {
    max: options.max ?? Number(process.env.DATABASE_POOL_MAX ?? 10),
    onnotice: () => {},
    ...options.limits,
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  let exportClient: postgres.Sql | null = null;
  const exportPool = {
    get: () => (exportClient ??= postgres(url, { ...exportPoolLimits(), onnotice: () => {} })),
    end: async () => void (await exportClient?.end({ timeout: 5 })),
  };
  exportPools.set(db, exportPool);
  return {
    db,
    kind: "postgres",
    client,
    close: async () => {
      await exportPool.end();
      await client.end({ timeout: 5 });
    },
  };
}

/** The export pool of a PostgreSQL database, or null (the embedded database, a transaction). */
export function exportClientOf(db: Database): postgres.Sql | null {
  return exportPools.get(db)?.get() ?? null;
}

/** Opens the configured database: DATABASE_URL if set, else the embedded folder. */
export function openConfigured(options: { limits?: PoolLimits } = {}): Connection {
  const url = process.env.DATABASE_URL;
  return url ? openPostgres(url, options) : openEmbedded(dataDir());
}

export async function migrate(conn: Connection): Promise<void> {
  if (conn.kind === "embedded") {
    await migratePglite(conn.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    await migratePostgres(conn.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

// One connection per process, cached on globalThis so dev reloads and route bundles share it.
const cache = globalThis as unknown as { __stewardConnection?: Connection };

export function getConnection(): Connection {
  cache.__stewardConnection ??= openConfigured({ limits: appPoolLimits() });
  return cache.__stewardConnection;
}

export function getDb(): Database {
  return getConnection().db;
}

/** Replaces the process's connection (tests use an isolated database per file). */
export function setConnection(conn: Connection | undefined): void {
  cache.__stewardConnection = conn;
}

/**
 * Runs raw SQL and returns its rows, whichever driver is underneath, as the driver gives them
 * (snake_case keys; timestamps a Date or a string). A read of rows goes through the query builder
 * or db/columns.ts `readRows` (typed and decoded from the schema's column sets), not a cast here.
 */
export async function queryRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * The postgres.js client under `db`, or null on the embedded database (and for a transaction,
 * which must keep to its own connection): for what only the server driver does, such as
 * prepared statements and cursors.
 */
export function postgresClientOf(db: Database): postgres.Sql | null {
  const client = (db as unknown as { $client?: unknown }).$client;
  return typeof client === "function" && "unsafe" in client ? (client as postgres.Sql) : null;
}
