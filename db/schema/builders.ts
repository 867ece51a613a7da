import { timestamp, uuid } from "drizzle-orm/pg-core";

// The column builders every table uses, written once (the SQL they produce is unchanged).

/** Every timestamp: with time zone, millisecond precision (what a Date holds). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** Every table's key: a random uuid. */
export const id = () => uuid("id").primaryKey().defaultRandom();
