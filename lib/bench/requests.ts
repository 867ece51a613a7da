import "server-only";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, type Connection } from "@/db";
import { type Actor, persona, type PersonaKey } from "@/lib/auth";
import { now } from "@/lib/clock";
import { inboxQuery, parseQueueFilter, queueQuery } from "@/lib/requests";
import { signInOverHttp, startAppServer } from "./app-server";
import { compile, replay } from "./capture";
import { measurePageTtfb, pageLoadJson } from "./inventory-http";
import { personaActor } from "./inventory-views";
import { benchDecisions, DECISION_GOAL_P95_MS } from "./requests-decisions";
import { ensureBenchRequests } from "./requests-fixture";
import { type BenchOptions, ms, ratio, summarize, table, timeAlternating, viewTable } from "./stats";

/**
 * `steward bench requests`: the approval queues and decisions with `target` pending requests.
 * - Each queue's statement (app, through the app's code) beside the same statement bare.
 * - The /requests page's time to first byte for concurrent signed-in approvers.
 * - A decision's server time (decideStage: lock, checks, decision, audit, and at the last stage
 *   policy's second look and the change carried out), one at a time and eight at once; and a bulk
 *   approval of 100 standard requests.
 * Needs PostgreSQL (DATABASE_URL) seeded with `steward db seed --identities 1000000`.
 */
export type RequestsBenchOptions = BenchOptions & { target: number; decisions: number };

export const REQUEST_GOALS = { queueTtfbP95Ms: 250, decisionP95Ms: DECISION_GOAL_P95_MS, queueP95Ms: 50 } as const;

const VIEWS = viewTable<Record<string, string>>([
  ["decide.security", "Needs my decision (security, oldest first)", "sam", { queue: "decide" }],
  [
    "decide.security.type",
    "Needs my decision (security, by type, newest)",
    "sam",
    { queue: "decide", sort: "type", dir: "desc" },
  ],
  ["decide.manager", "Needs my decision (Maya, a manager)", "maya", { queue: "decide" }],
  ["decide.manager.standard", "Needs my decision, standard only (Maya)", "maya", { queue: "decide", standard: "1" }],
  ["all.oldest", "All requests (auditor, oldest first)", "ari", { queue: "all" }],
  [
    "all.pending.newest",
    "All pending (security, newest first)",
    "sam",
    { queue: "all", status: "pending", dir: "desc" },
  ],
  ["all.overdue.type", "All past 48 h, by type (security)", "sam", { queue: "all", overdue: "1", sort: "type" }],
  ["mine", "My requests (Olivia)", "olivia", { queue: "mine" }],
]);

export async function benchRequests(conn: Connection, url: string, opts: RequestsBenchOptions): Promise<number> {
  const bare = postgres(url, { max: 1, onnotice: () => {} });
  const json: Record<string, unknown>[] = [];
  const actors = new Map<PersonaKey, Actor>();
  const actorFor = async (p: PersonaKey) => actors.get(p) ?? actors.set(p, await personaActor(conn.db, p)).get(p)!;
  try {
    const pending = await ensureBenchRequests(conn.db, opts.target, now(), opts.log);
    const [counts] = await queryRows<{ pending: number; security: number }>(
      conn.db,
      sql`SELECT count(*)::int AS pending, count(*) FILTER (WHERE awaiting_security)::int AS security FROM requests WHERE status = 'pending'`,
    );
    const [env] = await queryRows<{ shared_buffers: string; identities: string; requests: string }>(
      conn.db,
      sql`SELECT current_setting('shared_buffers') AS shared_buffers, pg_size_pretty(pg_total_relation_size('identities')) AS identities, pg_size_pretty(pg_total_relation_size('requests')) AS requests`,
    );
    opts.out(
      `PostgreSQL shared_buffers ${env!.shared_buffers}; identities with indexes ${env!.identities}, requests ${env!.requests}. A decision writes the identity it changes, so its time follows how much of that fits in memory.\n`,
    );
    opts.log(
      `bench: ${counts!.pending.toLocaleString("en")} pending requests (${pending.toLocaleString("en")} of them the bench's; ${counts!.security.toLocaleString("en")} waiting for security)`,
    );

    // 1. Each queue: the app's call against its statement replayed bare.
    const rows: (string | number | null)[][] = [
      ["queue", "as", "rows", "app p50", "floor p50", "app p95", "floor p95", "÷ p95", "ok"],
    ];
    const at = now();
    for (const v of [
      ...VIEWS,
      { key: "inbox.security", label: "The bell's count (security)", persona: "sam" as const, params: {} },
      { key: "inbox.manager", label: "The bell's count (Maya)", persona: "maya" as const, params: {} },
    ]) {
      const actor = await actorFor(v.persona);
      const q = v.key.startsWith("inbox") ? inboxQuery(actor, at) : queueQuery(actor, parseQueueFilter(v.params), at);
      const statement = compile(q);
      const app = () => queryRows(conn.db, q);
      const { a, b } = await timeAlternating(opts.runs, 5, app, () => replay(bare, [statement]));
      const n = (await app()).length;
      const sa = summarize(a),
        sb = summarize(b);
      const ok = sa.p95 <= REQUEST_GOALS.queueP95Ms;
      rows.push([
        v.label,
        v.persona,
        n,
        ms(sa.p50),
        ms(sb.p50),
        ms(sa.p95),
        ms(sb.p95),
        ratio(sa.p95, sb.p95),
        ok ? "yes" : "NO",
      ]);
      json.push({
        metric: "requests.queue",
        view: v.key,
        persona: v.persona,
        app_p50_ms: ms(sa.p50),
        app_p95_ms: ms(sa.p95),
        floor_p50_ms: ms(sb.p50),
        floor_p95_ms: ms(sb.p95),
        ratio: ratio(sa.p95, sb.p95),
        goal_p95_ms: REQUEST_GOALS.queueP95Ms,
        pass: ok,
      });
    }
    opts.out(
      `Queue statements with ${counts!.pending.toLocaleString("en")} pending (ms; ${opts.runs} runs each, app and floor alternating; floor = the same statement bare; ok = app p95 ≤ ${REQUEST_GOALS.queueP95Ms})\n${table(rows)}\n`,
    );

    // 2. Decisions.
    await benchDecisions(conn, opts, json, actorFor);

    // 3. The page, as approvers load it.
    if (opts.http) await benchPage(url, opts, json);
  } finally {
    await bare.end({ timeout: 5 });
  }
  for (const line of json) opts.out(JSON.stringify(line));
  return 0;
}

async function benchPage(url: string, opts: RequestsBenchOptions, json: Record<string, unknown>[]) {
  const server = await startAppServer({ port: opts.port, databaseUrl: url, log: opts.log });
  try {
    for (const [path, who, label] of [
      ["/requests", ["sam", "maya"], "Needs my decision (security and a manager)"],
      ["/requests?queue=all", ["sam", "ari"], "All requests (security and audit)"],
    ] as const) {
      const cookies = await Promise.all(
        Array.from({ length: opts.users }, (_, i) => signInOverHttp(server.baseUrl, persona(who[i % 2]!).email)),
      );
      const page = await measurePageTtfb(server, cookies, path, opts.perUser, 'aria-label="Pages"');
      const ok = page.errors === 0 && page.ttfb.p95 <= REQUEST_GOALS.queueTtfbP95Ms;
      opts.out(
        `${path}: ${label}, ${opts.users} concurrent users, ${page.ttfb.n} views, ${page.errors} errors: TTFB p50 ${ms(page.ttfb.p50)} ms, p95 ${ms(page.ttfb.p95)} ms (goal ≤ ${REQUEST_GOALS.queueTtfbP95Ms}); whole page p95 ${ms(page.total.p95)} ms`,
      );
      json.push({
        metric: "requests.page_ttfb",
        path,
        users: opts.users,
        ...pageLoadJson(page),
        goal_p95_ms: REQUEST_GOALS.queueTtfbP95Ms,
        pass: ok,
      });
    }
    opts.out("");
  } finally {
    await server.stop();
  }
}
