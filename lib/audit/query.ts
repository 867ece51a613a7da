import "server-only";
import { and, asc, desc, eq, gte, ilike, inArray, lt, gt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { distinctValues } from "@/db/columns";
import { auditEvents, users } from "@/db/schema";
import { forbidden, parseInput } from "@/lib/errors";
import {
  cursorParam,
  dayEnd,
  dayStart,
  decodeCursor,
  encodeCursor,
  isoDayParam,
  pageSize,
  searchInput,
} from "@/lib/paging";
import { text } from "@/lib/validation";
import { canReadAuditLog, type AuditReader } from "./access";

/** A page token: the sequence number of the row the page continues from. */
const CURSOR = z.tuple([z.number().int().positive().max(Number.MAX_SAFE_INTEGER)]);

/** The audit page's URL state; unknown or malformed values get a clear message, sizes a clamp. */
export const auditFilterSchema = z.object({
  actor: text().trim().max(200, "Actor is at most 200 characters.").optional(),
  action: text().trim().max(100, "Action is at most 100 characters.").optional(),
  subjectType: text().trim().max(50, "Subject type is at most 50 characters.").optional(),
  subjectId: text().trim().max(200, "Subject id is at most 200 characters.").optional(),
  from: isoDayParam().optional(),
  to: isoDayParam().optional(),
  before: cursorParam(CURSOR).optional(),
  after: cursorParam(CURSOR).optional(),
  order: z.enum(["desc", "asc"]).catch("desc").default("desc"),
  size: pageSize(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export type AuditEventDto = {
  seq: number;
  occurredAt: string;
  actorType: string;
  actorLabel: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  before: string | null;
  after: string | null;
  hash: string;
};

/** Page tokens for the `after` (towards the start) and `before` (away from it) links. */
export type AuditPage = { events: AuditEventDto[]; newerCursor: string | null; olderCursor: string | null };

/** Parses raw URL params into a filter, or throws `invalid` with a message per field. */
export function parseAuditFilter(params: Record<string, unknown>): AuditFilter {
  return parseInput(auditFilterSchema, searchInput(params), "Some filters are not valid.");
}

/**
 * One page of the audit log, newest first by default, with keyset cursors on the sequence number
 * (no OFFSET, no COUNT over the whole log). Security and auditors only.
 */
export async function listAuditEvents(db: Database, actor: AuditReader, unchecked: AuditFilter): Promise<AuditPage> {
  if (!canReadAuditLog(actor)) throw forbidden("Only security and auditors may read the audit log.");
  // Checked again whoever built it: a date or cursor that would not cast is a message, not a failed statement.
  const filter = parseInput(auditFilterSchema, unchecked, "Some filters are not valid.");
  const where: SQL[] = [];
  if (filter.actor) {
    const pattern = `%${escapeLike(filter.actor)}%`;
    const people = db
      .select({ id: sql<string>`${users.id}::text` })
      .from(users)
      .where(or(ilike(users.name, pattern), ilike(users.email, pattern)));
    where.push(or(ilike(auditEvents.actorLabel, pattern), inArray(auditEvents.actorId, people))!);
  }
  if (filter.action) where.push(eq(auditEvents.action, filter.action));
  if (filter.subjectType) where.push(eq(auditEvents.subjectType, filter.subjectType));
  if (filter.subjectId) where.push(eq(auditEvents.subjectId, filter.subjectId));
  if (filter.from) where.push(gte(auditEvents.occurredAt, dayStart(filter.from)));
  if (filter.to) where.push(lt(auditEvents.occurredAt, dayEnd(filter.to)));

  // Walking "back" (towards the newest when listing newest first) reads in reverse, then flips.
  const newestFirst = filter.order === "desc";
  const goingBack = filter.after !== undefined && filter.before === undefined;
  if (filter.before !== undefined) {
    const [before] = decodeCursor(CURSOR, filter.before, "before");
    where.push(newestFirst ? lt(auditEvents.seq, before) : gt(auditEvents.seq, before));
  }
  if (goingBack) {
    const [after] = decodeCursor(CURSOR, filter.after, "after");
    where.push(newestFirst ? gt(auditEvents.seq, after) : lt(auditEvents.seq, after));
  }
  const descending = newestFirst !== goingBack;

  const rows = await db
    .select()
    .from(auditEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(descending ? desc(auditEvents.seq) : asc(auditEvents.seq))
    .limit(filter.size + 1);
  const hasMore = rows.length > filter.size;
  const page = rows.slice(0, filter.size);
  if (goingBack) page.reverse();

  const first = page[0] ? encodeCursor([page[0].seq]) : null;
  const last = page.at(-1) ? encodeCursor([page.at(-1)!.seq]) : null;
  const atStart = filter.before === undefined && filter.after === undefined;
  return {
    events: page.map(toDto),
    // "before" continues away from the start of the list, "after" goes back towards it.
    olderCursor: (goingBack ? page.length > 0 : hasMore) ? last : null,
    newerCursor: atStart ? null : goingBack ? (hasMore ? first : null) : first,
  };
}

/** The distinct actions and subject types in the log, for the filter pickers (loose index scans). */
export async function auditFacets(
  db: Database,
  actor: AuditReader,
): Promise<{ actions: string[]; subjectTypes: string[] }> {
  if (!canReadAuditLog(actor)) throw forbidden("Only security and auditors may read the audit log.");
  const actions = await distinctValues(db, auditEvents.action);
  const subjectTypes = await distinctValues(db, auditEvents.subjectType);
  return { actions, subjectTypes };
}

function toDto(row: typeof auditEvents.$inferSelect): AuditEventDto {
  return {
    seq: row.seq,
    occurredAt: row.occurredAt.toISOString(),
    actorType: row.actorType,
    actorLabel: row.actorLabel,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    before: summarise(row.before),
    after: summarise(row.after),
    hash: row.hash,
  };
}

function summarise(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
