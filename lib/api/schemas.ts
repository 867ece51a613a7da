import { z } from "zod";
import {
  ENVIRONMENTS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
  REQUEST_STATUSES,
  REQUEST_TYPES,
  REVOCATION_STATUSES,
} from "@/db/schema/enums";

// The API's response shapes: what clients may rely on, documented in the OpenAPI document
// (lib/api/openapi.ts) and checked against real responses by lib/api/openapi.test.ts. Instants
// are ISO 8601 strings in UTC.

const instant = z.string().meta({ format: "date-time" });
const id = z.string().meta({ format: "uuid" });
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

export const identitySummarySchema = z
  .object({
    id,
    name: z.string(),
    kind: z.enum(IDENTITY_KINDS),
    systemId: id,
    systemName: z.string(),
    environment: z.enum(ENVIRONMENTS),
    ownerId: nullable(id),
    ownerName: nullable(z.string()),
    ownerDeparted: z.boolean(),
    backupOwnerId: nullable(id),
    teamId: nullable(id),
    teamName: nullable(z.string()),
    purpose: nullable(z.string()),
    status: z.enum(IDENTITY_STATUSES),
    createdAt: instant,
    expiresAt: nullable(instant),
    lastUsedAt: nullable(instant),
    nextReviewAt: nullable(instant),
    riskScore: z.number().int(),
    privileged: z.boolean(),
    states: z.array(z.string()),
  })
  .meta({ id: "IdentitySummary" });

export const identityPageSchema = z
  .object({
    data: z.array(identitySummarySchema),
    next: nullable(z.string()).describe("Pass as `after` for the next page; null on the last."),
    previous: nullable(z.string()).describe("Pass as `before` for the previous page; null on the first."),
    total: z.object({
      kind: z.enum(["exact", "estimate", "atLeast", "unknown"]),
      value: z.number().int().optional(),
    }),
  })
  .meta({ id: "IdentityPage" });

const personRef = nullable(z.object({ id, name: z.string(), email: z.string(), departed: z.boolean() }));

export const identityDetailSchema = z
  .object({
    id,
    name: z.string(),
    kind: z.enum(IDENTITY_KINDS),
    environment: z.enum(ENVIRONMENTS),
    status: z.enum(IDENTITY_STATUSES),
    system: z.object({ id, name: z.string(), kind: z.string() }),
    owner: personRef,
    backupOwner: personRef,
    team: nullable(z.string()),
    purpose: nullable(z.string()),
    createdAt: instant,
    expiresAt: nullable(instant),
    lastUsedAt: nullable(instant),
    lastRotatedAt: nullable(instant),
    nextReviewAt: nullable(instant),
    credentialType: z.string(),
    rotationPeriodDays: nullable(z.number().int()),
    secretStore: nullable(z.string()),
    origin: z.enum(["requested", "imported", "discovered"]),
    externalId: nullable(z.string()),
    states: z.array(z.string()),
    risk: z.object({
      score: z.number().int(),
      factors: z.array(
        z.object({ key: z.string(), label: z.string(), weight: z.number(), owasp: z.string(), why: z.string() }),
      ),
    }),
    entitlements: z.array(
      z.object({
        id,
        resource: z.string(),
        permission: z.string(),
        privileged: z.boolean(),
        status: z.string(),
        expiresAt: nullable(instant),
        createdAt: instant,
      }),
    ),
  })
  .meta({ id: "IdentityDetail" });

export const policyDecisionSchema = z
  .object({
    outcome: z.enum(["allow", "deny", "needs_approval"]),
    version: z.string(),
    standard: z.boolean(),
    denials: z.array(z.string()),
    rules: z.array(
      z.object({ rule: z.string(), result: z.enum(["pass", "deny", "needs_approval"]), reason: z.string() }),
    ),
    stages: z.array(z.object({ rule: z.string(), reason: z.string() })),
  })
  .meta({ id: "PolicyDecision" });

export const submittedSchema = z
  .object({
    id,
    status: z.enum(["pending", "fulfilled"]),
    identityId: nullable(id),
    decision: policyDecisionSchema,
  })
  .meta({ id: "SubmittedRequest" });

export const requestRowSchema = z
  .object({
    id,
    type: z.enum(REQUEST_TYPES),
    status: z.enum(REQUEST_STATUSES),
    standard: z.boolean(),
    requester: z.string(),
    subject: nullable(z.string()),
    subjectId: nullable(id),
    createdAt: instant,
    waitingHours: z.number(),
    stage: nullable(z.string()),
    stagePosition: nullable(z.number().int()),
    stages: z.number().int(),
    mine: z.boolean().describe("The current stage waits for the caller's decision."),
  })
  .meta({ id: "RequestSummary" });

export const requestPageSchema = z
  .object({ data: z.array(requestRowSchema), next: nullable(z.string()) })
  .meta({ id: "RequestPage" });

export const decidedSchema = z
  .object({
    status: z.enum(["pending", "denied", "fulfilled"]),
    identityId: nullable(id),
    policyDenials: z.array(z.string()).optional(),
    addedStages: z.array(z.string()).optional(),
  })
  .meta({ id: "RequestDecision" });

export const reviewItemSchema = z
  .object({
    id,
    campaignId: id,
    identityId: id,
    identity: z.string(),
    kind: z.enum(IDENTITY_KINDS),
    system: z.string(),
    environment: z.enum(ENVIRONMENTS),
    owner: nullable(z.string()),
    ownerDeparted: z.boolean(),
    purpose: nullable(z.string()),
    lastUsedAt: nullable(instant),
    riskScore: z.number().int(),
    entitlements: z.array(z.object({ resource: z.string(), permission: z.string(), privileged: z.boolean() })),
    suggestion: nullable(z.object({ decision: z.enum(["certify", "revoke"]), reason: z.string() })),
    certifyNeedsComment: z.boolean(),
  })
  .meta({ id: "ReviewItem" });

export const reviewItemPageSchema = z
  .object({ data: z.array(reviewItemSchema), total: z.number().int(), next: nullable(z.string()) })
  .meta({ id: "ReviewItemPage" });

export const reviewDecidedSchema = z.object({ decision: z.string() }).meta({ id: "ReviewDecision" });

export const revocationSchema = z
  .object({
    id,
    operation: z.enum(["revoke", "grant"]),
    target: z.enum(["identity", "credential", "entitlement"]),
    identityId: id,
    identity: z.string(),
    system: z.string(),
    entitlement: nullable(z.string()),
    reason: z.string(),
    requestedBy: nullable(z.string()),
    status: z.enum(REVOCATION_STATUSES),
    attempts: z.number().int(),
    lastError: nullable(z.string()),
    evidence: z.unknown(),
    createdAt: instant,
    verifiedAt: nullable(instant),
    gaveUp: z.boolean(),
  })
  .meta({ id: "Revocation" });

export const breakGlassRequestedSchema = z
  .object({ id, status: z.enum(["requested", "active"]), grantId: nullable(id) })
  .meta({ id: "BreakGlassRequested" });

export const breakGlassEndedSchema = z.object({ id, revocationId: nullable(id) }).meta({ id: "BreakGlassEnded" });

export const auditEventSchema = z
  .object({
    seq: z.number().int(),
    occurredAt: instant,
    actorType: z.enum(["person", "token", "job", "system"]),
    actorLabel: z.string(),
    action: z.string(),
    subjectType: nullable(z.string()),
    subjectId: nullable(z.string()),
    before: z.unknown(),
    after: z.unknown(),
    hash: z.string(),
  })
  .meta({ id: "AuditEvent" });

export const auditPageSchema = z
  .object({
    data: z.array(auditEventSchema),
    newer: nullable(z.string()).describe("Pass as `after` for newer events."),
    older: nullable(z.string()).describe("Pass as `before` for older events."),
  })
  .meta({ id: "AuditEventPage" });
