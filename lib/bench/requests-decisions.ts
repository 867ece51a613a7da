import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Connection } from "@/db";
import type { Actor, PersonaKey } from "@/lib/auth";
import { approveStandardInBulk, decideStage } from "@/lib/requests";
import type { RequestsBenchOptions } from "./requests";
import { BENCH_MARK } from "./requests-fixture";
import { ms, summarize } from "./stats";

/** Part of `steward bench requests` (requests.ts): the goal a decision's p95 is held to. */
export const DECISION_GOAL_P95_MS = 100;
const REQUEST_GOALS = { decisionP95Ms: DECISION_GOAL_P95_MS } as const;

/**
 * Decisions on the bench's requests, by the people their stages name: managers approve or deny
 * first stages, security approves or denies second ones (a final approval grants the entitlement,
 * moves the expiry or the owner, rescoring the identity, all in the decision's transaction).
 */
export async function benchDecisions(
  conn: Connection,
  opts: Pick<RequestsBenchOptions, "decisions" | "out">,
  json: Record<string, unknown>[],
  actorFor: (p: PersonaKey) => Promise<Actor>,
) {
  const sam = await actorFor("sam");
  const pick = async (n: number, offset: number) =>
    queryRows<{ id: string; approver: string | null }>(
      conn.db,
      sql`SELECT id, awaiting_approver_id AS approver FROM requests WHERE status = 'pending' AND justification = ${BENCH_MARK} AND (awaiting_approver_id IS NOT NULL OR awaiting_security)
          ORDER BY hashtext(id::text) LIMIT ${n} OFFSET ${offset}`,
    );
  const managerActor = (id: string): Actor => ({ personId: id, name: "", email: "", roles: ["manager"], teamId: null });
  const decideOne = async (r: { id: string; approver: string | null }, i: number) => {
    const actor = r.approver ? managerActor(r.approver) : sam;
    const deny = i % 5 === 4;
    const t0 = performance.now();
    const out = await decideStage(
      conn.db,
      actor,
      deny
        ? { requestId: r.id, decision: "deny", comment: "Not needed: bench denial" }
        : { requestId: r.id, decision: "approve" },
    );
    return { ms: performance.now() - t0, status: out.status };
  };
  // Warm: the first decisions compile the code path.
  for (const [i, r] of (await pick(10, 0)).entries()) await decideOne(r, i);

  const serial = await pick(opts.decisions, 0);
  const times: number[] = [];
  const outcomes: Record<string, number> = {};
  for (const [i, r] of serial.entries()) {
    const d = await decideOne(r, i);
    times.push(d.ms);
    outcomes[d.status] = (outcomes[d.status] ?? 0) + 1;
  }
  const s = summarize(times);
  const concurrent = await pick(opts.decisions, 0);
  const ctimes: number[] = [];
  const lanes = 8;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < concurrent.length; i += lanes) ctimes.push((await decideOne(concurrent[i]!, i)).ms);
    }),
  );
  const c = summarize(ctimes);
  opts.out(
    `Decisions (server time of decideStage, ${s.n} one at a time: ${Object.entries(outcomes)
      .map(([k, v]) => `${v} ${k}`)
      .join(
        ", ",
      )}): p50 ${ms(s.p50)} ms, p95 ${ms(s.p95)} ms, max ${ms(s.max)} ms (goal p95 ≤ ${REQUEST_GOALS.decisionP95Ms})\n` +
      `Decisions, ${lanes} approvers at once (${c.n}): p50 ${ms(c.p50)} ms, p95 ${ms(c.p95)} ms, max ${ms(c.max)} ms`,
  );
  json.push({
    metric: "requests.decision",
    mode: "serial",
    n: s.n,
    p50_ms: ms(s.p50),
    p95_ms: ms(s.p95),
    max_ms: ms(s.max),
    outcomes,
    goal_p95_ms: REQUEST_GOALS.decisionP95Ms,
    pass: s.p95 <= REQUEST_GOALS.decisionP95Ms,
  });
  json.push({
    metric: "requests.decision",
    mode: `${lanes} concurrent`,
    n: c.n,
    p50_ms: ms(c.p50),
    p95_ms: ms(c.p95),
    max_ms: ms(c.max),
    goal_p95_ms: REQUEST_GOALS.decisionP95Ms,
    pass: c.p95 <= REQUEST_GOALS.decisionP95Ms,
  });

  // Bulk: the manager with the most standard requests waiting approves 100 of them at once.
  const [mgr] = await queryRows<{ id: string; n: number }>(
    conn.db,
    sql`SELECT awaiting_approver_id AS id, count(*)::int AS n FROM requests WHERE status = 'pending' AND standard AND awaiting_approver_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
  );
  if (mgr) {
    const ids = (
      await queryRows<{ id: string }>(
        conn.db,
        sql`SELECT id FROM requests WHERE status = 'pending' AND standard AND awaiting_approver_id = ${mgr.id}::uuid ORDER BY created_at LIMIT 100`,
      )
    ).map((r) => r.id);
    const t0 = performance.now();
    const out = await approveStandardInBulk(conn.db, managerActor(mgr.id), { requestIds: ids });
    const took = performance.now() - t0;
    opts.out(
      `Bulk approval of ${ids.length} standard requests by one manager (${mgr.n} were waiting for them): ${ms(took)} ms in one transaction, ${out.approved} approved, ${out.fulfilled} carried out, ${out.skipped.length} skipped; ${ms(took / Math.max(1, ids.length))} ms each\n`,
    );
    json.push({
      metric: "requests.bulk_approve",
      n: ids.length,
      ms: ms(took),
      approved: out.approved,
      fulfilled: out.fulfilled,
      skipped: out.skipped.length,
      per_request_ms: ms(took / Math.max(1, ids.length)),
    });
  }
}
