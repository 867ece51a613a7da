import "server-only";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import type { Database } from "@/db";
import { drizzleExec, listIdentities, listIdentitiesWith, pageSelect } from "@/lib/identities";
import { now } from "@/lib/clock";
import { recordingExec, replay, compile, type Statement } from "./capture";
import { DEEP_PAGE, PAGE_SIZE, type BenchView } from "./inventory-views";
import { summarize, timeAlternating, timeRuns, type Summary } from "./stats";

/**
 * The database side of `steward bench inventory`: for each view, the app's time (listIdentities,
 * the page and its total, as the page calls it) against the floor (the same statements replayed
 * bare on one connection), and the naive deep page (OFFSET + exact COUNT(*)).
 */
export type ViewResult = {
  view: BenchView;
  rows: number;
  total: string;
  statements: number;
  app: Summary;
  floor: Summary;
};

export async function measureViews(
  db: Database,
  bare: postgres.Sql,
  views: BenchView[],
  runs: number,
  log: (s: string) => void,
): Promise<ViewResult[]> {
  const out: ViewResult[] = [];
  // Steady state first: the process's first queries compile and optimize the code every view
  // shares (SQL building, row mapping), which would otherwise land in the first views' tails.
  for (let i = 0; i < 10; i++)
    for (const view of views) if (view.key !== "search.common") await listIdentities(db, view.actor, view.filter);
  for (const view of views) {
    // One recorded run: the statements this view costs, for the floor.
    const statements: Statement[] = [];
    const page = await listIdentitiesWith(recordingExec(drizzleExec(db), statements), view.actor, view.filter);
    // App and floor runs alternate, so both meet the same moments of a noisy machine.
    const { a: app, b: floor } = await timeAlternating(
      runs,
      3,
      () => listIdentities(db, view.actor, view.filter),
      () => replay(bare, statements),
    );
    const total =
      page.total.kind === "unknown"
        ? "?"
        : `${page.total.kind === "exact" ? "" : page.total.kind === "estimate" ? "~" : ">"}${page.total.value}`;
    out.push({
      view,
      rows: page.rows.length,
      total,
      statements: statements.length,
      app: summarize(app),
      floor: summarize(floor),
    });
    log(
      `bench: ${view.key} app p95 ${summarize(app).p95.toFixed(1)} ms, floor p95 ${summarize(floor).p95.toFixed(1)} ms`,
    );
  }
  return out;
}

/** What a naive table does for the same deep page: OFFSET over the sort, plus an exact COUNT(*). */
export async function measureNaiveDeepPage(bare: postgres.Sql, view: BenchView, runs: number): Promise<Summary> {
  const inner = sql`SELECT i.* FROM identities i ORDER BY i.name ASC, i.id ASC LIMIT ${PAGE_SIZE} OFFSET ${DEEP_PAGE * PAGE_SIZE}`;
  const statements = [
    compile(pageSelect(now(), view.filter, "name")(inner, sql`i.name ASC, i.id ASC`)),
    compile(sql`SELECT count(*) AS n FROM identities i`),
  ];
  return summarize(await timeRuns(runs, 1, () => replay(bare, statements)));
}
