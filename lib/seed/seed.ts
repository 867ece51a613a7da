import "server-only";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { queryRows, type Connection, type Database } from "@/db";
import { record } from "@/lib/audit";
import { now } from "@/lib/clock";
import { conflict, invalid } from "@/lib/errors";
import { plural } from "@/lib/format";
import { rescoreIdentities, riskFactorsSql, riskScoreSql } from "@/lib/identities";
import {
  holdsPrivilegedSql,
  IDENTITY_COLUMNS,
  identitiesSelectSql,
  insertEntitlementsSql,
  type BulkPlan,
} from "./bulk";
import { timeIdentityCopy } from "./copy-benchmark";
import { CURATED, curatedIdentityId, insertCurated } from "./curated";
import { insertRequestsAndSettings } from "./curated-requests";
import { insertPeople, insertSystems, peoplePlan } from "./people";
import { withIndexesDeferred } from "./bulk-load";
import { raw } from "./sql-util";

export type SeedOptions = {
  identities: number;
  seed: number;
  ifEmpty: boolean;
  log?: (s: string) => void;
  /** Drop and rebuild the identity/entitlement indexes and foreign keys around the bulk load; default: from DEFER_INDEXES_FROM rows. */
  deferIndexes?: boolean;
  /**
   * Also time a bare COPY of the same identity rows, the seed's yardstick (PostgreSQL only;
   * `steward db seed --compare-copy`). Off by default: at a million rows it takes longer than the seed.
   */
  compareCopy?: boolean;
};
export type SeedResult = {
  message: string;
  /** Wall time of the whole seed transaction (people, systems, identities, entitlements, requests, audit, commit). */
  seedMs: number;
  /** Wall time of a bare COPY of the same identity rows (with compareCopy, on PostgreSQL only). */
  copyMs?: number;
  identities: number;
};

export const SEED_ACTOR = { type: "system" as const, id: null, label: "steward db seed" };
/** Identities per INSERT … SELECT: bounds each statement (and, below DEFER_INDEXES_FROM, its queue of FK checks) and paces the progress log. */
export const SEED_CHUNK = 250_000;
/** From this many identities the seed builds indexes after loading instead of row by row. */
export const DEFER_INDEXES_FROM = 10_000;
// Serialises concurrent seeds (an app starting while someone runs the CLI): the second one
// waits, then finds the data and skips or refuses.
const SEED_LOCK = 7_736_202_612;

type Counts = {
  people: number;
  teams: number;
  systems: number;
  identities: number;
  entitlements: number;
  requests: number;
  settings: number;
};

/**
 * Loads deterministic demo data: the same seed gives the same rows (ids included, since every
 * uuid is md5 of seed and row), dates relative to `now()`, so every derived state holds whenever
 * it runs. Bulk rows are INSERT … SELECT over generate_series, in one transaction with one
 * `system.seeded` audit event.
 */
export async function seedDatabase(conn: Connection, opts: SeedOptions): Promise<SeedResult> {
  if (!Number.isSafeInteger(opts.identities) || opts.identities < 0)
    throw invalid("identities must be a whole number ≥ 0");
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw invalid("seed must be a whole number ≥ 0");
  const log = opts.log ?? (() => {});
  const at = now();
  const total = opts.identities;
  const curated = Math.min(total, CURATED.length);
  const bulk = total - curated;
  const plan: BulkPlan = { seed: opts.seed, at, ...peoplePlan(total) };
  const deferIndexes = opts.deferIndexes ?? bulk >= DEFER_INDEXES_FROM;

  const t0 = performance.now();
  let bulkMs = 0;
  const outcome = await conn.db.transaction(async (tx): Promise<{ existing: number } | { counts: Counts }> => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEED_LOCK})`);
    const [row] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM users`);
    const existing = Number(row?.n ?? 0);
    if (existing > 0) return { existing };

    await insertPeople(tx, opts.seed, at, plan);
    await insertSystems(tx, opts.seed, at);
    const curatedIds = CURATED.slice(0, curated).map((c) => curatedIdentityId(opts.seed, c.key));
    // Identities are scored as they are written (a rescore of every row afterwards would leave a
    // dead copy of each for the index builds and the VACUUM to wade through). Their entitlements
    // come after them, so whether one is privileged is decided from the bytes that will make it.
    const scoring = { privileged: sql`i.holds_privileged` };
    const columns = raw(IDENTITY_COLUMNS);
    const selected = raw(
      IDENTITY_COLUMNS.split(",")
        .map((col) => `i.${col.trim()}`)
        .join(", "),
    );
    const load = async () => {
      await insertCurated(tx, opts.seed, at, curated);
      const tb = performance.now();
      for (let lo = 1; lo <= bulk; lo += SEED_CHUNK) {
        const hi = Math.min(bulk, lo + SEED_CHUNK - 1);
        // OFFSET 0: the privileged answer is worked out once per row, not once per use.
        await tx.execute(sql`INSERT INTO identities (${columns}, risk_score, risk_factors)
          SELECT ${selected}, ${riskScoreSql(at, scoring)}, ${riskFactorsSql(at, scoring)}
          FROM (SELECT g.*, ${raw(holdsPrivilegedSql(plan, "g"))} AS holds_privileged, NULL::timestamptz AS rotation_required_at FROM (${raw(identitiesSelectSql(plan, lo, hi))}) AS g(${columns}) OFFSET 0) AS i`);
        if (bulk > SEED_CHUNK)
          log(`seed: identities ${n(hi + curated)} / ${n(total)} (${secs(performance.now() - tb)})`);
      }
      if (bulk > 0) await tx.execute(raw(insertEntitlementsSql(plan, curatedIds)));
      if (bulk > SEED_CHUNK) log(`seed: entitlements (${secs(performance.now() - tb)})`);
      // The curated identities were inserted as written, with their hand-written grants: score them.
      await rescoreIdentities(tx, sql`i.id = ANY (${`{${curatedIds.join(",")}}`}::uuid[])`, at);
      if (bulk > SEED_CHUNK) log(`seed: risk scores (${secs(performance.now() - tb)})`);
    };
    const tb = performance.now();
    if (deferIndexes) await withIndexesDeferred(tx, ["identities", "entitlements"], log, load);
    else await load();
    bulkMs = performance.now() - tb;

    await insertRequestsAndSettings(tx, opts.seed, at, curated);
    const counts = await countRows(tx);
    await record(tx, { actor: SEED_ACTOR, action: "system.seeded", after: { seed: opts.seed, ...counts } });
    return { counts };
  });
  const seedMs = performance.now() - t0;

  if ("existing" in outcome) {
    const what = `the database already has data (${plural(outcome.existing, "person", "people", { grouped: true })})`;
    if (opts.ifEmpty) return { message: `Nothing seeded: ${what}.`, seedMs: 0, identities: 0 };
    throw conflict(`Refusing to seed: ${what}; seed a fresh database (or pass --if-empty to skip when data exists).`);
  }
  const c = outcome.counts;

  // Fresh statistics, so the first queries after a big seed get sensible plans.
  const ta = performance.now();
  // VACUUM too: scoring risk rewrote every identity row once, and index-only scans (identities',
  // and the grant holders' count over entitlements_grant_idx) want a clean visibility map, as
  // autovacuum would have left an estate of that age.
  await conn.db.execute(sql`VACUUM ANALYZE identities`);
  await conn.db.execute(sql`VACUUM ANALYZE entitlements`);
  await conn.db.execute(sql`ANALYZE teams, users, systems, requests, approval_stages`);
  const analyzeMs = performance.now() - ta;

  let copyMs: number | undefined;
  if (opts.compareCopy && conn.kind === "postgres")
    copyMs = (await timeIdentityCopy(conn.client as postgres.Sql, log)).copyMs;
  const ratio = copyMs ? seedMs / copyMs : null;
  log(
    JSON.stringify({
      metric: "seed",
      driver: conn.kind,
      identities: c.identities,
      entitlements: c.entitlements,
      seed_ms: Math.round(seedMs),
      bulk_ms: Math.round(bulkMs),
      deferred_indexes: deferIndexes,
      analyze_ms: Math.round(analyzeMs),
      copy_ms: copyMs === undefined ? null : Math.round(copyMs),
      ratio: ratio === null ? null : Number(ratio.toFixed(2)),
    }),
  );

  const seeded =
    `Seeded ${n(c.identities)} identities (${n(c.entitlements)} entitlements) in ${n(c.systems)} systems, ${n(c.people)} people in ${n(c.teams)} teams, ` +
    `${n(c.requests)} pending requests and ${n(c.settings)} settings with seed ${opts.seed} in ${secs(seedMs)} ` +
    `(whole transaction; of which loading identities and entitlements ${secs(bulkMs)}${deferIndexes ? ", including rebuilding their indexes and foreign keys" : ""}).`;
  const compare = !opts.compareCopy
    ? ""
    : copyMs === undefined
      ? " COPY comparison skipped: embedded database."
      : ` A bare COPY of the same ${n(c.identities)} identity rows into a copy of the table took ${secs(copyMs)}: seed ÷ COPY = ${ratio!.toFixed(2)} (goal ≤ 3).`;
  return { message: seeded + compare, seedMs, copyMs, identities: c.identities };
}

async function countRows(tx: Database): Promise<Counts> {
  const [row] = await queryRows<Record<keyof Counts, number | string>>(
    tx,
    sql`SELECT (SELECT count(*) FROM users) AS people, (SELECT count(*) FROM teams) AS teams, (SELECT count(*) FROM systems) AS systems,
      (SELECT count(*) FROM identities) AS identities, (SELECT count(*) FROM entitlements) AS entitlements,
      (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM settings) AS settings`,
  );
  const out = {} as Counts;
  for (const key of ["people", "teams", "systems", "identities", "entitlements", "requests", "settings"] as const)
    out[key] = Number(row?.[key] ?? 0);
  return out;
}

const n = (x: number) => x.toLocaleString("en");

function secs(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}
