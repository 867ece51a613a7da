import { sql } from "drizzle-orm";
import { boolean, check, index, smallint, text, uuid } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { breakGlassStatusEnum } from "./enums";
import { entitlements, identities } from "./identities";
import { users } from "./people";
import { requests } from "./requests";

/**
 * Elevated access in an incident, time-boxed and looked back on (lib/break-glass): on an identity,
 * either one elevated entitlement (granted through the system's connector, revoked at its end) or
 * the use of the identity itself (nothing to grant; its credential may need rotating afterwards).
 */
export const breakGlassGrants = table(
  "break_glass_grants",
  {
    identityId: ref("identity_id", () => identities.id).notNull(),
    entitlementId: ref("entitlement_id", () => entitlements.id),
    requestId: ref("request_id", () => requests.id),
    requesterId: ref("requester_id", () => users.id).notNull(),
    /** The elevated entitlement asked for; null: the identity itself (its credential). */
    resource: text("resource"),
    permission: text("permission"),
    hours: smallint("hours").notNull(),
    justification: text("justification").notNull(),
    incidentRef: text("incident_ref").notNull(),
    status: breakGlassStatusEnum("status").notNull().default("requested"),
    startsAt: ts("starts_at").notNull(),
    hardEndAt: ts("hard_end_at").notNull(),
    /** On the on-call list when asked (policy activated it without an approval). */
    onCall: boolean("on_call").notNull().default(false),
    /** The requester had an overdue post-use review of their own: only security's approval (an override) opens it. */
    blockedByOverdue: boolean("blocked_by_overdue").notNull().default(false),
    decidedBy: ref("decided_by", () => users.id),
    decidedAt: ts("decided_at"),
    decisionComment: text("decision_comment"),
    activatedAt: ts("activated_at"),
    /** The connector operations that granted and removed the entitlement (rows of revocations). */
    grantOpId: uuid("grant_op_id"),
    revokeOpId: uuid("revoke_op_id"),
    endedAt: ts("ended_at"),
    /** "time" (the job at the hard end) or "hand" (End now). */
    endReason: text("end_reason", { enum: ["time", "hand"] }),
    /** When the post-use review is overdue (set at the end). */
    reviewDueAt: ts("review_due_at"),
    /** When the reviewers were told the review is overdue (once). */
    overdueNotifiedAt: ts("overdue_notified_at"),
    requireRotation: boolean("require_rotation").notNull().default(false),
    endedBy: ref("ended_by", () => users.id),
    reviewedBy: ref("reviewed_by", () => users.id),
    reviewedAt: ts("reviewed_at"),
    reviewComment: text("review_comment"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    check("break_glass_end_after_start", sql`${t.hardEndAt} > ${t.startsAt}`),
    check(
      "break_glass_reviewed_needs_comment",
      sql`${t.status} <> 'reviewed' OR (${t.reviewedBy} IS NOT NULL AND ${t.reviewComment} IS NOT NULL)`,
    ),
    index("break_glass_status_idx").on(t.status, t.hardEndAt),
    index("break_glass_identity_idx").on(t.identityId),
    index("break_glass_requester_idx").on(t.requesterId, t.status),
  ],
);
