import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import type { DecisionTrace } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
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
