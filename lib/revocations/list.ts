import "server-only";
import { and, desc, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "@/db";
import { pick } from "@/db/columns";
import {
  CONNECTOR_OPERATIONS,
  entitlements,
  identities,
  REVOCATION_STATUSES,
  revocations,
  systems,
  users,
} from "@/db/schema";
import type { Actor } from "@/lib/auth";
import { notFound, parseInput } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";
import { identityScopeSql } from "@/lib/identities";
import { cursorParam, decodeCursor, encodeCursor, idPart, instantPart, searchInput } from "@/lib/paging";
import { isGuid } from "@/lib/validation";
import { MAX_ATTEMPTS } from "./run";

/**
 * Where each revocation stands, with the connector's evidence: the Revocations page (everything
 * the actor may see, newest first, keyset pages) and the identity page (its own). "Needs
 * attention" is what failed: security's work list.
 */
/** A page token: the last row's [created-at, id] (the list is newest first). */
const CURSOR = z.tuple([instantPart, idPart]);

export const revocationFilterSchema = z.object({
  status: z.enum([...REVOCATION_STATUSES, "attention"] as const, { error: "Unknown status." }).optional(),
  operation: z.enum(CONNECTOR_OPERATIONS, { error: "Unknown operation: grant or revoke." }).optional(),
  /** The last row of the previous page. */
  after: cursorParam(CURSOR).optional(),
});
export type RevocationFilter = z.infer<typeof revocationFilterSchema>;

export function parseRevocationFilter(params: Record<string, unknown>): RevocationFilter {
  return parseInput(revocationFilterSchema, searchInput(params), "Some filters are not valid.");
}

export type RevocationRow = {
  id: string;
  /** revoke, or grant (the mirror, carried out by the same runner). */
  operation: "revoke" | "grant";
  target: string;
  identityId: string;
  identity: string;
  system: string;
  connector: string;
  entitlement: string | null;
  reason: string;
  requestedBy: string | null;
  status: string;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  connectorResult: unknown;
  evidence: unknown;
  createdAt: string;
  verifiedAt: string | null;
  gaveUp: boolean;
};

export const PAGE_SIZE = 50;

// The list's SQL names the revocation r and its identity i (the inventory's scope reads i).
const r = alias(revocations, "r");
const i = alias(identities, "i");
const s = alias(systems, "s");
const e = alias(entitlements, "e");
const u = alias(users, "u");
const listColumns = {
  ...pick(getTableColumns(r), "id", "identityId", "reason", "status", "attempts", "lastError", "connectorResult"),
  ...pick(getTableColumns(r), "evidence", "nextAttemptAt", "createdAt", "verifiedAt", "targetType", "operation"),
  identity: i.name,
  system: s.name,
  connector: s.connector,
  resource: e.resource,
  permission: e.permission,
  requestedBy: u.name,
};

/**
 * One page of revocations in the actor's scope (the inventory's), or an identity's own. Ids and
 * cursors are checked again here, whoever built the filter: a malformed one is "not found" or a
 * broken page link, never a failed cast.
 */
export async function listRevocations(
  db: Database,
  actor: Actor,
  f: RevocationFilter,
  identityId?: string,
): Promise<RevocationRow[]> {
  const where: SQL[] = [];
  const scope = identityScopeSql(actor);
  if (scope) where.push(scope);
  if (identityId !== undefined) {
    if (!isGuid(identityId)) throw notFound("That identity");
    where.push(sql`r.identity_id = ${identityId}::uuid`);
  }
  if (f.status === "attention") where.push(sql`r.status = 'failed'`);
  else if (f.status) where.push(sql`r.status = ${f.status}::revocation_status`);
  if (f.operation) where.push(sql`r.operation = ${f.operation}::connector_operation`);
  if (f.after) {
    const [at, id] = decodeCursor(CURSOR, f.after);
    where.push(sql`(r.created_at, r.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return revocationRows(db, where, PAGE_SIZE);
}

/** Revocations matching `where` (over the aliases r, i, s, e, u), newest first. */
async function revocationRows(db: Database, where: SQL[], limit: number): Promise<RevocationRow[]> {
  const rows = await db
    .select(listColumns)
    .from(r)
    .innerJoin(i, eq(i.id, r.identityId))
    .innerJoin(s, eq(s.id, i.systemId))
    .leftJoin(e, eq(e.id, r.entitlementId))
    .leftJoin(u, eq(u.id, r.requestedBy))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(r.createdAt), desc(r.id))
    .limit(limit);
  return rows.map(({ targetType, resource, permission, ...row }) => ({
    ...row,
    target: targetType,
    entitlement: resource ? `${permission} on ${resource}` : null,
    maxAttempts: MAX_ATTEMPTS,
    nextAttemptAt: isoOrNull(row.nextAttemptAt),
    createdAt: isoOrNull(row.createdAt)!,
    verifiedAt: isoOrNull(row.verifiedAt),
    gaveUp: row.status === "failed" && row.nextAttemptAt === null,
  }));
}

/** One revocation (or grant) and where it stands, if it is in the actor's scope (the inventory's). */
export async function getRevocation(db: Database, actor: Actor, id: unknown): Promise<RevocationRow> {
  if (!isGuid(id)) throw notFound("That revocation");
  const scope = identityScopeSql(actor);
  const [row] = await revocationRows(db, [...(scope ? [scope] : []), sql`r.id = ${id}::uuid`], 1);
  if (!row) throw notFound("That revocation");
  return row;
}

export const cursorAfter = (r: Pick<RevocationRow, "createdAt" | "id">) => encodeCursor([r.createdAt, r.id]);
