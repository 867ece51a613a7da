import "server-only";
import { createHash } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";

/** Raw SQL text built from our own constants (the seed never interpolates user input). */
export const raw = (text: string): SQL => sql.raw(text);

/**
 * Deterministic ids: every seeded row's uuid is md5("<kind>:<seed>:<key>"), computed in SQL as
 * `md5('<kind>:<seed>:' || key)::uuid` and in TypeScript by `seedUuid` — the two agree, so the
 * set-based SQL can point at rows (owners, teams) by arithmetic instead of by lookup.
 */
export function seedUuid(kind: string, seed: number, key: string | number): string {
  const hex = createHash("md5").update(`${kind}:${seed}:${key}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The SQL twin of `seedUuid`; `keyExpr` is a SQL expression (e.g. a generate_series column). */
export function sqlUuid(kind: string, seed: number, keyExpr: string): string {
  return `md5('${kind}:${seed}:' || ${keyExpr})::uuid`;
}

/** A quoted SQL string literal (our own constants only, never user input). */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A constant array literal, 1-based in SQL: `arr[idx + 1]` for a 0-based idx. */
export function sqlArray(values: readonly (string | number | null)[], type: string): string {
  const items = values.map((v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : lit(v)));
  return `(ARRAY[${items.join(",")}]::${type}[])`;
}

export function timestampLit(d: Date): string {
  return `'${d.toISOString()}'::timestamptz`;
}

/** Bytes `from..from+count-1` of a bytea column as one big-endian integer (0 … 2^(8·count) − 1). */
export function bytesInt(col: string, from: number, count: 1 | 2 | 3): string {
  const parts: string[] = [];
  for (let b = 0; b < count; b++) {
    const shift = 8 * (count - 1 - b);
    parts.push(shift ? `(get_byte(${col}, ${from + b}) << ${shift})` : `get_byte(${col}, ${from + b})`);
  }
  return count === 1 ? parts[0]! : `(${parts.join(" | ")})`;
}

/** Weighted slots: [["a", 3], ["b", 1]] → [0, 0, 0, 1] (indexes into the value list). */
export function slots(weights: readonly (readonly [number, number])[]): number[] {
  return weights.flatMap(([index, weight]) => Array.from({ length: weight }, () => index));
}
