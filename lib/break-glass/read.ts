import "server-only";
import { eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "@/db";
import { pick, readRows, revocationColumns, selectList, type RowOf } from "@/db/columns";
import { auditEvents, breakGlassGrants, revocations } from "@/db/schema";
import { type Actor, hasRole } from "@/lib/auth";
import { now } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";

/**
 * What people see of break-glass: security and auditors everything; a holder their own; a manager
 * their reports'. The page's sections, one grant's record with the timeline of its window (the
 * audit events of the identity and the grant from its start to an hour after its end), and the
 * counts the overview shows.
 */
/** The break-glass rows `actor` may see (over `break_glass_grants b`). */
export function breakGlassScope(actor: Actor): SQL {
  if (hasRole(actor, "security", "auditor")) return sql`true`;
  return sql`(b.requester_id = ${actor.personId}::uuid OR EXISTS (SELECT 1 FROM users h WHERE h.id = b.requester_id AND h.manager_id = ${actor.personId}::uuid))`;
}

// The list's SQL names the grant b, its identity i, system s and holder u.
const b = alias(breakGlassGrants, "b");
const listColumns = {
  ...pick(getTableColumns(b), "id", "identityId", "requesterId", "resource", "permission", "hours", "justification"),
  ...pick(getTableColumns(b), "incidentRef", "status", "onCall", "blockedByOverdue", "startsAt", "hardEndAt"),
  ...pick(getTableColumns(b), "activatedAt", "decidedAt", "decisionComment", "endedAt", "endReason", "reviewDueAt"),
  ...pick(getTableColumns(b), "reviewedAt", "reviewComment", "requireRotation", "grantOpId", "revokeOpId", "createdAt"),
  identity: sql<string>`i.name`,
  system: sql<string>`s.name`,
  holder: sql<string>`u.name`,
  holderManagerId: sql<string | null>`u.manager_id`,
  decidedBy: sql<string | null>`(SELECT name FROM users WHERE id = b.decided_by)`,
  endedBy: sql<string | null>`(SELECT name FROM users WHERE id = b.ended_by)`,
  reviewedBy: sql<string | null>`(SELECT name FROM users WHERE id = b.reviewed_by)`,
};
type Raw = RowOf<typeof listColumns>;

const readList = (db: Database, where: SQL, order: SQL, limit: number) =>
  readRows(
    db,
    listColumns,
    sql`SELECT ${selectList(listColumns)}
      FROM break_glass_grants b JOIN identities i ON i.id = b.identity_id JOIN systems s ON s.id = i.system_id JOIN users u ON u.id = b.requester_id
      WHERE ${where} ORDER BY ${order} LIMIT ${limit}`,
  );
export type BreakGlassView = Omit<
  Raw,
  | "startsAt"
  | "hardEndAt"
  | "activatedAt"
  | "decidedAt"
  | "endedAt"
  | "reviewDueAt"
  | "reviewedAt"
  | "createdAt"
  | "holderManagerId"
> & {
  startsAt: string;
  hardEndAt: string;
  activatedAt: string | null;
  decidedAt: string | null;
  endedAt: string | null;
  reviewDueAt: string | null;
  reviewedAt: string | null;
  createdAt: string;
  /** What the actor may do with it now. */
  can: { decide: boolean; end: boolean; review: boolean };
  reviewOverdue: boolean;
};

function view(actor: Actor, r: Raw, at: Date): BreakGlassView {
  const security = hasRole(actor, "security");
  const own = r.requesterId === actor.personId;
  const { holderManagerId, ...rest } = r;
  return {
    ...rest,
    startsAt: r.startsAt.toISOString(),
    hardEndAt: r.hardEndAt.toISOString(),
    activatedAt: isoOrNull(r.activatedAt),
    decidedAt: isoOrNull(r.decidedAt),
    endedAt: isoOrNull(r.endedAt),
    reviewDueAt: isoOrNull(r.reviewDueAt),
    reviewedAt: isoOrNull(r.reviewedAt),
    createdAt: r.createdAt.toISOString(),
    reviewOverdue: r.status === "ended" && r.reviewDueAt !== null && r.reviewDueAt.getTime() < at.getTime(),
    can: {
      decide: security && !own && r.status === "requested" && r.decidedAt === null,
      end: (security || own) && r.status === "active",
      review: !own && (security || holderManagerId === actor.personId) && r.status === "ended",
    },
  };
}

export type BreakGlassBoard = {
  waiting: BreakGlassView[];
  active: BreakGlassView[];
  reviews: BreakGlassView[];
  reviewed: BreakGlassView[];
};

const SECTION = 200;

/** The Break-glass page: waiting for approval, active, post-use reviews open, recently reviewed. */
export async function breakGlassBoard(db: Database, actor: Actor): Promise<BreakGlassBoard> {
  const scope = breakGlassScope(actor);
  const at = now();
  const [waiting, active, reviews, reviewed] = await Promise.all([
    readList(db, sql`${scope} AND b.status = 'requested'`, sql`b.decided_at NULLS FIRST, b.created_at`, SECTION),
    readList(db, sql`${scope} AND b.status = 'active'`, sql`b.hard_end_at, b.id`, SECTION),
    readList(db, sql`${scope} AND b.status = 'ended'`, sql`b.review_due_at, b.id`, SECTION),
    readList(db, sql`${scope} AND b.status IN ('reviewed', 'denied')`, sql`b.created_at DESC, b.id`, 20),
  ]);
  const v = (rows: Raw[]) => rows.map((r) => view(actor, r, at));
  return { waiting: v(waiting), active: v(active), reviews: v(reviews), reviewed: v(reviewed) };
}

export type TimelineEvent = { at: string; action: string; actor: string; subject: string | null; detail: unknown };
export type OperationView = {
  id: string;
  operation: string;
  status: string;
  attempts: number;
  lastError: string | null;
  verifiedAt: string | null;
  evidence: unknown;
};
export type BreakGlassDetail = BreakGlassView & {
  timeline: TimelineEvent[];
  grant: OperationView | null;
  revocation: OperationView | null;
};

const TIMELINE_CAP = 500;
const e = alias(auditEvents, "e");
const timelineColumns = {
  at: e.occurredAt,
  action: e.action,
  actor: e.actorLabel,
  subject: e.subjectType,
  detail: e.after,
};
const opColumns = pick(
  revocationColumns,
  "id",
  "operation",
  "status",
  "attempts",
  "lastError",
  "verifiedAt",
  "evidence",
  "connectorResult",
);

/** One break-glass, with the timeline of its window plus an hour and its grant's and revocation's verification. */
export async function getBreakGlass(db: Database, actor: Actor, rawId: unknown): Promise<BreakGlassDetail> {
  const parsed = z.guid().safeParse(rawId);
  if (!parsed.success) throw notFound("That break-glass");
  const [row] = await readList(db, sql`${breakGlassScope(actor)} AND b.id = ${parsed.data}::uuid`, sql`b.id`, 1);
  if (!row) throw notFound("That break-glass");
  const at = now();
  const from = row.activatedAt ?? row.createdAt;
  const until = new Date((row.endedAt ?? at).getTime() + 3_600_000);
  const timeline = await readRows(
    db,
    timelineColumns,
    sql`SELECT ${selectList(timelineColumns)} FROM audit_events e
      WHERE ((e.subject_type = 'identity' AND e.subject_id = ${row.identityId}) OR (e.subject_type = 'break_glass' AND e.subject_id = ${row.id}))
        AND e.occurred_at >= ${new Date(Math.min(from.getTime(), row.createdAt.getTime())).toISOString()}::timestamptz
        AND e.occurred_at <= ${until.toISOString()}::timestamptz
      ORDER BY e.seq LIMIT ${TIMELINE_CAP}`,
  );
  const op = async (id: string | null): Promise<OperationView | null> => {
    if (!id) return null;
    const [o] = await db.select(opColumns).from(revocations).where(eq(revocations.id, id));
    return o
      ? {
          ...o,
          verifiedAt: isoOrNull(o.verifiedAt),
          evidence: { connector: o.connectorResult, confirmation: o.evidence },
        }
      : null;
  };
  return {
    ...view(actor, row, at),
    timeline: timeline.map((e) => ({ ...e, at: e.at.toISOString() })),
    grant: await op(row.grantOpId),
    revocation: await op(row.revokeOpId),
  };
}

export type BreakGlassSummary = { active: number; waiting: number; reviewsOpen: number; reviewsOverdue: number };

/** The overview's counts, in the actor's scope: reviews are those the actor may complete (or, for a holder, their own). */
export async function breakGlassSummary(db: Database, actor: Actor): Promise<BreakGlassSummary> {
  const [row] = await readRows(
    db,
    {
      active: sql<number>`active`.mapWith(Number),
      waiting: sql<number>`waiting`.mapWith(Number),
      reviewsOpen: sql<number>`reviews_open`.mapWith(Number),
      reviewsOverdue: sql<number>`reviews_overdue`.mapWith(Number),
    },
    sql`SELECT count(*) FILTER (WHERE b.status = 'active') AS "active",
        count(*) FILTER (WHERE b.status = 'requested' AND b.decided_at IS NULL) AS "waiting",
        count(*) FILTER (WHERE b.status = 'ended') AS "reviewsOpen",
        count(*) FILTER (WHERE b.status = 'ended' AND b.review_due_at < ${now().toISOString()}::timestamptz) AS "reviewsOverdue"
      FROM break_glass_grants b WHERE ${breakGlassScope(actor)} AND b.status IN ('requested', 'active', 'ended')`,
  );
  return row ?? { active: 0, waiting: 0, reviewsOpen: 0, reviewsOverdue: 0 };
}
