import "server-only";
import fs from "node:fs";
import path from "node:path";
import { inArray, sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER, type Connection } from "@/db";
import { hasRows, readRows, selectList } from "@/db/columns";
import { users } from "@/db/schema";
import { DataDirBusyError } from "@/db/lock";
import { DomainError } from "@/lib/errors";

/**
 * The CLI's answers to a database in the wrong state (missing, unreachable, not migrated, not
 * seeded, a folder another process holds): one line a person can act on, exit status 1, never a
 * stack trace. Commands check what they need before they start, so nothing is half done.
 */
export class CliStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliStateError";
  }
}

/** The newest migration the code ships (drizzle's journal), to compare with what the database applied. */
function latestMigration(): { count: number; when: number } {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: { when: number }[];
  };
  return { count: journal.entries.length, when: Math.max(0, ...journal.entries.map((e) => e.when)) };
}

/** Refuses a database that drizzle has not migrated, or not to the newest migration. */
export async function requireMigrated(conn: Connection): Promise<void> {
  const migrated = await hasRows(conn.db, sql`SELECT 1 WHERE to_regclass('drizzle.__drizzle_migrations') IS NOT NULL`);
  if (!migrated)
    throw new CliStateError(
      `The ${conn.kind === "embedded" ? "embedded" : "PostgreSQL"} database is not migrated: run \`steward db migrate\` first.`,
    );
  // drizzle's own bookkeeping table, outside the schema: read through a column set all the same.
  const appliedColumns = {
    n: sql<number>`count(*)::int`.mapWith(Number),
    last: sql<string | null>`max(created_at)::text`,
  };
  const [applied] = await readRows(
    conn.db,
    appliedColumns,
    sql`SELECT ${selectList(appliedColumns)} FROM drizzle.__drizzle_migrations`,
  );
  const latest = latestMigration();
  if (Number(applied?.last ?? 0) < latest.when) {
    throw new CliStateError(
      `The database has ${applied?.n ?? 0} of this version's ${latest.count} migrations: run \`steward db migrate\` first.`,
    );
  }
}

/** Refuses a database without the demo personas (the benchmarks act as them). */
export async function requireSeeded(conn: Connection, hint: string): Promise<void> {
  // Imported here, not at the top: the auth door brings Auth.js, which no other command needs.
  const { PERSONAS } = await import("@/lib/auth");
  const emails = PERSONAS.map((p) => p.email);
  const n = await conn.db.$count(users, inArray(users.email, emails));
  if (n < PERSONAS.length) throw new CliStateError(`The database has no demo data: ${hint}`);
}

/** Refuses an embedded folder that holds no database, rather than creating an empty one. */
export function requireEmbeddedFolder(dir: string): void {
  if (!fs.existsSync(path.join(dir, "pgdata"))) {
    throw new CliStateError(
      `There is no embedded database in ${dir}: run \`steward db migrate\` and \`steward db seed\` first, or set DATABASE_URL.`,
    );
  }
}

type ErrorLike = {
  message?: string;
  code?: string;
  address?: string;
  port?: number;
  hostname?: string;
  cause?: unknown;
  errors?: unknown[];
};

/** The error and every cause under it (drizzle wraps the driver's; node wraps connection attempts in AggregateError). */
function* chain(e: unknown, depth = 0): Generator<ErrorLike> {
  if (!e || typeof e !== "object" || depth > 8) return;
  const err = e as ErrorLike;
  yield err;
  if (Array.isArray(err.errors)) for (const inner of err.errors) yield* chain(inner, depth + 1);
  yield* chain(err.cause, depth + 1);
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name did not resolve",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  CONNECT_TIMEOUT: "timed out",
  ECONNRESET: "the connection was reset",
};

/**
 * The one line the CLI prints for a failure, and whether it is a known state (a person's to fix)
 * rather than a defect. Unknown failures still get one line; the stack is for STEWARD_DEBUG=1.
 */
export function describeFailure(e: unknown, where = "the PostgreSQL server"): { message: string; known: boolean } {
  for (const err of chain(e)) {
    if (err instanceof DomainError) {
      // A refusal names what was wrong with each input (an option, a value in a file).
      const fields = Object.entries(err.fieldErrors ?? {}).map(([k, m]) => `${k}: ${m.join(" ")}`);
      return { message: [err.message, ...fields].join(" "), known: true };
    }
    if (err instanceof CliStateError || err instanceof DataDirBusyError)
      return { message: err.message ?? "", known: true };
    const code = err.code ?? "";
    if (code in UNREACHABLE) {
      const at = err.address ? `${err.address}${err.port ? `:${err.port}` : ""}` : (err.hostname ?? "");
      return {
        message: `Cannot reach ${where}${at ? ` at ${at}` : ""} (${UNREACHABLE[code]}): is it running, and is the URL right?`,
        known: true,
      };
    }
    if (code === "3D000")
      return {
        message: `The ${firstLine(err.message)}: create it (createdb) or fix DATABASE_URL, then run \`steward db migrate\`.`,
        known: true,
      };
    if (code === "28P01" || code === "28000")
      return {
        message: `PostgreSQL refused the sign-in (${firstLine(err.message)}): check the user and password in the URL.`,
        known: true,
      };
    if (code === "42P01" || code === "3F000")
      return {
        message: `The database is not migrated (${firstLine(err.message)}): run \`steward db migrate\` first.`,
        known: true,
      };
  }
  const deepest = [...chain(e)].filter((x) => x.message).at(-1);
  return {
    message: `unexpected failure: ${firstLine(deepest?.message ?? String(e))} (set STEWARD_DEBUG=1 for the stack trace)`,
    known: false,
  };
}

const firstLine = (s: string | undefined) => (s ?? "").split("\n")[0]!.trim();
