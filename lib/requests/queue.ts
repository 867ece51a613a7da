import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { REQUEST_STATUSES, REQUEST_TYPES, type requests } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth";
import { DAY } from "@/lib/clock";
import { parseInput } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";
import {
  BROKEN_CURSOR,
  cursorToken,
  decodeCursor,
  encodeCursor,
  flag,
  idPart,
  instantPart,
  pageSize,
  readCursor,
  searchInput,
} from "@/lib/paging";

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

/**
 * A page token: the last row's [created-at, id], led by its type or status when the queue sorts by
 * one, so a token from one sort is refused by another (it would skip or repeat rows).
 */
const CURSORS: Record<QueueSort, z.ZodType<{ key?: string; createdAt: string; id: string }>> = {
  created: z.tuple([instantPart, idPart]).transform(([createdAt, id]) => ({ createdAt, id })),
  type: z
    .tuple([z.enum(REQUEST_TYPES), instantPart, idPart])
    .transform(([key, createdAt, id]) => ({ key, createdAt, id })),
  status: z
    .tuple([z.enum(REQUEST_STATUSES), instantPart, idPart])
    .transform(([key, createdAt, id]) => ({ key, createdAt, id })),
};
const onlyWhenOn = flag.optional().transform((v) => v === true);

export const queueFilterSchema = z
  .object({
    queue: z.enum(QUEUES, { error: "Unknown queue." }).default("decide"),
    status: z.enum(REQUEST_STATUSES, { error: "Unknown status." }).optional(),
    type: z.enum(REQUEST_TYPES, { error: "Unknown request type." }).optional(),
    /** Pending past the service level. */
    overdue: onlyWhenOn,
    /** Only requests policy marks standard (bulk approvable). */
    standard: onlyWhenOn,
    sort: z.enum(QUEUE_SORTS, { error: "Sort by created, type or status." }).default("created"),
    dir: z.enum(["asc", "desc"], { error: "Use asc or desc." }).default("asc"),
    size: pageSize(),
    /** The last row of the previous page. */
    after: cursorToken.optional(),
  })
  .superRefine((f, ctx) => {
    // What a token holds depends on the sort. (One of the wrong shape already has its message.)
    if (f.after !== undefined && readCursor(CURSORS[f.sort], f.after) === null)
      ctx.addIssue({ code: "custom", path: ["after"], message: BROKEN_CURSOR });
  });
export type QueueFilter = z.infer<typeof queueFilterSchema>;

export function parseQueueFilter(params: Record<string, unknown>): QueueFilter {
  return parseInput(queueFilterSchema, searchInput(params), "Some filters are not valid.");
}

export const canSeeAllRequests = (actor: Actor) => hasRole(actor, "security", "auditor");

/** The cursor after a row, for the next page's `after`. */
export const cursorAfter = (row: Pick<QueueRow, "type" | "status" | "createdAt" | "id">, sort: QueueSort) =>
  encodeCursor(sort === "created" ? [row.createdAt, row.id] : [row[sort], row.createdAt, row.id]);

/**
 * "The current stage is mine to decide", over `r`: read from the columns lib/requests/stages.ts
 * keeps, the rule decide.ts enforces (the person the stage names, else security; never the requester).
 */
export function mineToDecide(actor: Actor): SQL {
  const me = sql`${actor.personId}::uuid`;
  return sql`(r.status = 'pending' AND r.requester_id <> ${me} AND (r.awaiting_approver_id = ${me}${hasRole(actor, "security") ? sql` OR r.awaiting_security` : sql``}))`;
}

type Request = typeof requests.$inferSelect;

export type QueueRow = Pick<Request, "id" | "type" | "status" | "standard"> & {
  requester: string;
  subject: string | null;
  subjectId: string | null;
  createdAt: string;
  waitingHours: number;
  stage: string | null;
  stagePosition: number | null;
  stages: number;
  mine: boolean;
};

/**
 * One page of a queue. Each branch (for security's "needs my decision": the stages naming them and
 * the stages left to security) walks its own index in the page's order and stops at the page
 * size; the page is the first `size` of their union. Only then are names and stages looked up.
 */
export async function listRequests(db: Database, actor: Actor, f: QueueFilter, at: Date): Promise<QueueRow[]> {
  const rows = await queryRows<
    Pick<Request, "id" | "type" | "status" | "standard"> & {
      requester: string;
      subject: string | null;
      subject_id: string | null;
      created_at: Date | string;
      stage: string | null;
      stage_position: number | null;
      stages: number;
      mine: boolean;
    }
  >(db, queueQuery(actor, f, at));
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
    const { key, createdAt, id } = decodeCursor(CURSORS[f.sort], f.after);
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
  const since = new Date(at.getTime() - 3 * DAY).toISOString();
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
