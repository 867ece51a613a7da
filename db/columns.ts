import "server-only";
import { Column, getTableColumns, getTableName, is, SQL, sql, type Table } from "drizzle-orm";
import type { SelectResultFields } from "drizzle-orm/query-builders/select.types";
import { queryRows, type Database } from "./index";
import {
  approvalStages,
  auditEvents,
  campaigns,
  entitlements,
  identities,
  notifications,
  policyExceptions,
  requests,
  reviewItems,
  revocations,
  settings,
  stageDecisions,
  systems,
  teams,
  users,
} from "./schema";

/**
 * Column sets: what a read of each table selects, typed once from the Drizzle schema. A column set
 * is a plain object of columns (or `sql<T>` expressions), so the query builder takes it as is
 * (`db.select(identityAccessColumns).from(identities)`) and `RowOf` gives the row it returns.
 * Raw SQL that the builder cannot express selects a column set too (`readRows` below), so its rows
 * are typed and decoded the same way (camelCase keys, Date, parsed JSON), never cast.
 */
export type ColumnSet = Record<string, Column | SQL | SQL.Aliased>;
/** The row a column set reads, as the query builder returns it. */
export type RowOf<C extends ColumnSet> = SelectResultFields<C>;

/** The named columns of a column set (keeps each column's type). */
export function pick<C extends ColumnSet, K extends keyof C>(columns: C, ...keys: K[]): Pick<C, K> {
  return Object.fromEntries(keys.map((k) => [k, columns[k]])) as Pick<C, K>;
}

/** Every column of each of the tables, in their order. */
const columnsOf = <T extends readonly Table[]>(...tables: T) =>
  tables.map((t) => getTableColumns(t)) as { [K in keyof T]: T[K]["_"]["columns"] };

// Every column of each table that is read, by area.
export const [identityColumns, entitlementColumns] = columnsOf(identities, entitlements);
export const [systemColumns, personColumns, teamColumns] = columnsOf(systems, users, teams);
export const [requestColumns, stageColumns, stageDecisionColumns, policyExceptionColumns] = columnsOf(
  requests,
  approvalStages,
  stageDecisions,
  policyExceptions,
);
export const [revocationColumns, auditEventColumns, settingColumns] = columnsOf(revocations, auditEvents, settings);
export const [campaignColumns, reviewItemColumns, notificationColumns] = columnsOf(
  campaigns,
  reviewItems,
  notifications,
);

// The rows other modules name (the rest are read through column sets and `RowOf`).
export type PersonRow = typeof users.$inferSelect;
export type RevocationRow = typeof revocations.$inferSelect;

/** What every identity rule reads to know how the actor stands to the identity (lib/identities/access.ts). */
export const identityAccessColumns = pick(identityColumns, "id", "ownerId", "backupOwnerId", "teamId", "status");
export type IdentityAccess = RowOf<typeof identityAccessColumns>;

/** The select list of a column set for raw SQL: each column `AS` its key. */
export function selectList(columns: ColumnSet): SQL {
  return sql.join(
    Object.entries(columns).map(([key, column]) => sql`${column} AS ${sql.identifier(key)}`),
    sql`, `,
  );
}

function decode(column: Column | SQL | SQL.Aliased, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (is(column, Column)) return column.mapFromDriverValue(value);
  // `sql<T>` expressions decode with what `.mapWith()` set (the query builder reads the same field).
  const expression = (is(column, SQL) ? column : column.sql) as unknown as {
    decoder: { mapFromDriverValue(v: unknown): unknown };
  };
  return expression.decoder.mapFromDriverValue(value);
}

/**
 * Runs raw SQL whose select list is `selectList(columns)` and returns its rows decoded by the
 * columns, as the query builder would: for the statements the builder cannot write (recursive
 * CTEs, INSERT … SELECT, set-based UPDATE … FROM with RETURNING of joined values).
 */
export async function readRows<C extends ColumnSet>(db: Database, columns: C, query: SQL): Promise<RowOf<C>[]> {
  const rows = await queryRows<Record<string, unknown>>(db, query);
  const entries = Object.entries(columns);
  return rows.map((raw) =>
    Object.fromEntries(entries.map(([key, column]) => [key, decode(column, raw[key])])),
  ) as RowOf<C>[];
}

/**
 * The distinct values of an indexed column, read by a loose index scan: one index probe a value
 * rather than a scan of every row (for filter pickers over a large table).
 */
export async function distinctValues<T extends Column>(
  db: Database,
  column: T,
): Promise<NonNullable<T["_"]["data"]>[]> {
  const table = sql.identifier(getTableName(column.table));
  const c = sql.identifier(column.name);
  const rows = await readRows(
    db,
    { value: column },
    sql`WITH RECURSIVE d AS (
          (SELECT ${c} AS v FROM ${table} WHERE ${c} IS NOT NULL ORDER BY ${c} LIMIT 1)
          UNION ALL
          SELECT (SELECT ${c} FROM ${table} WHERE ${c} > d.v ORDER BY ${c} LIMIT 1) FROM d WHERE d.v IS NOT NULL
        ) SELECT v AS value FROM d WHERE v IS NOT NULL`,
  );
  return rows.map((r) => r.value as NonNullable<T["_"]["data"]>);
}

/** Whether a statement returns any row: for existence checks, which need no row type. */
export async function hasRows(db: Database, query: SQL): Promise<boolean> {
  return (await queryRows<unknown>(db, query)).length > 0;
}
