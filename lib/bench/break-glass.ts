import "server-only";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, type Connection } from "@/db";
import { runBreakGlassClock } from "@/lib/break-glass";
import { BREAK_GLASS_TICK_MS } from "@/lib/jobs";
import { queueGrant, runRevocations } from "@/lib/revocations";
import { personaActor } from "./inventory-views";
import { ms, ratio } from "./stats";

/**
 * `steward bench break-glass`, two measurements:
 *
 * 1. Ending: N active break-glass grants (each holding an elevated entitlement) whose hard ends
 *    fall within the same minute are ended by the app's break-glass ticker (the clock every 15 s,
 *    then the revocations it queued carried out), exactly as the scheduler runs it, in real time.
 *    A grant's lateness is from its hard end to the commit of the tick that ended it; the 95th
 *    percentile and the worst are printed, with the count missed (still active two minutes on)
 *    and the revocations queued.
 * 2. Granting: M grants carried out through the PostgreSQL connector against real login roles,
 *    beside the same M `GRANT role TO member` statements run bare, one by one, on one connection.
 */
export const BREAK_GLASS_GOALS = { maxLatenessMs: 60_000, grantRatio: 3 } as const;

export type BreakGlassBenchOptions = {
  grants: number;
  connectorGrants: number;
  target: string;
  out: (s: string) => void;
  log: (s: string) => void;
};

const JOB = { type: "job" as const, id: null, label: "steward bench break-glass" };
const q = (s: string) => `"${s}"`;
const chunks = <T>(xs: T[], size: number) =>
  Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
const sleep = (msToWait: number) => new Promise((r) => setTimeout(r, Math.max(0, msToWait)));
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export async function benchBreakGlass(conn: Connection, opts: BreakGlassBenchOptions): Promise<number> {
  const ending = await benchEnding(conn, opts);
  const granting = await benchGranting(conn, opts);
  opts.out(
    JSON.stringify({
      metric: "break-glass.summary",
      pass: ending && granting,
      ending_pass: ending,
      granting_pass: granting,
    }),
  );
  return 0;
}

async function benchEnding(conn: Connection, opts: BreakGlassBenchOptions): Promise<boolean> {
  const n = opts.grants;
  const run = randomBytes(3).toString("hex");
  const sam = await personaActor(conn.db, "sam");
  const omar = await personaActor(conn.db, "omar");
  opts.log(`bench: ${n.toLocaleString("en")} identities, entitlements and active break-glass grants`);
  const [system] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${`Bench break-glass ${run}`}, 'saas_app', 'manual', '{}'::jsonb) RETURNING id`,
  );
  await conn.db
    .execute(sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, team_id, purpose, status, origin, external_id, credential_type)
    SELECT 'bg-bench-' || ${run} || '-' || g, 'service_account', ${system!.id}::uuid, 'production', u.id, u.team_id, 'Benchmark identity', 'active', 'discovered',
      'bg-bench-' || ${run} || '-' || g, 'static_secret'
    FROM generate_series(1, ${n}) g, users u WHERE u.id = ${sam.personId}::uuid`);
  await conn.db.execute(sql`INSERT INTO entitlements (identity_id, resource, permission, privileged, status)
    SELECT id, 'prod-admin', 'admin', true, 'active' FROM identities WHERE system_id = ${system!.id}::uuid`);
  // The hard ends: spread evenly over one minute, starting 20 s from now.
  const first = Date.now() + 20_000;
  await conn.db
    .execute(sql`INSERT INTO break_glass_grants (identity_id, entitlement_id, requester_id, resource, permission, hours, justification, incident_ref,
      status, starts_at, hard_end_at, activated_at, on_call)
    SELECT e.identity_id, e.id, ${omar.personId}::uuid, 'prod-admin', 'admin', 1, 'Benchmark incident access', 'BENCH-' || ${run},
      'active', now() - interval '1 hour', to_timestamp((${first} + (row_number() OVER (ORDER BY e.id) - 1) * 60000.0 / ${n}) / 1000.0),
      now() - interval '1 hour', true
    FROM entitlements e JOIN identities i ON i.id = e.identity_id WHERE i.system_id = ${system!.id}::uuid`);
  await conn.db.execute(sql`ANALYZE identities, entitlements, break_glass_grants, revocations`);
  const ours = sql`incident_ref = ${`BENCH-${run}`}`;

  // The scheduler's ticker, in real time: a tick, the revocations it queued, the next tick 15 s on.
  const lateness: number[] = [];
  let carryMs = 0;
  let ticks = 0;
  const deadline = first + 60_000 + 120_000;
  for (let next = Date.now(); Date.now() < deadline; next += BREAK_GLASS_TICK_MS) {
    await sleep(next - Date.now());
    const at = new Date();
    const tick = await runBreakGlassClock(conn.db, JOB, at);
    const committed = Date.now();
    ticks++;
    if (tick.ended) {
      const ends = await queryRows<{ hard_end_ms: string }>(
        conn.db,
        sql`SELECT (extract(epoch FROM hard_end_at) * 1000)::bigint::text AS hard_end_ms FROM break_glass_grants WHERE ${ours} AND ended_at = ${at.toISOString()}::timestamptz`,
      );
      for (const e of ends) lateness.push(committed - Number(e.hard_end_ms));
      opts.log(`bench: tick ${ticks}: ended ${tick.ended} in ${ms(committed - at.getTime())} ms`);
    }
    const t = performance.now();
    for (const c of chunks(tick.queued, 5_000)) await runRevocations(conn.db, JOB, at, { ids: c, limit: c.length });
    carryMs += performance.now() - t;
    const [left] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM break_glass_grants WHERE ${ours} AND status = 'active'`,
    );
    if (left!.n === 0) break;
  }
  const [after] = await queryRows<{ active: number; ended: number; revocations: number }>(
    conn.db,
    sql`SELECT count(*) FILTER (WHERE status = 'active')::int AS active, count(*) FILTER (WHERE status = 'ended')::int AS ended,
        (SELECT count(*)::int FROM revocations r JOIN break_glass_grants b ON b.revoke_op_id = r.id WHERE b.incident_ref = ${`BENCH-${run}`}) AS revocations
      FROM break_glass_grants WHERE ${ours}`,
  );
  const sorted = [...lateness].sort((a, b) => a - b);
  const p95 = pct(sorted, 95);
  const worst = sorted.at(-1) ?? Infinity;
  const missed = n - lateness.length;
  const pass = missed === 0 && worst <= BREAK_GLASS_GOALS.maxLatenessMs && after!.revocations === n;
  opts.out(
    `Ending ${n.toLocaleString("en")} break-glass grants whose hard ends fall within one minute (the app's ticker, every ${BREAK_GLASS_TICK_MS / 1000} s, in real time):\n` +
      `  ended: ${lateness.length.toLocaleString("en")}, missed: ${missed}, still active: ${after!.active}; revocations queued: ${after!.revocations.toLocaleString("en")}\n` +
      `  lateness from the hard end to the commit that ended it: p95 ${ms(p95)} ms, worst ${ms(worst)} ms (goal ≤ ${BREAK_GLASS_GOALS.maxLatenessMs})\n` +
      `  revocations carried out after the ticks (manual system: handed to a person): ${ms(carryMs)} ms in all\n`,
  );
  opts.out(
    JSON.stringify({
      metric: "break-glass.end",
      grants: n,
      ended: lateness.length,
      missed,
      revocations_queued: after!.revocations,
      p95_lateness_ms: ms(p95),
      max_lateness_ms: ms(worst),
      ticks,
      goal_max_lateness_ms: BREAK_GLASS_GOALS.maxLatenessMs,
      pass,
    }),
  );
  return pass;
}

async function benchGranting(conn: Connection, opts: BreakGlassBenchOptions): Promise<boolean> {
  const m = opts.connectorGrants;
  const run = randomBytes(3).toString("hex");
  const group = `stw_bg_${run}_grp`;
  const floorGroup = `stw_bg_${run}_floor`;
  const roles = Array.from({ length: m }, (_, i) => `stw_bg_${run}_${i}`);
  const target = postgres(opts.target, { max: 1, onnotice: () => {} });
  try {
    opts.log(`bench: creating ${m.toLocaleString("en")} login roles on the target`);
    await target.unsafe(`CREATE ROLE ${q(group)} NOLOGIN; CREATE ROLE ${q(floorGroup)} NOLOGIN`).simple();
    for (const c of chunks(roles, 500))
      await target.unsafe(c.map((r) => `CREATE ROLE ${q(r)} LOGIN`).join(";\n")).simple();
    const sam = await personaActor(conn.db, "sam");
    const [system] = await queryRows<{ id: string }>(
      conn.db,
      sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${`Bench grants ${run}`}, 'postgres_database', 'postgres', ${JSON.stringify({ url: opts.target })}::jsonb) RETURNING id`,
    );
    await conn.db
      .execute(sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, team_id, purpose, status, origin, external_id, credential_type)
      SELECT r, 'service_account', ${system!.id}::uuid, 'production', u.id, u.team_id, 'Benchmark login role', 'active', 'discovered', r, 'static_secret'
      FROM jsonb_array_elements_text(${JSON.stringify(roles)}::jsonb) r, users u WHERE u.id = ${sam.personId}::uuid`);
    const pending = await queryRows<{ id: string; identity_id: string }>(
      conn.db,
      sql`INSERT INTO entitlements (identity_id, resource, permission, privileged, status)
        SELECT id, ${group}, 'member', false, 'pending' FROM identities WHERE system_id = ${system!.id}::uuid RETURNING id, identity_id`,
    );
    const at = new Date();
    const ids = await conn.db.transaction(async (tx) => {
      const out: string[] = [];
      for (const e of pending)
        out.push(
          await queueGrant(tx, {
            identityId: e.identity_id,
            entitlementId: e.id,
            reason: "Benchmark grant",
            requestedBy: sam.personId,
            at,
          }),
        );
      return out;
    });
    await conn.db.execute(sql`ANALYZE identities, entitlements, revocations`);

    const t0 = performance.now();
    const result = await runRevocations(conn.db, JOB, at, { ids, limit: m });
    const grantMs = performance.now() - t0;
    const [check] = await target<{ members: number }[]>`SELECT count(*)::int AS members
      FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid WHERE g.rolname = ${group}`;
    const [active] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM entitlements e JOIN identities i ON i.id = e.identity_id WHERE i.system_id = ${system!.id}::uuid AND e.status = 'active'`,
    );

    // The floor: the same GRANT statements (of another group), bare, one by one.
    const t1 = performance.now();
    for (const r of roles) await target.unsafe(`GRANT ${q(floorGroup)} TO ${q(r)}`);
    const floorMs = performance.now() - t1;
    const r = ratio(grantMs, floorMs);
    const pass = result.verified === m && check!.members === m && (r ?? Infinity) <= BREAK_GLASS_GOALS.grantRatio;
    opts.out(
      `Granting ${m.toLocaleString("en")} entitlements through the PostgreSQL connector (real login roles, GRANT then read back):\n` +
        `  carried out and verified: ${ms(grantMs)} ms; ${result.verified} verified, ${result.failed} failed; members on the server: ${check!.members}; active in Steward: ${active!.n}\n` +
        `  floor, the same ${m.toLocaleString("en")} GRANT statements bare one by one: ${ms(floorMs)} ms; Steward ÷ floor = ${r} (goal ≤ ${BREAK_GLASS_GOALS.grantRatio})\n`,
    );
    opts.out(
      JSON.stringify({
        metric: "break-glass.grant",
        grants: m,
        granted_ms: ms(grantMs),
        floor_ms: ms(floorMs),
        ratio: r,
        verified: result.verified,
        failed: result.failed,
        members: check!.members,
        goal_ratio: BREAK_GLASS_GOALS.grantRatio,
        pass,
      }),
    );
    return pass;
  } finally {
    opts.log("bench: dropping the benchmark roles");
    for (const c of chunks(roles, 500))
      await target
        .unsafe(c.map((r) => `DROP ROLE IF EXISTS ${q(r)}`).join(";\n"))
        .simple()
        .catch(() => {});
    await target
      .unsafe(`DROP ROLE IF EXISTS ${q(group)}; DROP ROLE IF EXISTS ${q(floorGroup)}`)
      .simple()
      .catch(() => {});
    await target.end({ timeout: 5 });
  }
}
