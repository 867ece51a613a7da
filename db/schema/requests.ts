import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { approverRuleEnum, requestStatusEnum, requestTypeEnum, stageDecisionEnum } from "./enums";
import { identities } from "./identities";
import { users } from "./people";

export type DecisionTrace = {
  outcome: "allow" | "deny" | "needs_approval";
  rules: { rule: string; result: "pass" | "deny" | "needs_approval"; reason: string }[];
  stages: { rule: string; reason: string }[];
  /** Policy marks it standard: only the owner's manager is needed and nothing privileged is asked for (bulk approvable). */
  standard?: boolean;
  /** Policy run again at the final approval, on the facts and settings of that moment. */
  recheck?: {
    at: string;
    version: string;
    outcome: "allow" | "deny" | "needs_approval";
    rules: DecisionTrace["rules"];
    addedStages: string[];
  };
};

export const requests = table(
  "requests",
  {
    type: requestTypeEnum("type").notNull(),
    requesterId: ref("requester_id", () => users.id).notNull(),
    // The identity the request is about (null for a new identity until it is created).
    subjectIdentityId: ref("subject_identity_id", () => identities.id, "set null"),
    payload: jsonb("payload")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    justification: text("justification").notNull(),
    status: requestStatusEnum("status").notNull().default("pending"),
    policyVersion: text("policy_version").notNull(),
    decisionTrace: jsonb("decision_trace").$type<DecisionTrace>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    decidedAt: ts("decided_at"),
    fulfilledAt: ts("fulfilled_at"),
    // Who the current (first undecided) stage waits for, kept by lib/requests/stage-sync.ts in the
    // transaction of every change, so "needs my decision" is an index range, not a walk over every
    // pending request's stages. Null / false once the request is no longer pending.
    currentStage: integer("current_stage"),
    awaitingApproverId: ref("awaiting_approver_id", () => users.id),
    awaitingSecurity: boolean("awaiting_security").notNull().default(false),
    /** Copied from the decision trace: policy marks it standard (bulk approvable). */
    standard: boolean("standard").notNull().default(false),
  },
  (t) => [
    index("requests_requester_idx").on(t.requesterId, t.createdAt, t.id),
    index("requests_status_idx").on(t.status, t.createdAt, t.id),
    index("requests_type_idx").on(t.type, t.createdAt, t.id),
    index("requests_created_idx").on(t.createdAt, t.id),
    index("requests_awaiting_approver_idx")
      .on(t.awaitingApproverId, t.createdAt, t.id)
      .where(sql`${t.status} = 'pending'`),
    index("requests_awaiting_security_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'pending' AND ${t.awaitingSecurity}`),
    // Security's queue sorted by type: without it the planner may walk every pending request by type.
    index("requests_awaiting_security_type_idx")
      .on(t.type, t.createdAt, t.id)
      .where(sql`${t.status} = 'pending' AND ${t.awaitingSecurity}`),
    index("requests_subject_idx").on(t.subjectIdentityId),
    // One pending request per subject and type: duplicates are refused.
    uniqueIndex("requests_one_pending_per_subject_uq")
      .on(t.subjectIdentityId, t.type)
      .where(sql`${t.status} = 'pending' AND ${t.subjectIdentityId} IS NOT NULL`),
  ],
);

export const approvalStages = table(
  "approval_stages",
  {
    requestId: ref("request_id", () => requests.id, "cascade").notNull(),
    position: integer("position").notNull(),
    approverRule: approverRuleEnum("approver_rule").notNull(),
    // Set when the rule names a person (or is resolved to one, e.g. the owner's manager).
    approverId: ref("approver_id", () => users.id),
    reason: text("reason").notNull(),
  },
  (t) => [
    uniqueIndex("approval_stages_request_position_uq").on(t.requestId, t.position),
    index("approval_stages_approver_idx").on(t.approverId),
  ],
);

// A decision is its own row so the database, not the application, guarantees that a stage is
// decided once: concurrent approvers race on this unique key and exactly one wins.
export const stageDecisions = table(
  "stage_decisions",
  {
    stageId: ref("stage_id", () => approvalStages.id, "cascade").notNull(),
    decidedBy: ref("decided_by", () => users.id).notNull(),
    decision: stageDecisionEnum("decision").notNull(),
    comment: text("comment"),
    decidedAt: ts("decided_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("stage_decisions_one_per_stage_uq").on(t.stageId)],
);

/**
 * A policy exception in force for one identity: granted by an approved `policy_exception` request,
 * it waives one rule (today the lifetime rule) until `ends_at`. Policy reads the ones in force
 * when it decides a later request about the identity.
 */
export const policyExceptions = table(
  "policy_exceptions",
  {
    identityId: ref("identity_id", () => identities.id, "cascade").notNull(),
    rule: text("rule").notNull(),
    justification: text("justification").notNull(),
    startsAt: ts("starts_at").notNull(),
    endsAt: ts("ends_at").notNull(),
    requestId: ref("request_id", () => requests.id).notNull(),
  },
  (t) => [
    index("policy_exceptions_identity_idx").on(t.identityId, t.endsAt),
    uniqueIndex("policy_exceptions_request_uq").on(t.requestId),
  ],
);
