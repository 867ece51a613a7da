import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { REVOCATION_STATUSES } from "@/db/schema";
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
  /** The last row of the previous page. */
  after: cursorParam(CURSOR).optional(),
});
export type RevocationFilter = z.infer<typeof revocationFilterSchema>;

export function parseRevocationFilter(params: Record<string, unknown>): RevocationFilter {
  return parseInput(revocationFilterSchema, searchInput(params), "Some filters are not valid.");
}

export type RevocationRow = {
  id: string;
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
  if (f.after) {
    const [at, id] = decodeCursor(CURSOR, f.after);
    where.push(sql`(r.created_at, r.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await queryRows<{
    id: string;
    target_type: string;
    identity_id: string;
    identity: string;
    system: string;
    connector: string;
    resource: string | null;
    permission: string | null;
    reason: string;
    requested_by: string | null;
    status: string;
    attempts: number;
    next_attempt_at: Date | string | null;
    last_error: string | null;
    connector_result: unknown;
    evidence: unknown;
    created_at: Date | string;
    verified_at: Date | string | null;
  }>(
    db,
    sql`SELECT r.id, r.target_type, r.identity_id, i.name AS identity, s.name AS system, s.connector, e.resource, e.permission, r.reason, u.name AS requested_by,
          r.status, r.attempts, r.next_attempt_at, r.last_error, r.connector_result, r.evidence, r.created_at, r.verified_at
        FROM revocations r JOIN identities i ON i.id = r.identity_id JOIN systems s ON s.id = i.system_id
          LEFT JOIN entitlements e ON e.id = r.entitlement_id LEFT JOIN users u ON u.id = r.requested_by
        ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
        ORDER BY r.created_at DESC, r.id DESC LIMIT ${PAGE_SIZE}`,
  );
  const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  return rows.map((r) => ({
    id: r.id,
    target: r.target_type,
    identityId: r.identity_id,
    identity: r.identity,
    system: r.system,
    connector: r.connector,
    entitlement: r.resource ? `${r.permission} on ${r.resource}` : null,
    reason: r.reason,
    requestedBy: r.requested_by,
    status: r.status,
    attempts: r.attempts,
    maxAttempts: MAX_ATTEMPTS,
    nextAttemptAt: isoOrNull(r.next_attempt_at),
    lastError: r.last_error,
    connectorResult: json(r.connector_result),
    evidence: json(r.evidence),
    createdAt: isoOrNull(r.created_at)!,
    verifiedAt: isoOrNull(r.verified_at),
    gaveUp: r.status === "failed" && r.next_attempt_at === null,
  }));
}

export const cursorAfter = (r: Pick<RevocationRow, "createdAt" | "id">) => encodeCursor([r.createdAt, r.id]);
