import "server-only";
import { and, asc, desc, eq, getTableColumns, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Database } from "@/db";
import {
  auditEventColumns,
  entitlementColumns,
  pick,
  policyExceptionColumns,
  requestColumns,
  reviewItemColumns,
} from "@/db/columns";
import {
  auditEvents,
  campaigns,
  entitlements as entitlementsTable,
  identities,
  policyExceptions,
  requests as requestsTable,
  reviewItems,
  systems,
  teams,
  users,
} from "@/db/schema";
import type { Actor } from "@/lib/auth";
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
  /** A newer import of its system no longer lists it (lib/importers): since when. */
  missingFromImportAt: string | null;
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

const iso = isoOrNull;
// The derived-state SQL (statesSql) names the identity `i` and reads the owner's status from `o`.
const i = alias(identities, "i");
const s = alias(systems, "s");
const o = alias(users, "o");
const b = alias(users, "b");
const t = alias(teams, "t");
const person = (id: string | null, name: string | null, email: string | null, status: string | null): PersonRef =>
  id && name ? { id, name, email: email ?? "", departed: status === "departed" } : null;

/** Everything the identity page shows, for those who may see the identity; not found otherwise. */
export async function getIdentityDetail(db: Database, actor: Actor, rawId: unknown): Promise<IdentityDetail> {
  const parsed = z.guid().safeParse(rawId);
  if (!parsed.success) throw notFound("That identity");
  const id = parsed.data;
  const at = now();
  const [row] = await db
    .select({
      ...getTableColumns(i),
      systemName: s.name,
      systemKind: s.kind,
      ownerName: o.name,
      ownerEmail: o.email,
      ownerStatus: o.status,
      backupName: b.name,
      backupEmail: b.email,
      backupStatus: b.status,
      teamName: t.name,
      states: sql<
        string[] | string
      >`${statesSql(at, { idle: DERIVED_DEFAULTS.dormantDays, within: DERIVED_DEFAULTS.expiringDays }, sql`o.status`)}`,
    })
    .from(i)
    .innerJoin(s, eq(s.id, i.systemId))
    .leftJoin(o, eq(o.id, i.ownerId))
    .leftJoin(b, eq(b.id, i.backupOwnerId))
    .leftJoin(t, eq(t.id, i.teamId))
    .where(eq(i.id, id));
  if (!row) throw notFound("That identity");
  const rel = await relationTo(db, actor, row);
  if (!canSee(rel)) throw notFound("That identity");

  const [entitlements, requests, reviews, timeline, exceptions] = await Promise.all([
    db
      .select(
        pick(entitlementColumns, "id", "resource", "permission", "privileged", "status", "expiresAt", "createdAt"),
      )
      .from(entitlementsTable)
      .where(eq(entitlementsTable.identityId, id))
      .orderBy(
        asc(entitlementsTable.status),
        desc(entitlementsTable.privileged),
        asc(entitlementsTable.resource),
        asc(entitlementsTable.permission),
      ),
    db
      .select({ ...pick(requestColumns, "id", "type", "status", "createdAt", "decidedAt"), requester: users.name })
      .from(requestsTable)
      .innerJoin(users, eq(users.id, requestsTable.requesterId))
      .where(eq(requestsTable.subjectIdentityId, id))
      .orderBy(desc(requestsTable.createdAt))
      .limit(50),
    db
      .select({
        ...pick(reviewItemColumns, "id", "decision", "decidedAt"),
        campaign: campaigns.name,
        reviewer: users.name,
      })
      .from(reviewItems)
      .innerJoin(campaigns, eq(campaigns.id, reviewItems.campaignId))
      .leftJoin(users, eq(users.id, reviewItems.reviewerId))
      .where(eq(reviewItems.identityId, id))
      .orderBy(desc(campaigns.startsAt))
      .limit(50),
    db
      .select(pick(auditEventColumns, "seq", "occurredAt", "actorLabel", "action", "before", "after"))
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "identity"), eq(auditEvents.subjectId, id)))
      .orderBy(desc(auditEvents.seq))
      .limit(100),
    db
      .select(pick(policyExceptionColumns, "id", "rule", "justification", "startsAt", "endsAt", "requestId"))
      .from(policyExceptions)
      .where(eq(policyExceptions.identityId, id))
      .orderBy(desc(policyExceptions.endsAt))
      .limit(20),
  ]);

  const live = isLive(row.status);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    environment: row.environment,
    status: row.status,
    system: { id: row.systemId, name: row.systemName, kind: row.systemKind },
    owner: person(row.ownerId, row.ownerName, row.ownerEmail, row.ownerStatus),
    backupOwner: person(row.backupOwnerId, row.backupName, row.backupEmail, row.backupStatus),
    team: row.teamName,
    purpose: row.purpose,
    createdAt: iso(row.createdAt)!,
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    lastRotatedAt: iso(row.lastRotatedAt),
    missingFromImportAt: iso(row.missingFromImportAt),
    nextReviewAt: iso(row.nextReviewAt),
    credentialType: row.credentialType,
    rotationPeriodDays: row.rotationPeriodDays,
    secretStore: row.secretStore,
    origin: row.origin,
    externalId: row.externalId,
    states: pgArray(row.states) as DerivedState[],
    risk: {
      score: row.riskScore,
      factors: row.riskFactors.map((k) => RISK_FACTOR_BY_KEY.get(k)).filter((f): f is RiskFactor => Boolean(f)),
    },
    entitlements: entitlements.map((e) => ({
      id: e.id,
      resource: e.resource,
      permission: e.permission,
      privileged: e.privileged,
      status: e.status,
      expiresAt: iso(e.expiresAt),
      createdAt: iso(e.createdAt)!,
    })),
    requests: requests.map((r) => ({
      id: r.id,
      type: r.type,
      status: r.status,
      requester: r.requester,
      createdAt: iso(r.createdAt)!,
      decidedAt: iso(r.decidedAt),
    })),
    exceptions: exceptions.map((e) => ({
      id: e.id,
      rule: e.rule,
      justification: e.justification,
      startsAt: iso(e.startsAt)!,
      endsAt: iso(e.endsAt)!,
      requestId: e.requestId,
      inForce: e.endsAt.getTime() > at.getTime(),
    })),
    reviews: reviews.map((r) => ({
      id: r.id,
      campaign: r.campaign,
      decision: r.decision,
      reviewer: r.reviewer,
      decidedAt: iso(r.decidedAt),
    })),
    timeline: timeline.map((e) => ({
      seq: e.seq,
      occurredAt: iso(e.occurredAt)!,
      actor: e.actorLabel,
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
