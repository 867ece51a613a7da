import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import { postgresClientOf, queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import type { DerivedState } from "./derived-states";
import { sortDir, type InventoryFilter, type SortKey } from "./inventory-filter";
import {
  cursorOf,
  decodeCursor,
  encodeCursor,
  pageQueries,
  searchesMatchFirst,
  SORTS,
  statesSql,
  whereSql,
} from "./inventory-query";
import { RISK_FACTOR_BY_KEY } from "./risk";
import { countMatches, type Total } from "./inventory-total";
import { isoOrNull } from "@/lib/format";

export type InventoryRow = {
  id: string;
  name: string;
  kind: string;
  systemId: string;
  systemName: string;
  environment: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerDeparted: boolean;
  backupOwnerId: string | null;
  teamId: string | null;
  teamName: string | null;
  purpose: string | null;
  status: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  nextReviewAt: string | null;
  riskScore: number;
  riskTop: { key: string; label: string; owasp: string } | null;
  privileged: boolean;
  states: DerivedState[];
};

export type InventoryPage = {
  rows: InventoryRow[];
  nextCursor: string | null;
  prevCursor: string | null;
  total: Total;
};

type RawRow = {
  id: string;
  name: string;
  kind: string;
  system_id: string;
  system_name: string;
  environment: string;
  owner_id: string | null;
  owner_name: string | null;
  owner_status: string | null;
  backup_owner_id: string | null;
  team_id: string | null;
  team_name: string | null;
  purpose: string | null;
  status: string;
  created_at: Date | string;
  expires_at: Date | string | null;
  last_used_at: Date | string | null;
  next_review_at: Date | string | null;
  risk_score: number;
  risk_factors: string[] | string;
  privileged: boolean;
  states: string[] | string;
  sort_value: unknown;
};

/** The page's select around a keyset walk `inner`: joins and badges for the page's rows only. */
export function pageSelect(at: Date, f: Pick<InventoryFilter, "idle" | "within">, sort: SortKey) {
  return (inner: SQL, order: SQL) => sql`
    SELECT i.id, i.name, i.kind, i.system_id, s.name AS system_name, i.environment, i.owner_id, o.name AS owner_name, o.status AS owner_status,
      i.backup_owner_id, i.team_id, t.name AS team_name, i.purpose, i.status, i.created_at, i.expires_at, i.last_used_at, i.next_review_at,
      i.risk_score, i.risk_factors,
      EXISTS (SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.privileged AND e.status = 'active') AS privileged,
      ${statesSql(at, f, sql`o.status`)} AS states, ${sortValueSql(sort)} AS sort_value
    FROM (${inner}) i
    JOIN systems s ON s.id = i.system_id
    LEFT JOIN users o ON o.id = i.owner_id
    LEFT JOIN teams t ON t.id = i.team_id
    ORDER BY ${order}`;
}

/**
 * The sort column as the cursor stores it. Instants are written as ISO text by Postgres itself:
 * the drivers hand timestamps back differently (a Date from one, "2026-01-02 03:04:05.6+00" from
 * the other), and a cursor must read the same whichever produced it.
 */
function sortValueSql(sort: SortKey): SQL {
  const col = sql.raw(`i.${SORTS[sort].column}`);
  return SORTS[sort].cast === "timestamptz"
    ? sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : col;
}

/** Runs SQL and returns rows. `key` identifies the database it runs on, for per-database caches. */
export type Exec = (<T>(q: SQL) => Promise<T[]>) & { key?: object };

const dialect = new PgDialect();

/**
 * Runs inventory SQL on `db`. On PostgreSQL the statements run prepared (postgres.js keeps them
 * per connection, by text): the inventory's statements are few shapes run often, and for the
 * small views (a member's, a manager's) planning costs more than executing.
 */
export const drizzleExec = (db: Database): Exec => {
  const pg = postgresClientOf(db);
  const exec: Exec = pg
    ? async <T>(q: SQL) => {
        const { sql: text, params } = dialect.sqlToQuery(q);
        return (await pg.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
          prepare: true,
        })) as unknown as T[];
      }
    : (q) => queryRows(db, q);
  exec.key = db;
  return exec;
};

/**
 * Runs the keyset queries of one page with `exec` and returns the rows in display order plus
 * whether more rows follow in the walking direction. Shared by the page, the export and the bench.
 */
export async function walkPage<T extends { id: string; sort_value: unknown } = RawRow>(
  exec: Exec,
  actor: Actor,
  f: InventoryFilter,
  at: Date,
  size: number,
  cursorToken: string | undefined,
  backwards: boolean,
  field: "after" | "before" = "after",
  /** Reshapes the page's select (the export turns each row into a CSV line); it must keep id and sort_value. */
  wrap: (page: SQL) => SQL = (page) => page,
): Promise<{ rows: T[]; more: boolean }> {
  const dir = sortDir(f);
  const walkDir = backwards ? (dir === "asc" ? "desc" : "asc") : dir;
  const cursor = cursorToken ? decodeCursor(cursorToken, f.sort, field) : null;
  const where = whereSql(actor, f, at);
  const select = pageSelect(at, f, f.sort);
  const rows: T[] = [];
  for (const q of pageQueries(where, f.sort, walkDir, cursor, size + 1, (inner, order) => wrap(select(inner, order)), {
    matchFirst: searchesMatchFirst(f),
  })) {
    rows.push(...(await exec<T>(q.sql)));
    if (rows.length > size) break;
  }
  const more = rows.length > size;
  const page = rows.slice(0, size);
  if (backwards) page.reverse();
  return { rows: page, more };
}

/**
 * One page of the inventory as the actor may see it: keyset pagination in both directions and
 * the total (exact when small, an estimate marked as such when large).
 */
export async function listIdentities(
  db: Database,
  actor: Actor,
  f: InventoryFilter,
  opts: { withTotal?: boolean } = {},
): Promise<InventoryPage> {
  return listIdentitiesWith(drizzleExec(db), actor, f, opts);
}

/** listIdentities over any executor: the benchmark records the SQL it runs to replay it bare. */
export async function listIdentitiesWith(
  exec: Exec,
  actor: Actor,
  f: InventoryFilter,
  opts: { withTotal?: boolean; at?: Date } = {},
): Promise<InventoryPage> {
  const at = opts.at ?? now();
  const backwards = f.before !== undefined && f.after === undefined;
  const walk = await walkPage(
    exec,
    actor,
    f,
    at,
    f.size,
    backwards ? f.before : f.after,
    backwards,
    backwards ? "before" : "after",
  );
  const rows = walk.rows;
  // A first page that holds every match is its own exact total (a member's or a manager's view,
  // a narrow filter): counting would only read the same rows again.
  const total: Total =
    opts.withTotal === false
      ? { kind: "unknown" }
      : !f.after && !f.before && !walk.more
        ? { kind: "exact", value: rows.length }
        : await countMatches(exec, whereSql(actor, f, at));
  const first = rows[0];
  const last = rows.at(-1);
  const atStart = !f.after && !f.before;
  const key = (r: RawRow) => encodeCursor(cursorOf(f.sort, { id: r.id, sortValue: r.sort_value }));
  return {
    rows: rows.map(toRow),
    nextCursor: last && (backwards || walk.more) ? key(last) : null,
    prevCursor: first && !atStart && (!backwards || walk.more) ? key(first) : null,
    total,
  };
}

const iso = isoOrNull;

/** Postgres arrays arrive parsed from postgres.js and as text ("{a,b}") from some paths. */
export function pgArray(v: string[] | string | null): string[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, "");
  return inner ? inner.split(",").map((s) => s.replace(/^"|"$/g, "")) : [];
}

export function toRow(r: RawRow): InventoryRow {
  const factors = pgArray(r.risk_factors);
  const top = factors[0] ? RISK_FACTOR_BY_KEY.get(factors[0]) : undefined;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    systemId: r.system_id,
    systemName: r.system_name,
    environment: r.environment,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    ownerDeparted: r.owner_status === "departed",
    backupOwnerId: r.backup_owner_id,
    teamId: r.team_id,
    teamName: r.team_name,
    purpose: r.purpose,
    status: r.status,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    lastUsedAt: iso(r.last_used_at),
    nextReviewAt: iso(r.next_review_at),
    riskScore: Number(r.risk_score),
    riskTop: top ? { key: top.key, label: top.label, owasp: top.owasp.id } : null,
    privileged: Boolean(r.privileged),
    states: pgArray(r.states) as DerivedState[],
  };
}

export type { RawRow };
