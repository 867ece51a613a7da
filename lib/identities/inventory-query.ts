import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Actor } from "@/lib/auth";
import { decodeCursor as decodeToken, encodeCursor as encodeToken, idPart, instantPart } from "@/lib/paging";
import { text } from "@/lib/validation";
import { DERIVED_STATES } from "./derived-states";
import { derivedStatePredicate } from "./derived-states-sql";
import { sortDir, type InventoryFilter, type SortDir, type SortKey } from "./inventory-filter";
import { identityScopeSql } from "./scope";

/**
 * The inventory's SQL, built once and run by whoever needs it: the page (through Drizzle), the
 * CSV export (in batches) and the benchmark's floor (bare, on one connection). Every query is a
 * keyset walk of one index: `(sort column, id)` ranges, never OFFSET.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * "Holds an active privileged entitlement", probed per identity through the partial index.
 * OFFSET 0 keeps it a per-row probe: as a semi-join the planner would hash every privileged
 * entitlement in the estate (a quarter of a million rows) to answer for a page or a sample.
 */
export const PRIVILEGED_PROBE = sql`SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.privileged AND e.status = 'active' OFFSET 0`;

/**
 * What free-text search looks in: name, external id and purpose joined by chr(31), exactly the
 * expression of the identities_search_trgm index (db/schema/identities.ts), so one trigram bitmap
 * answers it. The separator cannot occur in a search term (searchTerm strips control characters),
 * so a match never spans two fields.
 */
export const SEARCH_HAYSTACK = sql`(i.name || chr(31) || coalesce(i.external_id, '') || chr(31) || coalesce(i.purpose, ''))`;

export const searchTerm = (q: string) => q.replace(/[\u0000-\u001f\u007f]/g, " ").trim();

/**
 * A search of three or more characters is answered match-first: the trigram index finds every
 * match, and the page is sorted from those. Walking the sort index and testing each row instead
 * looks cheap to the planner but is ruinous when the matches sit together far down the order
 * (every name containing "payments" sorts under p): 3.4 s against 0.5 s at a million rows.
 * Shorter terms have no trigram to look up, so they walk.
 */
export const searchesMatchFirst = (f: Pick<InventoryFilter, "q">) => searchTerm(f.q ?? "").length >= 3;

/** The filter's conditions plus the actor's scope, over `identities i`. */
export function whereSql(actor: Actor, f: InventoryFilter, at: Date): SQL[] {
  const scope = identityScopeSql(actor);
  return [...(scope ? [scope] : []), ...filterSql(actor, f, at)];
}

/** The filter's conditions alone, over `identities i` (`owner=me` is the actor). A review campaign's scope is one. */
export function filterSql(actor: Pick<Actor, "personId">, f: InventoryFilter, at: Date): SQL[] {
  const where: SQL[] = [];
  if (f.q) where.push(sql`${SEARCH_HAYSTACK} ILIKE ${`%${escapeLike(searchTerm(f.q))}%`}`);
  if (f.kind) where.push(sql`i.kind = ${f.kind}`);
  if (f.system) where.push(sql`i.system_id = ${f.system}::uuid`);
  if (f.env) where.push(sql`i.environment = ${f.env}`);
  if (f.status) where.push(sql`i.status = ${f.status}`);
  if (f.owner === "me") where.push(sql`i.owner_id = ${actor.personId}::uuid`);
  else if (f.owner === "none") where.push(sql`i.owner_id IS NULL`);
  else if (f.owner && UUID.test(f.owner)) where.push(sql`i.owner_id = ${f.owner}::uuid`);
  else if (f.owner) where.push(sql`i.owner_id IN (SELECT u.id FROM users u WHERE lower(u.email) = lower(${f.owner}))`);
  if (f.team && UUID.test(f.team)) where.push(sql`i.team_id = ${f.team}::uuid`);
  else if (f.team) where.push(sql`i.team_id IN (SELECT t.id FROM teams t WHERE lower(t.name) = lower(${f.team}))`);
  for (const state of f.state ?? [])
    where.push(derivedStatePredicate(state, at, { dormantDays: f.idle, expiringDays: f.within }));
  if (f.privileged === true) where.push(sql`EXISTS (${PRIVILEGED_PROBE})`);
  if (f.privileged === false) where.push(sql`NOT EXISTS (${PRIVILEGED_PROBE})`);
  if (f.riskMin !== undefined && f.riskMin > 0) where.push(sql`i.risk_score >= ${f.riskMin}`);
  return where;
}

type SortSpec = { column: string; cast: "text" | "timestamptz" | "int"; nulls: "none" | "low" | "high" };

// `nulls` says where NULL sorts in ascending order, matching the index: a missing expiry or
// review date is the far future (high), a never-used identity the oldest use (low).
export const SORTS: Record<SortKey, SortSpec> = {
  name: { column: "name", cast: "text", nulls: "none" },
  expires: { column: "expires_at", cast: "timestamptz", nulls: "high" },
  lastUsed: { column: "last_used_at", cast: "timestamptz", nulls: "low" },
  created: { column: "created_at", cast: "timestamptz", nulls: "none" },
  nextReview: { column: "next_review_at", cast: "timestamptz", nulls: "high" },
  risk: { column: "risk_score", cast: "int", nulls: "none" },
};

export type Cursor = { v: string | number | null; id: string };

// What a cursor's sort value must be for each kind of column, so it casts: an instant exactly as
// toISOString() writes it (Date.parse alone would accept "chat-worker-5" or "2026-02-30", which
// `::timestamptz` refuses), a smallint, or storable text; NULL only where the column has NULLs.
const CURSOR_VALUES = {
  text: text().max(1000),
  timestamptz: instantPart,
  int: z.number().int().min(-32_767).max(32_767),
} as const;

const cursorSchemas = Object.fromEntries(
  Object.entries(SORTS).map(([key, spec]) => {
    const value = CURSOR_VALUES[spec.cast];
    return [key, z.tuple([spec.nulls === "none" ? value : value.nullable(), idPart])];
  }),
) as unknown as Record<SortKey, z.ZodType<[string | number | null, string]>>;

/** The page token after (or before) a row: [sort value, id]. */
export function encodeCursor(c: Cursor): string {
  return encodeToken([c.v, c.id]);
}

/** Decodes and type-checks a cursor for `sort`; anything else is a clear `invalid`. */
export function decodeCursor(token: string, sort: SortKey, field: "after" | "before"): Cursor {
  const [v, id] = decodeToken(cursorSchemas[sort], token, field);
  return { v, id };
}

type Segment = "values" | "nulls";

/** The segments of the order, in walking order: NULLs form their own run at one end. */
function segments(spec: SortSpec, dir: SortDir): Segment[] {
  if (spec.nulls === "none") return ["values"];
  const nullsFirst = (spec.nulls === "low") === (dir === "asc");
  return nullsFirst ? ["nulls", "values"] : ["values", "nulls"];
}

function orderSql(spec: SortSpec, dir: SortDir, alias = "i"): SQL {
  const d = dir === "asc" ? sql.raw("ASC") : sql.raw("DESC");
  const nulls =
    spec.nulls === "none"
      ? sql.raw("")
      : sql.raw((spec.nulls === "low") === (dir === "asc") ? " NULLS FIRST" : " NULLS LAST");
  return sql`${sql.raw(`${alias}.${spec.column}`)} ${d}${nulls}, ${sql.raw(`${alias}.id`)} ${d}`;
}

function cursorValue(spec: SortSpec, v: string | number): SQL {
  return spec.cast === "int" ? sql`${v}::int` : spec.cast === "timestamptz" ? sql`${v}::timestamptz` : sql`${v}::text`;
}

export type PageQuery = { segment: Segment; sql: SQL };

/**
 * The keyset queries for one page, in order: run them until `limit` rows are in hand (the second
 * only runs when the first segment ends inside the page). Each selects the identity columns the
 * page shows, with the owner, team and system joined for the page's rows only.
 */
export function pageQueries(
  where: SQL[],
  sort: SortKey,
  dir: SortDir,
  cursor: Cursor | null,
  limit: number,
  select: (inner: SQL, order: SQL) => SQL,
  opts: { matchFirst?: boolean } = {},
): PageQuery[] {
  const spec = SORTS[sort];
  const col = sql.raw(`i.${spec.column}`);
  const segs = segments(spec, dir);
  const start = cursor ? segs.indexOf(cursor.v === null ? "nulls" : "values") : 0;
  const cmp = dir === "asc" ? sql.raw(">") : sql.raw("<");
  return segs.slice(Math.max(start, 0)).map((segment, i) => {
    const conds = [...where];
    if (spec.nulls !== "none") conds.push(segment === "nulls" ? sql`${col} IS NULL` : sql`${col} IS NOT NULL`);
    if (cursor && i === 0) {
      if (segment === "nulls") conds.push(sql`i.id ${cmp} ${cursor.id}::uuid`);
      else conds.push(sql`(${col}, i.id) ${cmp} (${cursorValue(spec, cursor.v!)}, ${cursor.id}::uuid)`);
    }
    const whereClause = conds.length ? sql`WHERE ${sql.join(conds, sql` AND `)}` : sql``;
    // MATERIALIZED keeps the planner from pushing ORDER BY … LIMIT into the scan (see searchesMatchFirst).
    const inner = opts.matchFirst
      ? sql`WITH m AS MATERIALIZED (SELECT i.* FROM identities i ${whereClause}) SELECT i.* FROM m i ORDER BY ${orderSql(spec, dir)} LIMIT ${limit}`
      : sql`SELECT i.* FROM identities i ${whereClause} ORDER BY ${orderSql(spec, dir)} LIMIT ${limit}`;
    return { segment, sql: select(inner, orderSql(spec, dir)) };
  });
}

/** The value of the sort column in a row, as the cursor stores it. */
export function cursorOf(sort: SortKey, row: { id: string; sortValue: unknown }): Cursor {
  const v = row.sortValue;
  if (v === null || v === undefined) return { v: null, id: row.id };
  if (v instanceof Date) return { v: v.toISOString(), id: row.id };
  if (SORTS[sort].cast === "int") return { v: Number(v), id: row.id };
  return { v: String(v), id: row.id };
}

/** Derived states of `identities i` as a text[] of keys, for the badges. */
export function statesSql(at: Date, f: Pick<InventoryFilter, "idle" | "within">, ownerStatus?: SQL): SQL {
  const items = DERIVED_STATES.map((s) => {
    // With the owner already joined, read its status there: the generic predicate's EXISTS
    // becomes a hashed scan of every person, which costs more than the rest of a page.
    const holds =
      s === "orphaned" && ownerStatus
        ? sql`(i.owner_id IS NULL OR ${ownerStatus} = 'departed')`
        : derivedStatePredicate(s, at, { dormantDays: f.idle, expiringDays: f.within });
    return sql`CASE WHEN ${holds} THEN ${s}::text END`;
  });
  return sql`array_remove(ARRAY[${sql.join(items, sql`, `)}], NULL)`;
}

export { sortDir };
