import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { readRows, selectList } from "@/db/columns";
import { requests } from "@/db/schema";

/**
 * Keeps requests.current_stage / awaiting_approver_id / awaiting_security equal to the first
 * undecided stage of each pending request (and cleared once it is no longer pending). Called in
 * the transaction of every change to a request's stages or status, so the queues and the inbox
 * read who a request waits for from an index. `where` is a predicate over `r2` (the requests to
 * sync), e.g. sql`r2.id = ${id}::uuid`. Set-based: one statement for one request or for a seed.
 *
 * Who may sign: a stage naming a person (the owner's manager) waits for that person; a security
 * stage, or a stage whose manager could not be named, waits for the security team.
 */
export async function syncCurrentStage(tx: Database, where: SQL): Promise<void> {
  await tx.execute(sql`UPDATE requests r SET
      current_stage = CASE WHEN r2.status = 'pending' THEN cs.position END,
      awaiting_approver_id = CASE WHEN r2.status = 'pending' AND cs.approver_rule <> 'security' THEN cs.approver_id END,
      awaiting_security = r2.status = 'pending' AND cs.position IS NOT NULL AND (cs.approver_rule = 'security' OR cs.approver_id IS NULL)
    FROM requests r2 LEFT JOIN LATERAL (
      SELECT s.position, s.approver_rule, s.approver_id FROM approval_stages s
      WHERE s.request_id = r2.id AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id)
      ORDER BY s.position LIMIT 1) cs ON true
    WHERE r.id = r2.id AND ${where}`);
}

/**
 * Adds the approval stages policy asks for, after the last one the request has. The owner's
 * manager decides an owner_manager stage; an owner without a manager, or a manager who is the
 * requester (nobody decides their own request), leaves it to security.
 */
export async function addStages(
  tx: Database,
  requestId: string,
  stages: readonly { rule: string; reason: string }[],
  who: { requesterId: string; ownerManagerId: string | null },
  after = 0,
): Promise<void> {
  for (const [i, stage] of stages.entries()) {
    const manager = stage.rule === "owner_manager" ? who.ownerManagerId : null;
    const approver = manager === who.requesterId ? null : manager;
    await tx.execute(sql`INSERT INTO approval_stages (request_id, position, approver_rule, approver_id, reason)
      VALUES (${requestId}::uuid, ${after + i + 1}, ${stage.rule}::approver_rule, ${approver}::uuid, ${stage.reason})`);
  }
  await syncCurrentStage(tx, sql`r2.id = ${requestId}::uuid`);
}

/** Requests whose kept columns disagree with their stages and decisions (the tests' invariant; none, ever). */
export async function requestsOutOfSync(db: Database): Promise<{ id: string }[]> {
  // LEFT JOIN LATERAL (the first undecided stage): raw SQL over a column set.
  const r = alias(requests, "r");
  const columns = { id: r.id };
  return readRows(
    db,
    columns,
    sql`SELECT ${selectList(columns)} FROM requests r LEFT JOIN LATERAL (
          SELECT s.position, s.approver_rule, s.approver_id FROM approval_stages s
          WHERE s.request_id = r.id AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id) ORDER BY s.position LIMIT 1) cs ON true
        WHERE r.current_stage IS DISTINCT FROM (CASE WHEN r.status = 'pending' THEN cs.position END)
           OR r.awaiting_approver_id IS DISTINCT FROM (CASE WHEN r.status = 'pending' AND cs.approver_rule <> 'security' THEN cs.approver_id END)
           OR r.awaiting_security IS DISTINCT FROM (r.status = 'pending' AND cs.position IS NOT NULL AND (cs.approver_rule = 'security' OR cs.approver_id IS NULL))`,
  );
}
