import "server-only";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, type Connection } from "@/db";
import { issueApiTokenFor } from "@/lib/tokens";
import { startAppServer } from "./app-server";
import { benchImport } from "./import";
import { ratio } from "./stats";

/**
 * `steward bench ingest`: usage events through the HTTP API, as collectors send them. `clients`
 * concurrent collectors post batches of `batch` events for `seconds`, with a security person's
 * token, to the app served as `npm start` serves it. Printed: events a second overall and in the
 * slowest 10-second window (goal: ≥ 5,000 sustained), and the floor: the same kind of batches'
 * match-and-update statement run bare on one connection.
 *
 * The stream is what 5,000 events a second over a million identities look like: each identity is
 * used about 18 times an hour, so one event in 18 is an identity's first use in the hour (its last
 * use moves: a row write), the rest are identities already used this hour (last use is kept to the
 * hour). The warm pool is touched "ten minutes ago" before the clock starts.
 */
export const INGEST_GOALS = { eventsPerSecond: 5_000 } as const;

export type IngestBenchOptions = {
  /** Rows of the credential report the import measurement imports. */
  users: number;
  only?: "import" | "usage";
  seconds: number;
  batch: number;
  clients: number;
  port: number;
  databaseUrl: string;
  out: (s: string) => void;
  log: (s: string) => void;
};

type Target = { system: string; external_id: string };
/** Identities used already this hour, and one event in this many is an identity's first use. */
const WARM = 30_000;
const FIRST_USE_EVERY = 18;
const WINDOW_MS = 10_000;

export async function benchIngest(conn: Connection, opts: IngestBenchOptions): Promise<number> {
  const imported = opts.only === "usage" ? true : await benchImport(conn, opts);
  const used = opts.only === "import" ? true : await benchUsage(conn, opts);
  opts.out(
    JSON.stringify({ metric: "ingest.summary", pass: imported && used, import_pass: imported, usage_pass: used }),
  );
  return 0;
}

async function benchUsage(conn: Connection, opts: IngestBenchOptions): Promise<boolean> {
  const targets = await queryRows<Target>(
    conn.db,
    sql`SELECT s.name AS system, i.external_id FROM identities i TABLESAMPLE SYSTEM (20) JOIN systems s ON s.id = i.system_id
        WHERE i.external_id IS NOT NULL AND s.connector <> 'steward' LIMIT 200000`,
  );
  if (targets.length < WARM * 2) throw new Error("too few identities with an external id: seed a million first");
  const warm = targets.slice(0, WARM);
  const fresh = targets.slice(WARM);
  opts.log(
    `bench: ${warm.length.toLocaleString("en")} identities used this hour, ${fresh.length.toLocaleString("en")} not yet; touching the first`,
  );
  const touched = Date.now();
  await conn.db.execute(
    sql`UPDATE identities i SET last_used_at = now() - interval '10 minutes' FROM systems s,
          jsonb_to_recordset(${JSON.stringify(warm)}::jsonb) AS t(system text, external_id text)
        WHERE s.name = t.system AND i.system_id = s.id AND i.external_id = t.external_id`,
  );
  opts.log(`bench: touched in ${((Date.now() - touched) / 1000).toFixed(1)} s`);
  const token = (
    await issueApiTokenFor(conn.db, "sam.security@example.com", {
      name: `bench-ingest-${Date.now()}`,
      purpose: "steward bench ingest: a collector's token",
      scopes: ["write"],
      expiresInDays: 1,
    })
  ).token;

  // Event k of the stream: every 18th an identity's first use this hour, else one used already.
  let nextFresh = 0;
  const batchOf = (n: number, at: number) =>
    Array.from({ length: opts.batch }, (_, k) => {
      const seq = n * opts.batch + k;
      const t = seq % FIRST_USE_EVERY === 0 ? fresh[nextFresh++ % fresh.length]! : warm[seq % warm.length]!;
      return {
        system: t.system,
        externalId: t.external_id,
        usedAt: new Date(at).toISOString(),
        source: { workload: `collector-${t.external_id.length % 7}` },
      };
    });

  const app = await startAppServer({
    port: opts.port,
    databaseUrl: opts.databaseUrl,
    log: opts.log,
    env: { ...process.env, STEWARD_API_RATE_LIMIT: "1000000" },
  });
  let api: { events: number; perSecond: number; worstWindow: number; failures: number };
  try {
    api = await drive(app.baseUrl, token, batchOf, opts);
  } finally {
    await app.stop();
  }
  const floor = await bareFloor(opts, batchOf);

  const pass = api.worstWindow >= INGEST_GOALS.eventsPerSecond && api.failures === 0;
  opts.out(
    [
      `usage events through POST /api/v1/usage: ${opts.clients} collectors × batches of ${opts.batch} for ${opts.seconds} s`,
      `  events accepted      ${api.events.toLocaleString("en")} (${api.failures} requests failed)`,
      `  events a second      ${api.perSecond.toLocaleString("en")} overall, ${api.worstWindow.toLocaleString("en")} in the slowest 10 s`,
      `  floor (bare UPDATE)  ${floor.toLocaleString("en")} a second on one connection; app ÷ floor ${ratio(floor, api.perSecond)}`,
      `  goal                 ≥ ${INGEST_GOALS.eventsPerSecond.toLocaleString("en")} a second sustained: ${pass ? "pass" : "FAIL"}`,
    ].join("\n"),
  );
  opts.out(
    JSON.stringify({
      metric: "ingest.usage_events_per_second",
      value: api.worstWindow,
      overall: api.perSecond,
      floor,
      ratio_floor_to_app: ratio(floor, api.perSecond),
      failures: api.failures,
      goal: INGEST_GOALS.eventsPerSecond,
      pass,
    }),
  );
  return pass;
}

/** The collectors, each posting its next batch as soon as the last is answered. */
async function drive(
  baseUrl: string,
  token: string,
  batchOf: (n: number, at: number) => unknown[],
  opts: IngestBenchOptions,
) {
  const start = Date.now();
  const end = start + opts.seconds * 1000;
  const windows = new Array<number>(Math.ceil((opts.seconds * 1000) / WINDOW_MS)).fill(0);
  let sent = 0;
  let events = 0;
  let failures = 0;
  const collector = async () => {
    while (Date.now() < end) {
      const n = sent++;
      const res = await fetch(`${baseUrl}/api/v1/usage`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ events: batchOf(n, Date.now() - 1000) }),
      });
      const done = Date.now();
      if (res.ok) {
        const body = (await res.json()) as { received: number };
        events += body.received;
        const w = Math.floor((done - start) / WINDOW_MS);
        if (w < windows.length) windows[w]! += body.received;
      } else {
        failures++;
        opts.log(`bench: ${res.status} ${await res.text()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, collector));
  const elapsed = (Date.now() - start) / 1000;
  const full = windows.slice(0, Math.floor((opts.seconds * 1000) / WINDOW_MS));
  return {
    events,
    failures,
    perSecond: Math.round(events / elapsed),
    worstWindow: Math.round(Math.min(...full) / (WINDOW_MS / 1000)),
  };
}

/** Batches of the same stream's last-use update (match, and move what is an hour older), bare, one after another on one connection, for 10 s. */
async function bareFloor(
  opts: IngestBenchOptions,
  batchOf: (n: number, at: number) => { system: string; externalId: string; usedAt: string }[],
): Promise<number> {
  const client = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const start = Date.now();
    let events = 0;
    for (let n = 0; Date.now() - start < 10_000; n++) {
      const rows = batchOf(n + 1_000_000, Date.now()).map((e) => ({
        system: e.system,
        external_id: e.externalId,
        at: e.usedAt,
      }));
      await client`UPDATE identities i SET last_used_at = e.at
        FROM jsonb_to_recordset(${client.json(rows)}) AS e(system text, external_id text, at timestamptz), systems s
        WHERE s.name = e.system AND i.system_id = s.id AND i.external_id = e.external_id
          AND (i.last_used_at IS NULL OR i.last_used_at <= e.at - interval '1 hour')`;
      events += rows.length;
    }
    return Math.round(events / ((Date.now() - start) / 1000));
  } finally {
    await client.end({ timeout: 2 });
  }
}
