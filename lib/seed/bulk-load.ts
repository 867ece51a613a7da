import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { raw } from "./sql-util";

type Deferred = { drop: string; create: string; what: string };

/**
 * pg_restore's trick, inside the seed's transaction: drop the secondary indexes and the foreign
 * keys of `tables`, run `load`, then recreate them from the definitions the catalog gave
 * (pg_get_indexdef / pg_get_constraintdef, so names and definitions come back exactly as the
 * migrations made them). Building an index once over a million rows is several times cheaper
 * than maintaining it row by row, and one validating join replaces a foreign-key trigger per row.
 * Primary keys stay (other tables reference them). DDL is transactional: if anything fails the
 * transaction rolls back and the indexes were never gone for anyone else; meanwhile the tables
 * are locked, which is fine for a database being seeded.
 */
export async function withIndexesDeferred<T>(
  tx: Database,
  tables: readonly string[],
  log: (s: string) => void,
  load: () => Promise<T>,
): Promise<T> {
  const list = sql.join(
    tables.map((t) => sql`${t}`),
    sql`, `,
  );
  const indexes = await queryRows<Deferred>(
    tx,
    sql`SELECT format('DROP INDEX %I.%I', n.nspname, i.relname) AS drop, pg_get_indexdef(i.oid) AS create, i.relname AS what
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() AND t.relname IN (${list})
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY t.relname, i.relname`,
  );
  const foreignKeys = await queryRows<Deferred>(
    tx,
    sql`SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname, t.relname, c.conname) AS drop,
        format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', n.nspname, t.relname, c.conname, pg_get_constraintdef(c.oid)) AS create,
        c.conname AS what
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname IN (${list})
      ORDER BY t.relname, c.conname`,
  );
  for (const d of [...foreignKeys, ...indexes]) await tx.execute(raw(d.drop));
  const result = await load();
  // More memory makes the GIN (trigram) builds much faster; LOCAL ends with the transaction.
  await tx.execute(sql`SET LOCAL maintenance_work_mem = '256MB'`);
  const t0 = performance.now();
  const timings: string[] = [];
  for (const d of indexes) {
    const ti = performance.now();
    await tx.execute(raw(d.create));
    timings.push(`${d.what} ${((performance.now() - ti) / 1000).toFixed(1)} s`);
  }
  const t1 = performance.now();
  for (const d of foreignKeys) await tx.execute(raw(d.create));
  log(
    `seed: rebuilt ${indexes.length} indexes in ${((t1 - t0) / 1000).toFixed(1)} s, re-validated ${foreignKeys.length} foreign keys in ${((performance.now() - t1) / 1000).toFixed(1)} s (${timings.join(", ")})`,
  );
  return result;
}
