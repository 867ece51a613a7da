import "server-only";
import { asc, eq, inArray } from "drizzle-orm";
import type { PgColumn, PgTable, SelectedFields } from "drizzle-orm/pg-core";
import type { ColumnSet, RowOf } from "./columns";
import type { Database } from "./index";

/**
 * Row locks, taken one way: a rule reads what it decides on FOR UPDATE inside its transaction, so a
 * concurrent change waits for it and what it read is still true when it writes.
 */
type Keyed = PgTable & { id: PgColumn };
// The query builder's own selection type: a column set is one, and the row is typed by `RowOf<C>`.
const fields = (columns: ColumnSet) => columns as SelectedFields;

/**
 * One row by id, locked to the end of the transaction; undefined when there is none. `no key
 * update` is for a long holder that must not stop readers who only need the row to stay (FOR KEY
 * SHARE), while still excluding every other writer.
 */
export async function lockById<C extends ColumnSet>(
  tx: Database,
  table: Keyed,
  columns: C,
  id: string,
  strength: "update" | "no key update" = "update",
): Promise<RowOf<C> | undefined> {
  const [row] = await tx.select(fields(columns)).from(table).where(eq(table.id, id)).for(strength);
  return row as RowOf<C> | undefined;
}

/** Rows by id, locked in id order: a fixed order, so two bulk changes over the same rows cannot deadlock. */
export async function lockByIds<C extends ColumnSet>(
  tx: Database,
  table: Keyed,
  columns: C,
  ids: readonly string[],
): Promise<RowOf<C>[]> {
  if (!ids.length) return [];
  const rows = await tx
    .select(fields(columns))
    .from(table)
    .where(inArray(table.id, [...ids]))
    .orderBy(asc(table.id))
    .for("update");
  return rows as RowOf<C>[];
}
