import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { REQUEST_STATUSES, REQUEST_TYPES, type DecisionTrace } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth/actor";
import { invalidInput, notFound } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";

/**
 * The approval queues: what waits for my decision, what I asked for, and (for security and
 * auditors) everything. The rule of who decides the current stage is the one decide.ts enforces:
 * the owner's manager named on the stage, else security; never the requester.
 */
export const QUEUES = ["decide", "mine", "all"] as const;
export type Queue = (typeof QUEUES)[number];

export const queueFilterSchema = z.object({
  queue: z.enum(QUEUES, { error: "Unknown queue." }).default("decide"),
  status: z.enum(REQUEST_STATUSES, { error: "Unknown status." }).optional(),
  type: z.enum(REQUEST_TYPES, { error: "Unknown request type." }).optional(),
  dir: z.enum(["asc", "desc"], { error: "Use asc or desc." }).default("asc"),
  size: z.coerce.number().catch(50).default(50).transform((n) => Math.min(Math.max(Math.trunc(n) || 50, 10), 200)),
  /** The last row of the previous page, "created-at-ISO_id": keyset paging, never OFFSET. */
  after: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-f-]{36}$/i, "That page link is broken; start again from the first page.").optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

export function parseQueueFilter(params: Record<string, unknown>): QueueFilter {
  const input = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]).filter(([, v]) => typeof v === "string" && v !== ""));
  const parsed = queueFilterSchema.safeParse(input);
  if (!parsed.success) throw invalidInput("Some filters are not valid.", parsed.error);
  return parsed.data;
}

export const canSeeAllRequests = (actor: Actor) => hasRole(actor, "security", "auditor");

/** The cursor after a row, for the next page's `after`. */
export const cursorAfter = (row: QueueRow) => `${row.createdAt}_${row.id}`;

/** The first undecided stage of request `r`, as a lateral subquery. */
const CURRENT_STAGE = sql`LEFT JOIN LATERAL (SELECT s.id, s.position, s.approver_rule, s.approver_id FROM approval_stages s
  WHERE s.request_id = r.id AND NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = s.id) ORDER BY s.position LIMIT 1) cs ON true`;

/** "The current stage is mine to decide", over `r` and `cs`. */
function mineToDecide(actor: Actor): SQL {
  const me = sql`${actor.personId}::uuid`;
  const security = hasRole(actor, "security");
  return sql`(r.status = 'pending' AND r.requester_id <> ${me} AND cs.id IS NOT NULL AND (
    (cs.approver_rule = 'owner_manager' AND cs.approver_id = ${me})
    ${security ? sql`OR cs.approver_rule = 'security' OR cs.approver_id IS NULL` : sql``}))`;
}

export type QueueRow = {
  id: string; type: string; status: string; requester: string; subject: string | null; subjectId: string | null;
  createdAt: string; waitingHours: number; stage: string | null; stagePosition: number | null; stages: number; mine: boolean;
};

export async function listRequests(db: Database, actor: Actor, f: QueueFilter, at: Date): Promise<QueueRow[]> {
  const where: SQL[] = [];
  if (f.queue === "decide") where.push(mineToDecide(actor));
  else if (f.queue === "mine") where.push(sql`r.requester_id = ${actor.personId}::uuid`);
  else if (!canSeeAllRequests(actor)) where.push(sql`false`);
  if (f.status && f.queue !== "decide") where.push(sql`r.status = ${f.status}::request_status`);
  if (f.type) where.push(sql`r.type = ${f.type}::request_type`);
  if (f.after) {
    const [createdAt, id] = [f.after.slice(0, 24), f.after.slice(25)];
    where.push(sql`(r.created_at, r.id) ${sql.raw(f.dir === "desc" ? "<" : ">")} (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = await queryRows<{
    id: string; type: string; status: string; requester: string; subject: string | null; subject_id: string | null; created_at: Date | string;
    stage: string | null; stage_position: number | null; stages: number; mine: boolean;
  }>(
    db,
    sql`SELECT r.id, r.type, r.status, u.name AS requester, coalesce(i.name, r.payload->>'name') AS subject, r.subject_identity_id AS subject_id, r.created_at,
          cs.approver_rule AS stage, cs.position AS stage_position,
          (SELECT count(*)::int FROM approval_stages s WHERE s.request_id = r.id) AS stages, ${mineToDecide(actor)} AS mine
        FROM requests r JOIN users u ON u.id = r.requester_id LEFT JOIN identities i ON i.id = r.subject_identity_id ${CURRENT_STAGE}
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY r.created_at ${sql.raw(f.dir === "desc" ? "DESC" : "ASC")}, r.id ${sql.raw(f.dir === "desc" ? "DESC" : "ASC")} LIMIT ${f.size}`,
  );
  return rows.map((r) => ({
    id: r.id, type: r.type, status: r.status, requester: r.requester, subject: r.subject, subjectId: r.subject_id,
    createdAt: isoOrNull(r.created_at)!, waitingHours: Math.max(0, Math.floor((at.getTime() - new Date(r.created_at).getTime()) / 3_600_000)),
    stage: r.stage, stagePosition: r.stage_position, stages: Number(r.stages), mine: Boolean(r.mine),
  }));
}

/**
 * The inbox beside the bell: requests waiting for the actor's decision (counted to 99, "99+"
 * beyond), and the actor's own decided in the last three days. It runs on every page, so each
 * part starts from an index: a manager's stages by approver, security's by pending age.
 */
export const INBOX_CAP = 99;

export async function inbox(db: Database, actor: Actor, at: Date): Promise<{ toDecide: number; decided: number }> {
  const since = new Date(at.getTime() - 3 * 86_400_000).toISOString();
  const me = sql`${actor.personId}::uuid`;
  const current = (stage: SQL) => sql`NOT EXISTS (SELECT 1 FROM stage_decisions sd WHERE sd.stage_id = ${stage}.id)
    AND NOT EXISTS (SELECT 1 FROM approval_stages e WHERE e.request_id = ${stage}.request_id AND e.position < ${stage}.position
      AND NOT EXISTS (SELECT 1 FROM stage_decisions ed WHERE ed.stage_id = e.id))`;
  const managed = sql`SELECT s.request_id FROM approval_stages s JOIN requests r ON r.id = s.request_id
    WHERE s.approver_id = ${me} AND s.approver_rule = 'owner_manager' AND r.status = 'pending' AND r.requester_id <> ${me} AND ${current(sql`s`)}`;
  const secured = hasRole(actor, "security")
    ? sql`UNION ALL SELECT r.id FROM requests r ${CURRENT_STAGE} WHERE r.status = 'pending' AND r.requester_id <> ${me}
        AND cs.id IS NOT NULL AND (cs.approver_rule = 'security' OR cs.approver_id IS NULL)`
    : sql``;
  const [row] = await queryRows<{ to_decide: number; decided: number }>(
    db,
    sql`SELECT (SELECT count(*)::int FROM (${managed} ${secured} LIMIT ${INBOX_CAP + 1}) w) AS to_decide,
      (SELECT count(*)::int FROM requests r WHERE r.requester_id = ${me} AND r.decided_at >= ${since}::timestamptz) AS decided`,
  );
  return { toDecide: row?.to_decide ?? 0, decided: row?.decided ?? 0 };
}

export type RequestDetail = {
  id: string; type: string; status: string; requesterId: string; requester: string; justification: string; payload: Record<string, unknown>;
  subjectId: string | null; subject: string | null; createdAt: string; decidedAt: string | null; policyVersion: string; trace: DecisionTrace;
  stages: { position: number; rule: string; approver: string | null; reason: string; decision: string | null; decidedBy: string | null; comment: string | null; decidedAt: string | null }[];
  can: { decide: boolean; cancel: boolean };
};

/** A request, for its requester, its approvers, security and auditors; not found for anyone else. */
export async function getRequestDetail(db: Database, actor: Actor, rawId: unknown): Promise<RequestDetail> {
  const parsed = z.guid().safeParse(rawId);
  if (!parsed.success) throw notFound("That request");
  const [r] = await queryRows<{
    id: string; type: string; status: string; requester_id: string; requester: string; justification: string; payload: Record<string, unknown>; subject_id: string | null;
    subject: string | null; created_at: Date | string; decided_at: Date | string | null; policy_version: string; decision_trace: DecisionTrace; mine: boolean;
  }>(
    db,
    sql`SELECT r.id, r.type, r.status, r.requester_id, u.name AS requester, r.justification, r.payload, r.subject_identity_id AS subject_id,
          coalesce(i.name, r.payload->>'name') AS subject, r.created_at, r.decided_at, r.policy_version, r.decision_trace, ${mineToDecide(actor)} AS mine
        FROM requests r JOIN users u ON u.id = r.requester_id LEFT JOIN identities i ON i.id = r.subject_identity_id ${CURRENT_STAGE}
        WHERE r.id = ${parsed.data}::uuid`,
  );
  if (!r) throw notFound("That request");
  const stages = await queryRows<{ position: number; approver_rule: string; approver: string | null; approver_id: string | null; reason: string; decision: string | null; decided_by: string | null; comment: string | null; decided_at: Date | string | null }>(
    db,
    sql`SELECT s.position, s.approver_rule, a.name AS approver, s.approver_id, s.reason, sd.decision, d.name AS decided_by, sd.comment, sd.decided_at
        FROM approval_stages s LEFT JOIN users a ON a.id = s.approver_id LEFT JOIN stage_decisions sd ON sd.stage_id = s.id LEFT JOIN users d ON d.id = sd.decided_by
        WHERE s.request_id = ${r.id}::uuid ORDER BY s.position`,
  );
  const involved = r.requester_id === actor.personId || canSeeAllRequests(actor) || stages.some((s) => s.approver_id === actor.personId);
  if (!involved) throw notFound("That request");
  const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  return {
    id: r.id, type: r.type, status: r.status, requesterId: r.requester_id, requester: r.requester, justification: r.justification, payload: parse(r.payload),
    subjectId: r.subject_id, subject: r.subject, createdAt: isoOrNull(r.created_at)!, decidedAt: isoOrNull(r.decided_at), policyVersion: r.policy_version, trace: parse(r.decision_trace),
    stages: stages.map((s) => ({ position: s.position, rule: s.approver_rule, approver: s.approver, reason: s.reason, decision: s.decision, decidedBy: s.decided_by, comment: s.comment, decidedAt: isoOrNull(s.decided_at) })),
    can: { decide: Boolean(r.mine), cancel: r.status === "pending" && r.requester_id === actor.personId },
  };
}
