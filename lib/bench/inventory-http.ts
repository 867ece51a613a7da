import "server-only";
import type postgres from "postgres";
import { compileInline } from "./capture";
import { treeRssBytes, type AppServer } from "./app-server";
import { ms, percentile, summarize, type Summary } from "./stats";

/**
 * The HTTP side of `steward bench inventory`: the /identities page under concurrent signed-in
 * users (time to first byte) and a streamed CSV export (time, server memory), each beside its floor.
 */

/** `users` sessions request `path` concurrently, `perUser` times each; time to the first body byte. */
/** `marker`: bytes that only a complete page holds (a sign-in page or an error page lacks them). */
export async function measurePageTtfb(
  server: AppServer,
  cookies: string[],
  path: string,
  perUser: number,
  pageMarker = 'data-testid="total"',
): Promise<PageLoad> {
  const ttfb: number[] = [];
  const total: number[] = [];
  let errors = 0;
  const marker = Buffer.from(pageMarker);
  const one = async (cookie: string) => {
    const t0 = performance.now();
    // Uncompressed, as wrk or ab would ask: compression belongs to the proxy in front, and
    // inflating ten streams here would take CPU from the server being measured.
    const res = await fetch(`${server.baseUrl}${path}`, {
      headers: { cookie, "accept-encoding": "identity" },
      redirect: "manual",
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const t1 = performance.now();
    // Look for the page's total without decoding the page: the bytes are scanned as they come.
    let found = first.value ? Buffer.from(first.value).includes(marker) : false;
    let tail = first.value ? Buffer.from(first.value).subarray(-marker.length) : Buffer.alloc(0);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!found) {
        const chunk = Buffer.concat([tail, Buffer.from(value)]);
        found = chunk.includes(marker);
        tail = chunk.subarray(-marker.length);
      }
    }
    // A redirect to sign-in or an error page is not a page view: count it, do not time it.
    if (res.status !== 200 || !found) {
      errors++;
      return;
    }
    ttfb.push(t1 - t0);
    total.push(performance.now() - t0);
  };
  // Warm up every worker (the first renders of a route compile and JIT): five rounds, unmeasured.
  for (let i = 0; i < 5; i++) await Promise.all(cookies.map((c) => one(c)));
  ttfb.length = 0;
  total.length = 0;
  errors = 0;
  await Promise.all(
    cookies.map(async (c) => {
      for (let i = 0; i < perUser; i++) await one(c);
    }),
  );
  return { ttfb: summarize(ttfb), total: summarize(total), errors };
}

export type PageLoad = { ttfb: Summary; total: Summary; errors: number };

/** A page load's fields in a metric's JSON line. */
export const pageLoadJson = (page: PageLoad) => ({
  requests: page.ttfb.n,
  errors: page.errors,
  p50_ms: ms(page.ttfb.p50),
  p95_ms: ms(page.ttfb.p95),
  total_p95_ms: ms(page.total.p95),
});

export type ExportResult = {
  ms: number;
  rows: number;
  bytes: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  growthMb: number;
};

/** Downloads the CSV export of `query` and samples the server's memory while it streams. */
export async function measureExport(server: AppServer, cookie: string, query: string): Promise<ExportResult> {
  const rssBefore = treeRssBytes(server.pid);
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, treeRssBytes(server.pid));
  }, 25);
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  try {
    const res = await fetch(`${server.baseUrl}/identities/export?${query}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    }
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, treeRssBytes(server.pid));
  const mb = (b: number) => Number((b / 1024 / 1024).toFixed(1));
  return {
    ms,
    rows: Math.max(0, lines - 1),
    bytes,
    rssBeforeMb: mb(rssBefore),
    rssPeakMb: mb(peak),
    growthMb: mb(peak - rssBefore),
  };
}

/**
 * The floor of an export: COPY (the same select, unbatched) TO STDOUT as CSV, read to the end.
 * `queries` are the export's select statements (one per sort segment).
 */
export async function measureCopy(
  bare: postgres.Sql,
  queries: Parameters<typeof compileInline>[0][],
  runs: number,
): Promise<Summary & { bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    bytes = 0;
    for (const q of queries) {
      const stream = await bare.unsafe(`COPY (${compileInline(q)}) TO STDOUT WITH (FORMAT csv, HEADER)`).readable();
      for await (const chunk of stream) bytes += (chunk as Buffer).byteLength;
      // postgres.js can leave the socket paused after COPY (porsager/postgres#499): nudge it.
      (stream as unknown as { _read(size: number): void })._read(0);
    }
    times.push(performance.now() - t0);
  }
  return { ...summarize(times), bytes, p50: percentile(times, 50) };
}
