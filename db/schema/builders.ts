import type { BuildExtraConfigColumns } from "drizzle-orm";
import {
  pgTable,
  timestamp,
  uuid,
  type AnyPgColumn,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
  type UpdateDeleteAction,
} from "drizzle-orm/pg-core";

// The column builders every table uses, written once (the SQL they produce is unchanged).

/** Every timestamp: with time zone, millisecond precision (what a Date holds). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** Every table's key: a random uuid. */
export const id = () => uuid("id").primaryKey().defaultRandom();

/** A uuid that points at another table's key (`.notNull()` where it must): `ref("owner_id", () => users.id)`. */
export const ref = (name: string, target: () => AnyPgColumn, onDelete?: UpdateDeleteAction) =>
  uuid(name).references(target, onDelete && { onDelete });

type Keyed<C> = { id: ReturnType<typeof id> } & C;

/** `pgTable` with the key `id` (a random uuid) as its first column, so a table lists only its own columns. */
export const table = <N extends string, C extends Record<string, PgColumnBuilderBase>>(
  name: N,
  columns: C,
  extra?: (self: BuildExtraConfigColumns<N, Keyed<C>, "pg">) => PgTableExtraConfigValue[],
) => pgTable<N, Keyed<C>>(name, { id: id(), ...columns }, extra);
