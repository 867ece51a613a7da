import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { POLICY_VERSION } from "@/lib/policy";
import { syncCurrentStage } from "@/lib/requests";

/**
 * The pending requests `steward bench requests` measures against: topped up to `target`, set-based
 * (as the seed loads data, not through submit), each about a distinct active identity and asked
 * for by its owner. A mix of what people ask: grants (one in five privileged, so security decides
 * a second stage), extensions and transfers to the owner's manager. One in ten privileged grants
 * has its first stage already approved, so security's queue is long from the start. Marked by
 * their justification, so later runs top up what the last run decided.
 */
export const BENCH_MARK = "bench: pending request for steward bench requests";

export async function ensureBenchRequests(
  db: Database,
  target: number,
  at: Date,
  log: (s: string) => void,
): Promise<number> {
  const [{ n: have } = { n: 0 }] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM requests WHERE status = 'pending' AND justification = ${BENCH_MARK}`,
  );
  const missing = target - have;
  if (missing <= 0) return have;
  const t0 = performance.now();
  const iso = at.toISOString();
  await db.transaction(async (tx) => {
    const inserted = await queryRows<{ n: number }>(
      tx,
      sql`WITH picks AS (
            SELECT i.id, i.owner_id, o.manager_id, row_number() OVER () AS n
            FROM identities i JOIN users o ON o.id = i.owner_id AND o.status = 'active'
            WHERE i.status = 'active' AND o.manager_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.subject_identity_id = i.id AND r.status = 'pending')
            LIMIT ${missing}),
          typed AS (
            SELECT p.*, (ARRAY['grant_entitlement', 'extend_expiry', 'transfer_ownership'])[1 + p.n % 3]::request_type AS type,
              p.n % 15 = 0 AS privileged FROM picks p),
          ins AS (
            INSERT INTO requests (type, requester_id, subject_identity_id, payload, justification, status, policy_version, decision_trace, standard, created_at)
            SELECT t.type, t.owner_id, t.id,
              CASE t.type
                WHEN 'grant_entitlement' THEN jsonb_build_object('identityId', t.id, 'resource', 'bench-resource-' || (t.n % 50), 'permission', CASE WHEN t.privileged THEN 'admin' ELSE 'read' END,
                  'expiresAt', to_char((${iso}::timestamptz + interval '30 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T00:00:00.000Z"'))
                WHEN 'extend_expiry' THEN jsonb_build_object('identityId', t.id, 'expiresAt', to_char((${iso}::timestamptz + interval '30 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T00:00:00.000Z"'))
                ELSE jsonb_build_object('identityId', t.id, 'newOwnerId', t.manager_id) END,
              ${BENCH_MARK}, 'pending', ${POLICY_VERSION},
              jsonb_build_object('outcome', 'needs_approval', 'rules', '[]'::jsonb, 'standard', NOT t.privileged,
                'stages', CASE WHEN t.privileged THEN '[{"rule":"owner_manager","reason":"The owner''s manager approves first."},{"rule":"security","reason":"Privileged access needs the security team."}]'::jsonb
                  ELSE '[{"rule":"owner_manager","reason":"The owner''s manager approves first."}]'::jsonb END),
              NOT t.privileged,
              ${iso}::timestamptz - (t.n % (13 * 24 * 60)) * interval '1 minute'
            FROM typed t
            RETURNING id, subject_identity_id, standard)
          , s1 AS (
            INSERT INTO approval_stages (request_id, position, approver_rule, approver_id, reason)
            SELECT ins.id, 1, 'owner_manager', o.manager_id, 'The owner''s manager approves first.'
            FROM ins JOIN identities i ON i.id = ins.subject_identity_id JOIN users o ON o.id = i.owner_id
            RETURNING request_id)
          , s2 AS (
            INSERT INTO approval_stages (request_id, position, approver_rule, approver_id, reason)
            SELECT ins.id, 2, 'security', NULL, 'Privileged access needs the security team.' FROM ins WHERE NOT ins.standard
            RETURNING request_id)
          SELECT (SELECT count(*)::int FROM ins) + 0 * (SELECT count(*) FROM s1) + 0 * (SELECT count(*) FROM s2) AS n`,
    );
    // One in ten privileged ones: the manager has approved already; it waits for security.
    await tx.execute(sql`INSERT INTO stage_decisions (stage_id, decided_by, decision, comment, decided_at)
      SELECT s.id, s.approver_id, 'approve', 'bench', ${iso}::timestamptz FROM approval_stages s JOIN requests r ON r.id = s.request_id
      WHERE r.justification = ${BENCH_MARK} AND r.status = 'pending' AND NOT r.standard AND s.position = 1 AND r.current_stage IS NULL
        AND hashtext(r.id::text) % 10 = 0 AND NOT EXISTS (SELECT 1 FROM stage_decisions d WHERE d.stage_id = s.id)`);
    await syncCurrentStage(
      tx,
      sql`r2.justification = ${BENCH_MARK} AND r2.status = 'pending' AND r2.current_stage IS NULL`,
    );
    log(`bench: added ${inserted[0]?.n ?? 0} pending requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  });
  // Vacuumed and analyzed now, so autovacuum does not wake up over the fresh rows mid-measurement.
  await db.execute(sql`VACUUM ANALYZE requests, approval_stages, stage_decisions`);
  const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM requests WHERE status = 'pending' AND justification = ${BENCH_MARK}`,
  );
  return n;
}
