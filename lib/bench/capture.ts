import "server-only";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Exec } from "@/lib/identities";

/**
 * Records the statements an app function runs (through an Exec) so the benchmark can replay the
 * very same SQL bare, on one raw connection: the floor that the app's time is measured against.
 */
export type Statement = { text: string; params: unknown[] };

const dialect = new PgDialect();

export function compile(q: SQL): Statement {
  const { sql, params } = dialect.sqlToQuery(q);
  return { text: sql, params };
}

/** The SQL with its values written in as literals: for COPY, which takes no parameters. */
export function compileInline(q: SQL): string {
  return dialect.sqlToQuery(q.inlineParams()).sql;
}

export function recordingExec(inner: Exec, into: Statement[]): Exec {
  const exec: Exec = async <T>(q: SQL) => {
    into.push(compile(q));
    return inner<T>(q);
  };
  exec.key = inner.key; // shares the app's per-database caches, so it records what the app runs
  return exec;
}

/** Runs recorded statements one after another on `client` (a pool of one), as prepared statements. */
export async function replay(client: postgres.Sql, statements: readonly Statement[]): Promise<number> {
  let rows = 0;
  for (const s of statements)
    rows += (await client.unsafe(s.text, s.params as postgres.ParameterOrJSON<never>[], { prepare: true })).length;
  return rows;
}
