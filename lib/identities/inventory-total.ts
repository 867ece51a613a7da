import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Exec } from "./inventory";

/**
 * How many identities match, without COUNT(*) over a million rows on every page view:
 * - the planner's estimate first (EXPLAIN, no rows read);
 * - a small estimate is confirmed by an exact count that stops after EXACT_UP_TO + 1 rows;
 * - a large one is measured on a random sample of the table's pages (TABLESAMPLE SYSTEM),
 *   scaled up and shown as an estimate.
 */
export type Total =
  | { kind: "exact"; value: number }
  | { kind: "estimate"; value: number }
  | { kind: "atLeast"; value: number }
  | { kind: "unknown" };

export const EXACT_UP_TO = 10_000;
// A sample of about this many rows puts a match of 1% or more within about 10%; rarer ones are counted exactly below.
const SAMPLE_ROWS = 10_000;

export async function countMatches(exec: Exec, where: SQL[]): Promise<Total> {
  const whereClause = where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``;
  const tableRows = await estateSize(exec);

  let estimate = tableRows;
  if (where.length) {
    const [plan] = await exec<{ "QUERY PLAN": unknown }>(
      sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM identities i ${whereClause}`,
    );
    estimate = planRows(plan?.["QUERY PLAN"]);
  }

  // The planner's guess decides which way to count; each way checks the guess it was given.
  if (estimate <= EXACT_UP_TO || tableRows < SAMPLE_ROWS * 5) {
    const [row] = await exec<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM identities i ${whereClause} LIMIT ${EXACT_UP_TO + 1}) c`,
    );
    const n = Number(row?.n ?? 0);
    if (n <= EXACT_UP_TO) return { kind: "exact", value: n };
    if (tableRows < SAMPLE_ROWS * 5) return { kind: "atLeast", value: EXACT_UP_TO };
  }
  if (!where.length) return { kind: "estimate", value: roundEstimate(Math.round(tableRows)) };

  const percent = Math.min(100, (SAMPLE_ROWS / tableRows) * 100);
  const [sample] = await exec<{ n: number | string }>(
    sql`SELECT count(*) AS n FROM identities i TABLESAMPLE SYSTEM (${sql.raw(percent.toFixed(4))}) REPEATABLE (7) ${whereClause}`,
  );
  const scaled = Math.round((Number(sample?.n ?? 0) * 100) / percent);
  // A sample that caught almost nothing says "rare", not "none": fall back to the bounded count.
  if (scaled <= EXACT_UP_TO) {
    const [row] = await exec<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM identities i ${whereClause} LIMIT ${EXACT_UP_TO + 1}) c`,
    );
    const n = Number(row?.n ?? 0);
    return n <= EXACT_UP_TO ? { kind: "exact", value: n } : { kind: "atLeast", value: EXACT_UP_TO };
  }
  return { kind: "estimate", value: roundEstimate(scaled) };
}

// The planner's idea of the table's size moves only when Postgres analyzes it; asking once every
// few seconds per executor saves a round trip on every page view of a large estate.
const SIZE_TTL_MS = 10_000;
const sizes = new WeakMap<object, { at: number; rows: number }>();

async function estateSize(exec: Exec): Promise<number> {
  const key = exec.key ?? exec;
  const cached = sizes.get(key);
  if (cached && Date.now() - cached.at < SIZE_TTL_MS) return cached.rows;
  const [stats] = await exec<{ reltuples: number | string }>(
    sql`SELECT reltuples FROM pg_class WHERE oid = 'identities'::regclass`,
  );
  const rows = Math.max(0, Number(stats?.reltuples ?? 0));
  sizes.set(key, { at: Date.now(), rows });
  return rows;
}

function planRows(plan: unknown): number {
  const parsed = typeof plan === "string" ? JSON.parse(plan) : plan;
  const root = Array.isArray(parsed) ? parsed[0]?.Plan : undefined;
  return Number(root?.["Plan Rows"] ?? 0);
}

/** Two significant figures: an estimate should not look more precise than it is. */
export function roundEstimate(n: number): number {
  if (n < 100) return n;
  const p = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.round(n / p) * p;
}
