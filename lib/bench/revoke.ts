import "server-only";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, type Connection } from "@/db";
import { now } from "@/lib/clock";
import { runRevocations } from "@/lib/revocations";
import { retireSystem } from "@/lib/systems";
import { personaActor } from "./inventory-views";
import { ms, ratio } from "./stats";

/**
 * `steward bench revoke`: N identities revoked in bulk through the PostgreSQL connector against
 * real login roles. It creates N roles (each a member of one group) on the target server, a
 * system holding them as identities, then retires the system (the bulk path: one confirmation,
 * N revocations queued) and runs the revocations to verified. The floor is the same N
 * `ALTER ROLE … NOLOGIN` statements issued bare, one by one, on one connection. Roles are
 * dropped afterwards; the retired system and its history stay, as they would.
 */
export const REVOKE_GOALS = { queuedMs: 5_000, verifiedMs: 120_000, ratio: 3 } as const;

export type RevokeBenchOptions = {
  identities: number;
  target: string;
  out: (s: string) => void;
  log: (s: string) => void;
};

export async function benchRevoke(conn: Connection, opts: RevokeBenchOptions): Promise<number> {
  const n = opts.identities;
  const run = randomBytes(3).toString("hex");
  const group = `stw_bench_${run}_grp`;
  const roles = Array.from({ length: n }, (_, i) => `stw_bench_${run}_${i}`);
  const target = postgres(opts.target, { max: 1, onnotice: () => {} });
  const q = (s: string) => `"${s}"`;
  const chunks = <T>(xs: T[], size: number) =>
    Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
  try {
    opts.log(`bench: creating ${n.toLocaleString("en")} login roles on the target`);
    await target.unsafe(`CREATE ROLE ${q(group)} NOLOGIN`).simple();
    for (const c of chunks(roles, 500))
      await target.unsafe(c.map((r) => `CREATE ROLE ${q(r)} LOGIN IN ROLE ${q(group)}`).join(";\n")).simple();

    const ada = await personaActor(conn.db, "ada");
    const sam = await personaActor(conn.db, "sam");
    const [system] = await queryRows<{ id: string }>(
      conn.db,
      sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${`Bench PostgreSQL ${run}`}, 'postgres_database', 'postgres', ${JSON.stringify({ url: opts.target })}::jsonb) RETURNING id`,
    );
    const names = JSON.stringify(roles);
    await conn.db
      .execute(sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, team_id, purpose, status, origin, external_id, credential_type)
      SELECT r, 'service_account', ${system!.id}::uuid, 'production', u.id, u.team_id, 'Benchmark login role', 'active', 'discovered', r, 'static_secret'
      FROM jsonb_array_elements_text(${names}::jsonb) r, users u WHERE u.id = ${sam.personId}::uuid`);
    await conn.db.execute(sql`INSERT INTO entitlements (identity_id, resource, permission, privileged)
      SELECT id, ${group}, 'member', false FROM identities WHERE system_id = ${system!.id}::uuid`);
    await conn.db.execute(sql`ANALYZE identities, entitlements, revocations`);

    // Queued: the system retired, one revocation per identity, each audited.
    const t0 = performance.now();
    const { revocationIds } = await retireSystem(conn.db, ada, {
      systemId: system!.id,
      confirmCount: n,
      reason: "Benchmark: the system ends",
    });
    const queuedMs = performance.now() - t0;
    opts.log(`bench: ${revocationIds.length} revocations queued in ${ms(queuedMs)} ms`);

    // Executed and verified.
    const t1 = performance.now();
    const result = await runRevocations(conn.db, { type: "job", id: null, label: "steward bench revoke" }, now(), {
      ids: revocationIds,
      limit: n,
    });
    const verifiedMs = performance.now() - t1;
    const [check] = await target<{ can_login: number; members: number }[]>`SELECT
        (SELECT count(*)::int FROM pg_roles WHERE rolname LIKE ${`stw_bench_${run}_%`} AND rolname <> ${group} AND rolcanlogin) AS can_login,
        (SELECT count(*)::int FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = ${group}) AS members`;

    // The floor: the same ALTER ROLE … NOLOGIN statements, bare, one by one.
    const t2 = performance.now();
    for (const r of roles) await target.unsafe(`ALTER ROLE ${q(r)} NOLOGIN`);
    const floorMs = performance.now() - t2;

    const r = ratio(verifiedMs, floorMs);
    const pass =
      queuedMs <= REVOKE_GOALS.queuedMs &&
      verifiedMs <= REVOKE_GOALS.verifiedMs &&
      (r ?? Infinity) <= REVOKE_GOALS.ratio &&
      result.verified === n;
    opts.out(
      `Revoking ${n.toLocaleString("en")} identities through the PostgreSQL connector (real login roles, each in one group):\n` +
        `  queued (system retired, ${revocationIds.length} revocations + audit events): ${ms(queuedMs)} ms (goal ≤ ${REVOKE_GOALS.queuedMs})\n` +
        `  executed and verified: ${ms(verifiedMs)} ms (goal ≤ ${REVOKE_GOALS.verifiedMs}); ${result.verified} verified, ${result.failed} failed; roles still able to log in: ${check!.can_login}, memberships left: ${check!.members}\n` +
        `  floor, the same ${n.toLocaleString("en")} ALTER ROLE … NOLOGIN bare one by one: ${ms(floorMs)} ms; Steward ÷ floor = ${r} (goal ≤ ${REVOKE_GOALS.ratio})\n`,
    );
    opts.out(
      JSON.stringify({
        metric: "revoke.bulk",
        identities: n,
        queued_ms: ms(queuedMs),
        verified_ms: ms(verifiedMs),
        floor_ms: ms(floorMs),
        ratio: r,
        verified: result.verified,
        failed: result.failed,
        still_login: check!.can_login,
        memberships_left: check!.members,
        goal_queued_ms: REVOKE_GOALS.queuedMs,
        goal_verified_ms: REVOKE_GOALS.verifiedMs,
        goal_ratio: REVOKE_GOALS.ratio,
        pass,
      }),
    );
    return 0;
  } finally {
    opts.log("bench: dropping the benchmark roles");
    for (const c of chunks(roles, 500))
      await target
        .unsafe(c.map((r) => `DROP ROLE IF EXISTS ${q(r)}`).join(";\n"))
        .simple()
        .catch(() => {});
    await target
      .unsafe(`DROP ROLE IF EXISTS ${q(group)}`)
      .simple()
      .catch(() => {});
    await target.end({ timeout: 5 });
  }
}
