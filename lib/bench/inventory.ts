import "server-only";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, type Connection } from "@/db";
import { now } from "@/lib/clock";
import {
  pageSelect,
  inventoryParams,
  parseInventoryFilter,
  sortDir,
  pageQueries,
  searchesMatchFirst,
  whereSql,
} from "@/lib/identities";
import { persona } from "@/lib/auth";
import { signInOverHttp, startAppServer } from "./app-server";
import { measureNaiveDeepPage, measureViews } from "./inventory-db";
import { measureCopy, measureExport, measurePageTtfb, pageLoadJson } from "./inventory-http";
import { benchViews, personaActor } from "./inventory-views";
import { type BenchOptions, ms, ratio, table } from "./stats";

/**
 * `steward bench inventory`: the inventory's speed at the size of the seeded estate, each figure
 * beside the floor it is measured against (the same SQL bare on one connection, COPY for the
 * export, OFFSET + COUNT(*) for what a naive table does). Prints a table, then one JSON line per
 * metric. Needs PostgreSQL (DATABASE_URL) seeded with `steward db seed --identities 1000000`.
 */
export type InventoryBenchOptions = BenchOptions;

export const GOALS = {
  viewP95Ms: 50,
  viewRatio: 1.5,
  ttfbP95Ms: 250,
  naiveSlowerX: 100,
  exportMs: 10_000,
  exportGrowthMb: 200,
  exportRatio: 2,
} as const;

export async function benchInventory(conn: Connection, url: string, opts: InventoryBenchOptions): Promise<number> {
  const bare = postgres(url, { max: 1, onnotice: () => {} });
  const json: Record<string, unknown>[] = [];
  try {
    const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT reltuples::bigint::int AS n FROM pg_class WHERE oid = 'identities'::regclass`,
    );
    opts.log(`bench: inventory on about ${Number(n).toLocaleString("en")} identities, ${opts.runs} runs per view`);
    const views = await benchViews(conn.db);
    const results = await measureViews(conn.db, bare, views, opts.runs, opts.log);

    const rows: (string | number | null)[][] = [
      ["view", "as", "rows", "total", "stmts", "app p50", "floor p50", "app p95", "floor p95", "÷ p50", "÷ p95", "ok"],
    ];
    for (const r of results) {
      const rt = ratio(r.app.p95, r.floor.p95);
      const rt50 = ratio(r.app.p50, r.floor.p50);
      const ok = r.app.p95 <= GOALS.viewP95Ms && (rt ?? Infinity) <= GOALS.viewRatio;
      rows.push([
        r.view.label,
        r.view.persona,
        r.rows,
        r.total,
        r.statements,
        ms(r.app.p50),
        ms(r.floor.p50),
        ms(r.app.p95),
        ms(r.floor.p95),
        rt50,
        rt,
        ok ? "yes" : "NO",
      ]);
      json.push({
        metric: "inventory.view",
        view: r.view.key,
        persona: r.view.persona,
        rows: r.rows,
        total: r.total,
        app_p50_ms: ms(r.app.p50),
        app_p95_ms: ms(r.app.p95),
        floor_p50_ms: ms(r.floor.p50),
        floor_p95_ms: ms(r.floor.p95),
        ratio_p50: rt50,
        ratio: rt,
        goal_p95_ms: GOALS.viewP95Ms,
        goal_ratio: GOALS.viewRatio,
        pass: ok,
      });
    }
    opts.out(
      `Database time per view (ms; ${opts.runs} runs each, app and floor alternating; floor = the same statements bare on one connection; ok = app p95 ≤ ${GOALS.viewP95Ms} and app ÷ floor at p95 ≤ ${GOALS.viewRatio})\n${table(rows)}\n`,
    );

    const deep = results.find((r) => r.view.key === "deep.page")!;
    const naive = await measureNaiveDeepPage(bare, deep.view, Math.max(3, Math.floor(opts.runs / 5)));
    const slower = ratio(naive.p95, deep.app.p95);
    const slower50 = ratio(naive.p50, deep.app.p50);
    opts.out(
      `Deep page (${deep.view.label}): ours p50 ${ms(deep.app.p50)} / p95 ${ms(deep.app.p95)} ms; OFFSET + exact COUNT(*) p50 ${ms(naive.p50)} / p95 ${ms(naive.p95)} ms: ` +
        `${slower50}× slower at p50, ${slower}× at p95 (goal ≥ ${GOALS.naiveSlowerX}×)\n`,
    );
    json.push({
      metric: "inventory.deep_page_naive",
      ours_p50_ms: ms(deep.app.p50),
      ours_p95_ms: ms(deep.app.p95),
      naive_p50_ms: ms(naive.p50),
      naive_p95_ms: ms(naive.p95),
      naive_slower_x_p50: slower50,
      naive_slower_x: slower,
      goal_x: GOALS.naiveSlowerX,
      pass: (slower ?? 0) >= GOALS.naiveSlowerX,
    });

    if (opts.http)
      await benchHttp(conn, url, bare, results.find((r) => r.view.key === "all.name")!.floor.p95, opts, json);
  } finally {
    await bare.end({ timeout: 5 });
  }
  for (const line of json) opts.out(JSON.stringify(line));
  return 0;
}

async function benchHttp(
  conn: Connection,
  url: string,
  bare: postgres.Sql,
  pageFloorMs: number,
  opts: InventoryBenchOptions,
  json: Record<string, unknown>[],
) {
  const server = await startAppServer({ port: opts.port, databaseUrl: url, log: opts.log });
  try {
    // Security and audit read the whole estate: the heaviest default view there is.
    const emails = Array.from({ length: opts.users }, (_, i) => persona(i % 2 === 0 ? "sam" : "ari").email);
    const cookies = await Promise.all(emails.map((e) => signInOverHttp(server.baseUrl, e)));
    const page = await measurePageTtfb(server, cookies, "/identities", opts.perUser);
    const ttfbRatio = ratio(page.ttfb.p95, pageFloorMs);
    opts.out(
      `/identities for ${opts.users} concurrent signed-in users (${page.ttfb.n} views, ${page.errors} errors): time to first byte p50 ${ms(page.ttfb.p50)} ms, ` +
        `p95 ${ms(page.ttfb.p95)} ms (goal ≤ ${GOALS.ttfbP95Ms}); whole page p95 ${ms(page.total.p95)} ms; TTFB p95 ÷ the view's floor p95 (${ms(pageFloorMs)} ms) = ${ttfbRatio}\n`,
    );
    json.push({
      metric: "inventory.page_ttfb",
      users: opts.users,
      ...pageLoadJson(page),
      floor_p95_ms: ms(pageFloorMs),
      ratio: ttfbRatio,
      goal_p95_ms: GOALS.ttfbP95Ms,
      pass: page.errors === 0 && page.ttfb.p95 <= GOALS.ttfbP95Ms,
    });

    // The system whose identities number closest to 100,000: the export's filter.
    const [pick] = await queryRows<{ id: string; name: string; n: number }>(
      conn.db,
      sql`SELECT s.id, s.name, c.n FROM (SELECT system_id, count(*)::int AS n FROM identities GROUP BY system_id) c JOIN systems s ON s.id = c.system_id ORDER BY abs(c.n - 100000), s.name LIMIT 1`,
    );
    const filter = parseInventoryFilter({ system: pick!.id });
    // Three exports, the median by time: one sample of a multi-second stream on a shared machine says little.
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await measureExport(server, cookies[0]!, inventoryParams(filter).toString()));
    const exp = {
      ...runs.sort((a, b) => a.ms - b.ms)[1]!,
      growthMb: Math.max(...runs.map((r) => r.growthMb)),
      rssPeakMb: Math.max(...runs.map((r) => r.rssPeakMb)),
    };
    const actor = await personaActor(conn.db, "sam");
    const at = now();
    const queries = pageQueries(
      whereSql(actor, filter, at),
      filter.sort,
      sortDir(filter),
      null,
      2_147_483_647,
      pageSelect(at, filter, filter.sort),
      { matchFirst: searchesMatchFirst(filter) },
    ).map((q) => q.sql);
    const copy = await measureCopy(bare, queries, 3);
    const expRatio = ratio(exp.ms, copy.p50);
    const ok =
      exp.ms <= GOALS.exportMs && exp.growthMb < GOALS.exportGrowthMb && (expRatio ?? Infinity) <= GOALS.exportRatio;
    opts.out(
      `CSV export of ${pick!.name} (${exp.rows.toLocaleString("en")} rows, ${(exp.bytes / 1024 / 1024).toFixed(1)} MB), median of 3: ${ms(exp.ms)} ms (goal ≤ ${GOALS.exportMs}); ` +
        `server memory ${exp.rssBeforeMb} → peak ${exp.rssPeakMb} MB, largest growth ${exp.growthMb} MB (goal < ${GOALS.exportGrowthMb}); ` +
        `COPY … TO STDOUT of the same rows ${ms(copy.p50)} ms: export ÷ COPY = ${expRatio} (goal ≤ ${GOALS.exportRatio})\n`,
    );
    json.push({
      metric: "inventory.export_csv",
      rows: exp.rows,
      bytes: exp.bytes,
      ms: ms(exp.ms),
      rss_before_mb: exp.rssBeforeMb,
      rss_peak_mb: exp.rssPeakMb,
      growth_mb: exp.growthMb,
      copy_ms: ms(copy.p50),
      ratio: expRatio,
      goal_ms: GOALS.exportMs,
      goal_growth_mb: GOALS.exportGrowthMb,
      goal_ratio: GOALS.exportRatio,
      pass: ok,
    });
  } finally {
    await server.stop();
  }
}
