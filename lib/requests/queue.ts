import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { REQUEST_STATUSES, REQUEST_TYPES, type DecisionTrace } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth/actor";
import { invalid, invalidInput, notFound } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";
import { BROKEN_CURSOR, isGuid, isIsoInstant } from "@/lib/validation";

/**
 * The approval queues: what waits for my decision, what I asked for, and (for security and
 * auditors) everything. The rule of who decides the current stage is the one decide.ts enforces:
 * the owner's manager named on the stage, else security; never the requester.
 */
export const QUEUES = ["decide", "mine", "all"] as const;
export type Queue = (typeof QUEUES)[number];

/** The columns a queue sorts by; each page is keyset on (column, created_at, id), never OFFSET. */
export const QUEUE_SORTS = ["created", "type", "status"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** Past this wait a pending request is highlighted (and the "overdue" filter finds it): it holds someone up. */
export const SERVICE_LEVEL_HOURS = 48;

const CURSOR = /^(?:([a-z_]+)\.)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f-]{36})$/i;
const flag = z
  .enum(["1"], { error: "Use 1 to turn this filter on." })
  .optional()
  .transform((v) => v === "1");

export const queueFilterSchema = z
  .object({
    queue: z.enum(QUEUES, { error: "Unknown queue." }).default("decide"),
    status: z.enum(REQUEST_STATUSES, { error: "Unknown status." }).optional(),
    type: z.enum(REQUEST_TYPES, { error: "Unknown request type." }).optional(),
    /** Pending past the service level. */
    overdue: flag,
    /** Only requests policy marks standard (bulk approvable). */
    standard: flag,
    sort: z.enum(QUEUE_SORTS, { error: "Sort by created, type or status." }).default("created"),
    dir: z.enum(["asc", "desc"], { error: "Use asc or desc." }).default("asc"),
    size: z.coerce
      .number()
      .catch(50)
      .default(50)
      .transform((n) => Math.min(Math.max(Math.trunc(n) || 50, 10), 200)),
    /** The last row of the previous page: "[sort-value.]created-at-ISO_id". */
    after: z.string().regex(CURSOR, BROKEN_CURSOR).optional(),
  })
  .superRefine((f, ctx) => {
    // (A cursor the regex refused already has its message.)
    if (f.after !== undefined && CURSOR.test(f.after) && !queueCursor(f.after, f.sort))
      ctx.addIssue({ code: "custom", path: ["after"], message: BROKEN_CURSOR });
  });
export type QueueFilter = z.infer<typeof queueFilterSchema>;

/**
 * The cursor's parts, or null unless each will cast: the sort key one of its enum's values, the
 * instant one Date writes (the regex alone lets "2026-02-30" through to `::timestamptz`), the id a uuid.
 */
function queueCursor(
  after: string,
  sort: QueueSort,
): { key: string | undefined; createdAt: string; id: string } | null {
  const match = CURSOR.exec(after);
  if (!match) return null;
  const [, key, createdAt, id] = match as unknown as [string, string | undefined, string, string];
  const keys: readonly string[] | null = sort === "type" ? REQUEST_TYPES : sort === "status" ? REQUEST_STATUSES : null;
  if (keys ? !key || !keys.includes(key) : key !== undefined) return null;
  return isIsoInstant(createdAt) && isGuid(id) ? { key, createdAt, id } : null;
}

export function parseQueueFilter(params: Record<string, unknown>): QueueFilter {
  const input = Object.fromEntries(
    Object.entries(params)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => typeof v === "string" && v !== ""),
  );
  const parsed = queueFilterSchema.safeParse(input);
  if (!parsed.success) throw invalidInput("Some filters are not valid.", parsed.error);
  return parsed.data;
}

export const canSeeAllRequests = (actor: Actor) => hasRole(actor, "security", "auditor");

/** The cursor after a row, for the next page's `after`. */
export const cursorAfter = (row: QueueRow, sort: QueueSort) =>
  `${sort === "created" ? "" : `${sort === "type" ? row.type : row.status}.`}${row.createdAt}_${row.id}`;

/**
 * "The current stage is mine to decide", over `r`: read from the columns lib/requests/stages.ts
 * keeps, the rule decide.ts enforces (the person the stage names, else security; never the requester).
 */
function mineToDecide(actor: Actor): SQL {
  const me = sql`${actor.personId}::uuid`;
  return sql`(r.status = 'pending' AND r.requester_id <> ${me} AND (r.awaiting_approver_id = ${me}${hasRole(actor, "security") ? sql` OR r.awaiting_security` : sql``}))`;
}

export type QueueRow = {
  id: string;
  type: string;
  status: string;
  requester: string;
  subject: string | null;
  subjectId: string | null;
  createdAt: string;
  waitingHours: number;
  stage: string | null;
  stagePosition: number | null;
  stages: number;
  mine: boolean;
  standard: boolean;
};

/**
 * One page of a queue. Each branch (for security's "needs my decision": the stages naming them and
 * the stages left to security) walks its own index in the page's order and stops at the page
 * size; the page is the first `size` of their union. Only then are names and stages looked up.
 */
export async function listRequests(db: Database, actor: Actor, f: QueueFilter, at: Date): Promise<QueueRow[]> {
  const rows = await queryRows<{
    id: string;
    type: string;
    status: string;
    requester: string;
    subject: string | null;
    subject_id: string | null;
    created_at: Date | string;
    stage: string | null;
    stage_position: number | null;
    stages: number;
    mine: boolean;
    standard: boolean;
  }>(db, queueQuery(actor, f, at));
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    status: r.status,
    requester: r.requester,
    subject: r.subject,
    subjectId: r.subject_id,
    createdAt: isoOrNull(r.created_at)!,
    waitingHours: Math.max(0, Math.floor((at.getTime() - new Date(r.created_at).getTime()) / 3_600_000)),
    stage: r.stage,
    stagePosition: r.stage_position,
    stages: Number(r.stages),
    mine: Boolean(r.mine),
    standard: Boolean(r.standard),
  }));
}

/** The one statement behind a queue page (the benchmark replays it bare as the floor). */
export function queueQuery(actor: Actor, f: QueueFilter, at: Date): SQL {
  const me = sql`${actor.personId}::uuid`;
  const common: SQL[] = [];
  let branches: SQL[];
  if (f.queue === "decide") {
    common.push(sql`r.status = 'pending'`, sql`r.requester_id <> ${me}`);
    branches = [sql`r.awaiting_approver_id = ${me}`, ...(hasRole(actor, "security") ? [sql`r.awaiting_security`] : [])];
  } else {
    branches = [f.queue === "mine" ? sql`r.requester_id = ${me}` : canSeeAllRequests(actor) ? sql`true` : sql`false`];
    if (f.status) common.push(sql`r.status = ${f.status}::request_status`);
  }
  if (f.type) common.push(sql`r.type = ${f.type}::request_type`);
  if (f.overdue)
    common.push(
      sql`r.status = 'pending'`,
      sql`r.created_at <= ${new Date(at.getTime() - SERVICE_LEVEL_HOURS * 3_600_000).toISOString()}::timestamptz`,
    );
  if (f.standard) common.push(sql`r.standard`, sql`r.status = 'pending'`);

  const lead = f.sort === "type" ? "type" : f.sort === "status" ? "status" : null;
  const keys = (t: string) =>
    sql.raw(
      [lead, "created_at", "id"]
        .filter(Boolean)
        .map((c) => `${t}.${c} ${f.dir === "desc" ? "DESC" : "ASC"}`)
        .join(", "),
    );
  if (f.after) {
    const cursor = queueCursor(f.after, f.sort);
    if (!cursor) throw invalid(BROKEN_CURSOR, { after: [BROKEN_CURSOR] });
    const { key, createdAt, id } = cursor;
    const cmp = sql.raw(f.dir === "desc" ? "<" : ">");
    common.push(
      lead
        ? sql`(r.${sql.raw(lead)}, r.created_at, r.id) ${cmp} (${key}::${sql.raw(lead === "type" ? "request_type" : "request_status")}, ${createdAt}::timestamptz, ${id}::uuid)`
        : sql`(r.created_at, r.id) ${cmp} (${createdAt}::timestamptz, ${id}::uuid)`,
    );
  }
  const branch = (b: SQL) =>
    sql`(SELECT r.id, r.type, r.status, r.created_at FROM requests r WHERE ${sql.join([...common, b], sql` AND `)} ORDER BY ${keys("r")} LIMIT ${f.size})`;

  return sql`WITH page AS MATERIALIZED (SELECT * FROM (${sql.join(branches.map(branch), sql` UNION ALL `)}) p ORDER BY ${keys("p")} LIMIT ${f.size})
        SELECT r.id, r.type, r.status, u.name AS requester, coalesce(i.name, r.payload->>'name') AS subject, r.subject_identity_id AS subject_id, r.created_at,
          cs.approver_rule AS stage, r.current_stage AS stage_position, r.standard,
          (SELECT count(*)::int FROM approval_stages s WHERE s.request_id = r.id) AS stages, ${mineToDecide(actor)} AS mine
        FROM page p JOIN requests r ON r.id = p.id JOIN users u ON u.id = r.requester_id LEFT JOIN identities i ON i.id = r.subject_identity_id
          LEFT JOIN approval_stages cs ON cs.request_id = r.id AND cs.position = r.current_stage
        ORDER BY ${keys("p")}`;
}

/**
 * The inbox beside the bell: requests waiting for the actor's decision (counted to 99, "99+"
 * beyond), and the actor's own decided in the last three days. It runs on every page, so each
 * part is an index range: the stages naming the actor, and (for security) those left to security.
 */
export const INBOX_CAP = 99;

export async function inbox(db: Database, actor: Actor, at: Date): Promise<{ toDecide: number; decided: number }> {
  const [row] = await queryRows<{ to_decide: number; decided: number }>(db, inboxQuery(actor, at));
  return { toDecide: row?.to_decide ?? 0, decided: row?.decided ?? 0 };
}

export function inboxQuery(actor: Actor, at: Date): SQL {
  const since = new Date(at.getTime() - 3 * 86_400_000).toISOString();
  const me = sql`${actor.personId}::uuid`;
  const waiting = (b: SQL) =>
    sql`(SELECT 1 FROM requests r WHERE r.status = 'pending' AND r.requester_id <> ${me} AND ${b} LIMIT ${INBOX_CAP + 1})`;
  const branches = [
    waiting(sql`r.awaiting_approver_id = ${me}`),
    ...(hasRole(actor, "security") ? [waiting(sql`r.awaiting_security`)] : []),
  ];
  return sql`SELECT (SELECT count(*)::int FROM (SELECT 1 FROM (${sql.join(branches, sql` UNION ALL `)}) b LIMIT ${INBOX_CAP + 1}) w) AS to_decide,
      (SELECT count(*)::int FROM requests r WHERE r.requester_id = ${me} AND r.decided_at >= ${since}::timestamptz) AS decided`;
}

export type RequestDetail = {
  id: string;
  type: string;
  status: string;
  requesterId: string;
  requester: string;
  justification: string;
  payload: Record<string, unknown>;
  subjectId: string | null;
  subject: string | null;
  createdAt: string;
  decidedAt: string | null;
  policyVersion: string;
  trace: DecisionTrace;
  stages: {
    position: number;
    rule: string;
    approver: string | null;
    reason: string;
    decision: string | null;
    decidedBy: string | null;
    comment: string | null;
    decidedAt: string | null;
  }[];
  /** The payload's ids (ownerId, teamId, systemId, identityId, newOwnerId…) by key, as what they name. */
  references: Record<string, PayloadReference>;
  can: { decide: boolean; cancel: boolean };
};

export type PayloadReference = { kind: "person" | "team" | "system" | "identity"; id: string; name: string };

/** A request, for its requester, its approvers, security and auditors; not found for anyone else. */
export async function getRequestDetail(db: Database, actor: Actor, rawId: unknown): Promise<RequestDetail> {
  const parsed = z.guid().safeParse(rawId);
  if (!parsed.success) throw notFound("That request");
  const [r] = await queryRows<{
    id: string;
    type: string;
    status: string;
    requester_id: string;
    requester: string;
    justification: string;
    payload: Record<string, unknown>;
    subject_id: string | null;
    subject: string | null;
    created_at: Date | string;
    decided_at: Date | string | null;
    policy_version: string;
    decision_trace: DecisionTrace;
    mine: boolean;
  }>(
    db,
    sql`SELECT r.id, r.type, r.status, r.requester_id, u.name AS requester, r.justification, r.payload, r.subject_identity_id AS subject_id,
          coalesce(i.name, r.payload->>'name') AS subject, r.created_at, r.decided_at, r.policy_version, r.decision_trace, ${mineToDecide(actor)} AS mine
        FROM requests r JOIN users u ON u.id = r.requester_id LEFT JOIN identities i ON i.id = r.subject_identity_id
        WHERE r.id = ${parsed.data}::uuid`,
  );
  if (!r) throw notFound("That request");
  const stages = await queryRows<{
    position: number;
    approver_rule: string;
    approver: string | null;
    approver_id: string | null;
    reason: string;
    decision: string | null;
    decided_by: string | null;
    comment: string | null;
    decided_at: Date | string | null;
  }>(
    db,
    sql`SELECT s.position, s.approver_rule, a.name AS approver, s.approver_id, s.reason, sd.decision, d.name AS decided_by, sd.comment, sd.decided_at
        FROM approval_stages s LEFT JOIN users a ON a.id = s.approver_id LEFT JOIN stage_decisions sd ON sd.stage_id = s.id LEFT JOIN users d ON d.id = sd.decided_by
        WHERE s.request_id = ${r.id}::uuid ORDER BY s.position`,
  );
  const involved =
    r.requester_id === actor.personId ||
    canSeeAllRequests(actor) ||
    stages.some((s) => s.approver_id === actor.personId);
  if (!involved) throw notFound("That request");
  const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  const payload = parse(r.payload) as Record<string, unknown>;
  const references = await payloadReferences(db, payload);
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    requesterId: r.requester_id,
    requester: r.requester,
    justification: r.justification,
    payload,
    subjectId: r.subject_id,
    subject: r.subject,
    createdAt: isoOrNull(r.created_at)!,
    decidedAt: isoOrNull(r.decided_at),
    policyVersion: r.policy_version,
    trace: parse(r.decision_trace),
    stages: stages.map((s) => ({
      position: s.position,
      rule: s.approver_rule,
      approver: s.approver,
      reason: s.reason,
      decision: s.decision,
      decidedBy: s.decided_by,
      comment: s.comment,
      decidedAt: isoOrNull(s.decided_at),
    })),
    references,
    can: { decide: Boolean(r.mine), cancel: r.status === "pending" && r.requester_id === actor.personId },
  };
}

/**
 * What the payload's ids name, in one statement whatever their number: every `…Id` key holding a
 * uuid is looked up among people, teams, systems and identities (uuids do not collide across them), so
 * a key added to a request type later is resolved without a change here. Ids that name nothing
 * (a row since removed) are left out, and the page shows the raw value.
 */
async function payloadReferences(
  db: Database,
  payload: Record<string, unknown>,
): Promise<Record<string, PayloadReference>> {
  const keyed = Object.entries(payload).filter(
    (e): e is [string, string] => /Id$/.test(e[0]) && z.guid().safeParse(e[1]).success,
  );
  if (keyed.length === 0) return {};
  const ids = `{${[...new Set(keyed.map(([, v]) => v.toLowerCase()))].join(",")}}`;
  const rows = await queryRows<{ kind: PayloadReference["kind"]; id: string; name: string }>(
    db,
    sql`SELECT 'person' AS kind, id, name FROM users WHERE id = ANY (${ids}::uuid[])
        UNION ALL SELECT 'team', id, name FROM teams WHERE id = ANY (${ids}::uuid[])
        UNION ALL SELECT 'system', id, name FROM systems WHERE id = ANY (${ids}::uuid[])
        UNION ALL SELECT 'identity', id, name FROM identities WHERE id = ANY (${ids}::uuid[])`,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const out: Record<string, PayloadReference> = {};
  for (const [key, value] of keyed) {
    const hit = byId.get(value.toLowerCase());
    if (hit) out[key] = { kind: hit.kind, id: hit.id, name: hit.name };
  }
  return out;
}
