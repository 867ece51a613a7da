import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { notFound } from "@/lib/errors";
import {
  canAttest,
  canEditPurpose,
  canHandOver,
  canRevoke,
  canSee,
  canShortenExpiry,
  isLive,
  relationTo,
} from "./access";
import { statesSql } from "./inventory-query";
import { pgArray } from "./inventory";
import { DERIVED_DEFAULTS, type DerivedState } from "./derived-states";
import { RISK_FACTOR_BY_KEY, type RiskFactor } from "./risk";
import { isoOrNull } from "@/lib/format";

export type PersonRef = { id: string; name: string; email: string; departed: boolean } | null;

export type IdentityDetail = {
  id: string;
  name: string;
  kind: string;
  environment: string;
  status: string;
  system: { id: string; name: string; kind: string };
  owner: PersonRef;
  backupOwner: PersonRef;
  team: string | null;
  purpose: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastRotatedAt: string | null;
  nextReviewAt: string | null;
  credentialType: string;
  rotationPeriodDays: number | null;
  secretStore: string | null;
  origin: string;
  externalId: string | null;
  states: DerivedState[];
  risk: { score: number; factors: RiskFactor[] };
  entitlements: {
    id: string;
    resource: string;
    permission: string;
    privileged: boolean;
    status: string;
    expiresAt: string | null;
    createdAt: string;
  }[];
  requests: {
    id: string;
    type: string;
    status: string;
    requester: string;
    createdAt: string;
    decidedAt: string | null;
  }[];
  /** Policy exceptions granted for it, newest first; `inForce` while they have not ended. */
  exceptions: {
    id: string;
    rule: string;
    justification: string;
    startsAt: string;
    endsAt: string;
    requestId: string;
    inForce: boolean;
  }[];
  reviews: {
    id: string;
    campaign: string;
    decision: string | null;
    reviewer: string | null;
    decidedAt: string | null;
  }[];
  timeline: { seq: number; occurredAt: string; actor: string; action: string; before: unknown; after: unknown }[];
  can: {
    attest: boolean;
    editPurpose: boolean;
    handOver: boolean;
    shortenExpiry: boolean;
    revoke: boolean;
    confirmRevocation: boolean;
  };
};

type Row = {
  id: string;
  name: string;
  kind: string;
  environment: string;
  status: string;
  system_id: string;
  system_name: string;
  system_kind: string;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  owner_status: string | null;
  backup_owner_id: string | null;
  backup_name: string | null;
  backup_email: string | null;
  backup_status: string | null;
  team_id: string | null;
  team_name: string | null;
  purpose: string | null;
  created_at: Date | string;
  expires_at: Date | string | null;
  last_used_at: Date | string | null;
  last_rotated_at: Date | string | null;
  next_review_at: Date | string | null;
  credential_type: string;
  rotation_period_days: number | null;
  secret_store: string | null;
  origin: string;
  external_id: string | null;
  risk_score: number;
  risk_factors: string[] | string;
  states: string[] | string;
};

const iso = isoOrNull;
const person = (id: string | null, name: string | null, email: string | null, status: string | null): PersonRef =>
  id && name ? { id, name, email: email ?? "", departed: status === "departed" } : null;

/** Everything the identity page shows, for those who may see the identity; not found otherwise. */
export async function getIdentityDetail(db: Database, actor: Actor, rawId: unknown): Promise<IdentityDetail> {
  const parsed = z.guid().safeParse(rawId);
  if (!parsed.success) throw notFound("That identity");
  const id = parsed.data;
  const at = now();
  const [row] = await queryRows<Row>(
    db,
    sql`SELECT i.*, s.name AS system_name, s.kind AS system_kind,
          o.name AS owner_name, o.email AS owner_email, o.status AS owner_status,
          b.name AS backup_name, b.email AS backup_email, b.status AS backup_status, t.name AS team_name,
          ${statesSql(at, { idle: DERIVED_DEFAULTS.dormantDays, within: DERIVED_DEFAULTS.expiringDays }, sql`o.status`)} AS states
        FROM identities i JOIN systems s ON s.id = i.system_id
        LEFT JOIN users o ON o.id = i.owner_id LEFT JOIN users b ON b.id = i.backup_owner_id LEFT JOIN teams t ON t.id = i.team_id
        WHERE i.id = ${id}::uuid`,
  );
  if (!row) throw notFound("That identity");
  const rel = await relationTo(db, actor, row);
  if (!canSee(rel)) throw notFound("That identity");

  const [entitlements, requests, reviews, timeline, exceptions] = await Promise.all([
    queryRows<{
      id: string;
      resource: string;
      permission: string;
      privileged: boolean;
      status: string;
      expires_at: Date | null;
      created_at: Date;
    }>(
      db,
      sql`SELECT id, resource, permission, privileged, status, expires_at, created_at FROM entitlements WHERE identity_id = ${id}::uuid ORDER BY status, privileged DESC, resource, permission`,
    ),
    queryRows<{
      id: string;
      type: string;
      status: string;
      requester: string;
      created_at: Date;
      decided_at: Date | null;
    }>(
      db,
      sql`SELECT r.id, r.type, r.status, u.name AS requester, r.created_at, r.decided_at FROM requests r JOIN users u ON u.id = r.requester_id
          WHERE r.subject_identity_id = ${id}::uuid ORDER BY r.created_at DESC LIMIT 50`,
    ),
    queryRows<{
      id: string;
      campaign: string;
      decision: string | null;
      reviewer: string | null;
      decided_at: Date | null;
    }>(
      db,
      sql`SELECT ri.id, c.name AS campaign, ri.decision, u.name AS reviewer, ri.decided_at FROM review_items ri JOIN campaigns c ON c.id = ri.campaign_id
          LEFT JOIN users u ON u.id = ri.reviewer_id WHERE ri.identity_id = ${id}::uuid ORDER BY c.starts_at DESC LIMIT 50`,
    ),
    queryRows<{
      seq: number | string;
      occurred_at: Date;
      actor_label: string;
      action: string;
      before: unknown;
      after: unknown;
    }>(
      db,
      sql`SELECT seq, occurred_at, actor_label, action, before, after FROM audit_events
          WHERE subject_type = 'identity' AND subject_id = ${id} ORDER BY seq DESC LIMIT 100`,
    ),
    queryRows<{ id: string; rule: string; justification: string; starts_at: Date; ends_at: Date; request_id: string }>(
      db,
      sql`SELECT id, rule, justification, starts_at, ends_at, request_id FROM policy_exceptions WHERE identity_id = ${id}::uuid ORDER BY ends_at DESC LIMIT 20`,
    ),
  ]);

  const live = isLive(row.status);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    environment: row.environment,
    status: row.status,
    system: { id: row.system_id, name: row.system_name, kind: row.system_kind },
    owner: person(row.owner_id, row.owner_name, row.owner_email, row.owner_status),
    backupOwner: person(row.backup_owner_id, row.backup_name, row.backup_email, row.backup_status),
    team: row.team_name,
    purpose: row.purpose,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    lastRotatedAt: iso(row.last_rotated_at),
    nextReviewAt: iso(row.next_review_at),
    credentialType: row.credential_type,
    rotationPeriodDays: row.rotation_period_days,
    secretStore: row.secret_store,
    origin: row.origin,
    externalId: row.external_id,
    states: pgArray(row.states) as DerivedState[],
    risk: {
      score: Number(row.risk_score),
      factors: pgArray(row.risk_factors)
        .map((k) => RISK_FACTOR_BY_KEY.get(k))
        .filter((f): f is RiskFactor => Boolean(f)),
    },
    entitlements: entitlements.map((e) => ({
      id: e.id,
      resource: e.resource,
      permission: e.permission,
      privileged: e.privileged,
      status: e.status,
      expiresAt: iso(e.expires_at),
      createdAt: iso(e.created_at)!,
    })),
    requests: requests.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      requester: r.requester,
      createdAt: iso(r.created_at)!,
      decidedAt: iso(r.decided_at),
    })),
    exceptions: exceptions.map((e) => ({
      id: e.id,
      rule: e.rule,
      justification: e.justification,
      startsAt: iso(e.starts_at)!,
      endsAt: iso(e.ends_at)!,
      requestId: e.request_id,
      inForce: new Date(e.ends_at).getTime() > at.getTime(),
    })),
    reviews: reviews.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      decision: r.decision,
      reviewer: r.reviewer,
      decidedAt: iso(r.decided_at),
    })),
    timeline: timeline.map((e) => ({
      seq: Number(e.seq),
      occurredAt: iso(e.occurred_at)!,
      actor: e.actor_label,
      action: e.action,
      before: e.before,
      after: e.after,
    })),
    can: {
      attest: live && canAttest(rel),
      editPurpose: live && canEditPurpose(rel),
      handOver: live && canHandOver(rel),
      shortenExpiry: live && canShortenExpiry(rel),
      revoke: live && canRevoke(rel),
      // An expired identity's revocation may still wait for a person's confirmation.
      confirmRevocation: canRevoke(rel),
    },
  };
}
