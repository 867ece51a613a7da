import "server-only";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "@/db";
import { identityColumns, pick, readRows, revocationColumns, stageColumns, stageDecisionColumns } from "@/db/columns";
import {
  approvalStages,
  entitlements,
  identities,
  requests,
  revocations,
  stageDecisions,
  users,
  type DecisionTrace,
} from "@/db/schema";
import type { Actor } from "@/lib/auth";
import { notFound } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";
import { canSeeAllRequests, mineToDecide } from "./queue";

/**
 * One request's page: what was asked, why, policy's trace, its stages and who decided them, and
 * what the payload's ids name. Shown to its requester, its approvers, security and auditors.
 */
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
  /** For an approved grant: where carrying it out in the target system stands. */
  grant: GrantProgress | null;
};

/** The grant an approval queued: its operation's status and the entitlement's (pending until the system confirms). */
export type GrantProgress = {
  status: string;
  entitlementStatus: string;
  attempts: number;
  lastError: string | null;
  verifiedAt: string | null;
  expiresAt: string | null;
};

export type PayloadReference = { kind: "person" | "team" | "system" | "identity"; id: string; name: string };

// mineToDecide (queue.ts) names the request `r`.
const r = alias(requests, "r");
const requester = alias(users, "u");
const subject = alias(identities, "i");
const approver = alias(users, "a");
const decider = alias(users, "d");

/** A request, for its requester, its approvers, security and auditors; not found for anyone else. */
export async function getRequestDetail(db: Database, actor: Actor, rawId: unknown): Promise<RequestDetail> {
  const parsed = z.guid().safeParse(rawId);
  if (!parsed.success) throw notFound("That request");
  const [req] = await db
    .select({
      id: r.id,
      type: r.type,
      status: r.status,
      requesterId: r.requesterId,
      requester: requester.name,
      justification: r.justification,
      payload: r.payload,
      subjectId: r.subjectIdentityId,
      subject: sql<string | null>`coalesce(${subject.name}, ${r.payload}->>'name')`,
      createdAt: r.createdAt,
      decidedAt: r.decidedAt,
      policyVersion: r.policyVersion,
      trace: r.decisionTrace,
      mine: sql<boolean>`${mineToDecide(actor)}`,
    })
    .from(r)
    .innerJoin(requester, eq(requester.id, r.requesterId))
    .leftJoin(subject, eq(subject.id, r.subjectIdentityId))
    .where(eq(r.id, parsed.data));
  if (!req) throw notFound("That request");
  const stages = await db
    .select({
      ...pick(stageColumns, "position", "approverId", "reason"),
      ...pick(stageDecisionColumns, "decision", "comment", "decidedAt"),
      rule: approvalStages.approverRule,
      approver: approver.name,
      decidedBy: decider.name,
    })
    .from(approvalStages)
    .leftJoin(approver, eq(approver.id, approvalStages.approverId))
    .leftJoin(stageDecisions, eq(stageDecisions.stageId, approvalStages.id))
    .leftJoin(decider, eq(decider.id, stageDecisions.decidedBy))
    .where(eq(approvalStages.requestId, req.id))
    .orderBy(asc(approvalStages.position));
  const involved =
    req.requesterId === actor.personId ||
    canSeeAllRequests(actor) ||
    stages.some((s) => s.approverId === actor.personId);
  if (!involved) throw notFound("That request");
  const references = await payloadReferences(db, req.payload);
  const grant = req.type === "grant_entitlement" ? await grantProgress(db, req.id) : null;
  const { mine, trace, createdAt, decidedAt, ...rest } = req;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    decidedAt: isoOrNull(decidedAt),
    trace,
    stages: stages.map(({ approverId: _approverId, decidedAt: at, ...s }) => ({ ...s, decidedAt: isoOrNull(at) })),
    references,
    can: { decide: Boolean(mine), cancel: req.status === "pending" && req.requesterId === actor.personId },
    grant,
  };
}

/** The newest grant operation of the request's entitlement (a request grants one). */
async function grantProgress(db: Database, requestId: string): Promise<GrantProgress | null> {
  const [row] = await db
    .select({
      ...pick(revocationColumns, "status", "attempts", "lastError", "verifiedAt"),
      entitlementStatus: entitlements.status,
      expiresAt: entitlements.expiresAt,
    })
    .from(entitlements)
    .innerJoin(revocations, and(eq(revocations.entitlementId, entitlements.id), eq(revocations.operation, "grant")))
    .where(eq(entitlements.grantedByRequestId, requestId))
    .orderBy(desc(revocations.createdAt))
    .limit(1);
  if (!row) return null;
  return { ...row, verifiedAt: isoOrNull(row.verifiedAt), expiresAt: isoOrNull(row.expiresAt) };
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
  // UNION ALL over four tables: raw SQL, read by a column set.
  const rows = await readRows(
    db,
    { kind: sql<PayloadReference["kind"]>`kind`, ...pick(identityColumns, "id", "name") },
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
