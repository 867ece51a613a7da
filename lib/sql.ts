import { type SQL, sql } from "drizzle-orm";

/** Ids as a list of bound `uuid` parameters, for `… IN (${uuidList(ids)})` in raw SQL (the list must not be empty). */
export function uuidList(ids: readonly string[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
}
