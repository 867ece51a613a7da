import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type postgres from "postgres";
import type { Database } from "@/db";
import { record } from "@/lib/audit";
import { auditActor, type Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { tooMany } from "@/lib/errors";
import { EXPORTS_AT_ONCE, takeExportSlot } from "./export-slots";
import { drizzleExec, pageSelect, walkPage } from "./inventory";
import { inventoryParams, sortDir, type InventoryFilter } from "./inventory-filter";
import { cursorOf, encodeCursor, pageQueries, searchesMatchFirst, whereSql } from "./inventory-query";

/**
 * CSV of everything the filter matches for this actor (not just one page), streamed: keyset
 * batches are read only as fast as the client takes them, so memory stays flat at any size.
 * The export is audited before the first byte leaves, with the filter that defines it.
 *
 * Postgres writes each CSV line itself (csvLinesSql): a batch arrives as one text per row, where
 * building the lines in JavaScript from twenty parsed columns per row cost three times COPY. On
 * PostgreSQL the rows come through one cursor (cursorBatches) on the export's own session (a
 * separate pool, db/index.ts exportPoolLimits), elsewhere in keyset batches.
 */
export const CSV_COLUMNS = [
  "id",
  "name",
  "kind",
  "system",
  "environment",
  "owner",
  "owner_departed",
  "team",
  "purpose",
  "status",
  "created_at",
  "expires_at",
  "last_used_at",
  "next_review_at",
  "risk_score",
  "risk_top_factor",
  "privileged",
  "states",
] as const;

export const EXPORT_BATCH = 5_000;

/**
 * One CSV field from a free-text expression: empty for NULL; quoted when it holds a comma, quote
 * or line break; and a value starting with =, +, -, @, tab or CR is prefixed with ' and quoted,
 * so a spreadsheet shows it instead of running it as a formula (CSV injection). strpos and left,
 * not regular expressions: this runs for every text field of every exported row.
 */
function csvText(v: SQL): SQL {
  return sql`CASE WHEN ${v} IS NULL THEN ''
    WHEN left(${v}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '"''' || replace(${v}, '"', '""') || '"'
    WHEN strpos(${v}, ',') + strpos(${v}, '"') + strpos(${v}, chr(10)) + strpos(${v}, chr(13)) > 0 THEN '"' || replace(${v}, '"', '""') || '"'
    ELSE ${v} END`;
}

/** A field that can never need quoting (ids, enum values, numbers, ISO instants, factor keys). */
const plain = (v: SQL) => sql`coalesce(${v}, '')`;
const instant = (col: string) =>
  plain(sql`to_char(${sql.raw(col)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const bool = (v: SQL) => sql`CASE WHEN ${v} THEN 'true' ELSE 'false' END`;

/** The CSV line of a page row `r` (inventory.ts pageSelect), in CSV_COLUMNS order. */
const CSV_LINE = sql.join(
  [
    plain(sql`r.id::text`),
    csvText(sql`r.name`),
    plain(sql`r.kind::text`),
    csvText(sql`r.system_name`),
    plain(sql`r.environment::text`),
    csvText(sql`r.owner_name`),
    bool(sql`r.owner_status = 'departed'`),
    csvText(sql`r.team_name`),
    csvText(sql`r.purpose`),
    plain(sql`r.status::text`),
    instant("r.created_at"),
    instant("r.expires_at"),
    instant("r.last_used_at"),
    instant("r.next_review_at"),
    plain(sql`r.risk_score::text`),
    plain(sql`r.risk_factors[1]`),
    bool(sql`r.privileged`),
    plain(sql`array_to_string(r.states, ' ')`),
  ],
  sql` || ',' || `,
);

export function csvLinesSql(page: SQL): SQL {
  return sql`SELECT r.id, r.sort_value, ${CSV_LINE} || E'\\n' AS line FROM (${page}) r`;
}

/** Just the lines, for a cursor that never needs to resume from a row. */
const csvOnlyLinesSql = (page: SQL): SQL => sql`SELECT ${CSV_LINE} || E'\\n' AS line FROM (${page}) r`;

/** A reader that takes nothing for this long is dropped (its session and slot are freed). */
export const EXPORT_STALL_MS = 2 * 60_000;
/** No export runs longer than this, however steadily it is read. */
export const EXPORT_MAX_MS = 30 * 60_000;

/**
 * The export of `f` for `actor`, as a stream the caller sends. Refused (`too_many`, nothing
 * audited) while the actor already has EXPORTS_AT_ONCE running (export-slots.ts); the slot, and on
 * PostgreSQL the export's own session, is held until the stream ends, is cancelled, or stalls.
 */
export async function exportIdentitiesCsv(
  db: Database,
  actor: Actor,
  f: InventoryFilter,
  opts: { batch?: number; stallMs?: number; maxMs?: number } = {},
): Promise<{ filename: string; stream: ReadableStream<Uint8Array> }> {
  const batch = opts.batch ?? EXPORT_BATCH;
  const at = now();
  const filter: InventoryFilter = { ...f, after: undefined, before: undefined };
  const slot = await takeExportSlot(db, actor.personId);
  if (!slot)
    throw tooMany(`You already have ${EXPORTS_AT_ONCE} exports running; wait for one to finish, then try again.`);
  try {
    await db.transaction((tx) =>
      record(tx, {
        actor: auditActor(actor),
        action: "identities.exported",
        after: { format: "csv", filter: inventoryParams(filter).toString() },
      }),
    );
  } catch (e) {
    await slot.release();
    throw e;
  }
  const batches = slot.session
    ? cursorBatches(slot.session, actor, filter, at, batch)
    : keysetBatches(db, actor, filter, at, batch);
  const encoder = new TextEncoder();
  const stallMs = opts.stallMs ?? EXPORT_STALL_MS;
  const deadline = Date.now() + (opts.maxMs ?? EXPORT_MAX_MS);
  let headerSent = false;
  let stall: NodeJS.Timeout | undefined;
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    clearTimeout(stall);
    try {
      await batches.return(undefined); // closes a cursor's portal
    } finally {
      await slot.release();
    }
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      clearTimeout(stall);
      try {
        if (Date.now() > deadline) throw new Error("The export took longer than its limit and was stopped.");
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(CSV_COLUMNS.join(",") + "\n"));
        } else {
          const next = await batches.next();
          if (next.done) {
            await finish();
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(next.value));
        }
      } catch (e) {
        await finish().catch(() => {});
        controller.error(e);
        return;
      }
      // Nobody asked for the next part in time: stop, so a slow reader does not hold the session.
      stall = setTimeout(() => {
        controller.error(new Error("The reader stopped taking the export."));
        void finish().catch(() => {});
      }, stallMs);
    },
    // The client went away: stop reading (a cursor's portal is closed, its session and slot freed).
    async cancel() {
      await finish();
    },
  });
  return { filename: `steward-identities-${at.toISOString().slice(0, 10)}.csv`, stream };
}

type LineRow = { id: string; sort_value: unknown; line: string };

/**
 * On PostgreSQL: the whole match as one query read through a cursor, `batch` rows at a time. One
 * plan for the whole export (the one COPY would use: find the matches, then sort them), where
 * keyset batches walking the sort index would visit the table's pages in random order.
 */
async function* cursorBatches(
  client: postgres.ReservedSql,
  actor: Actor,
  f: InventoryFilter,
  at: Date,
  batch: number,
): AsyncGenerator<string, void, undefined> {
  const select = pageSelect(at, f, f.sort);
  const queries = pageQueries(
    whereSql(actor, f, at),
    f.sort,
    sortDir(f),
    null,
    ALL_ROWS,
    (inner, order) => csvOnlyLinesSql(select(inner, order)),
    { matchFirst: searchesMatchFirst(f) },
  );
  for (const q of queries) {
    const { sql: text, params } = dialect.sqlToQuery(q.sql);
    for await (const rows of client
      .unsafe<{ line: string }[]>(text, params as postgres.ParameterOrJSON<never>[])
      .cursor(batch)) {
      yield rows.map((r) => r.line).join("");
    }
  }
}

/** Elsewhere (the embedded database has no cursors): keyset batches, each a walk from the last row. */
async function* keysetBatches(
  db: Database,
  actor: Actor,
  f: InventoryFilter,
  at: Date,
  batch: number,
): AsyncGenerator<string, void, undefined> {
  const exec = drizzleExec(db);
  let cursor: string | undefined;
  for (;;) {
    const { rows, more } = await walkPage<LineRow>(exec, actor, f, at, batch, cursor, false, "after", csvLinesSql);
    if (rows.length) yield rows.map((r) => r.line).join("");
    const last = rows.at(-1);
    if (!more || !last) return;
    cursor = encodeCursor(cursorOf(f.sort, { id: last.id, sortValue: last.sort_value }));
  }
}

const ALL_ROWS = 2_147_483_647;
const dialect = new PgDialect();
