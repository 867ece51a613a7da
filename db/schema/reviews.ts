import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, text, unique } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { campaignStatusEnum, noResponseOutcomeEnum, recurrenceEnum, reviewerRuleEnum } from "./enums";
import { reviewDecisionEnum } from "./enums";
import { entitlements, identities } from "./identities";
import { users } from "./people";
import { revocations } from "./revocations";

export const campaigns = table(
  "campaigns",
  {
    name: text("name").notNull(),
    // A saved inventory filter (the same shape as the inventory's URL state).
    scope: jsonb("scope")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    reviewerRule: reviewerRuleEnum("reviewer_rule").notNull(),
    reviewerId: ref("reviewer_id", () => users.id),
    // Who reviews when the owner has left.
    fallbackReviewerRule: reviewerRuleEnum("fallback_reviewer_rule").notNull().default("owner_manager"),
    startsAt: ts("starts_at").notNull(),
    dueAt: ts("due_at").notNull(),
    reminderEveryDays: integer("reminder_every_days"),
    recurrence: recurrenceEnum("recurrence").notNull().default("none"),
    // A recurring campaign's next launch (set at launch, handed on to the campaign that launch makes).
    nextLaunchAt: ts("next_launch_at"),
    noResponseOutcome: noResponseOutcomeEnum("no_response_outcome").notNull().default("keep"),
    status: campaignStatusEnum("status").notNull().default("draft"),
    // The snapshot taken at launch: when, and how many items it made.
    launchedAt: ts("launched_at"),
    itemCount: integer("item_count"),
    // A large scope is snapshotted after the launch, in parts committed one by one (fill.ts): how
    // many live identities the scope held at launch, the parts (by range of identity id) and the
    // next one to take, the moment after which created identities are left out, and when it ended.
    // A small scope is snapshotted in the launch's own transaction: filled_at = launched_at.
    scopeCount: integer("scope_count"),
    fillParts: integer("fill_parts"),
    fillNext: integer("fill_next"),
    snapshotAt: ts("snapshot_at"),
    filledAt: ts("filled_at"),
    createdBy: ref("created_by", () => users.id).notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    closedAt: ts("closed_at"),
    // When closing had applied every decision: certifications are applied after the close, in
    // batches (lib/reviews/apply.ts), so a large close queues its revocations at once.
    appliedAt: ts("applied_at"),
    // The last reminder sent to reviewers with items waiting (every reminder_every_days days until
    // the due date), and when the items still waiting at the due date were escalated.
    // A second stage: security confirms what a reviewer certified of a privileged or high-risk item.
    confirmPrivileged: boolean("confirm_privileged").notNull().default(false),
    remindedAt: ts("reminded_at"),
    escalatedAt: ts("escalated_at"),
  },
  (t) => [
    check("campaigns_due_after_start", sql`${t.dueAt} > ${t.startsAt}`),
    index("campaigns_next_launch_idx")
      .on(t.nextLaunchAt)
      .where(sql`${t.nextLaunchAt} IS NOT NULL`),
    check("campaigns_named_reviewer", sql`${t.reviewerRule} <> 'named' OR ${t.reviewerId} IS NOT NULL`),
  ],
);

export const reviewItems = table(
  "review_items",
  {
    campaignId: ref("campaign_id", () => campaigns.id, "cascade").notNull(),
    identityId: ref("identity_id", () => identities.id).notNull(),
    entitlementId: ref("entitlement_id", () => entitlements.id),
    reviewerId: ref("reviewer_id", () => users.id),
    // What the reviewer saw when deciding (owner, purpose, last use, entitlements, risk).
    snapshot: jsonb("snapshot")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    decision: reviewDecisionEnum("decision"),
    comment: text("comment"),
    decidedBy: ref("decided_by", () => users.id),
    decidedAt: ts("decided_at"),
    // A reassignment's new owner (applied at close, as an ownership change).
    reassignToId: ref("reassign_to_id", () => users.id),
    // What closing the campaign did with the decision, and the revocation it asked for.
    applied: text("applied"),
    revocationId: ref("revocation_id", () => revocations.id),
    // Past the due date an undecided item is escalated: the reviewer's manager may decide it too
    // (escalated_to_id), or security's shared queue when there is no such manager (NULL).
    escalatedAt: ts("escalated_at"),
    escalatedToId: ref("escalated_to_id", () => users.id),
    // The second stage (campaigns.confirm_privileged): this certification waits for security's
    // confirmation; unconfirmed at close, it gets the no-response outcome.
    confirmNeeded: boolean("confirm_needed").notNull().default(false),
    confirmedBy: ref("confirmed_by", () => users.id),
    confirmedAt: ts("confirmed_at"),
  },
  (t) => [
    unique("review_items_campaign_subject_uq").on(t.campaignId, t.identityId, t.entitlementId).nullsNotDistinct(),
    index("review_items_reviewer_idx").on(t.reviewerId, t.campaignId),
    index("review_items_identity_idx").on(t.identityId),
    index("review_items_campaign_decision_idx").on(t.campaignId, t.decision),
    // Security's second-stage queue: certifications waiting for confirmation.
    index("review_items_to_confirm_idx")
      .on(t.campaignId)
      .where(sql`${t.confirmNeeded} AND ${t.confirmedAt} IS NULL AND ${t.decision} = 'certify'`),
    index("review_items_escalated_idx")
      .on(t.escalatedToId, t.campaignId)
      .where(sql`${t.escalatedAt} IS NOT NULL`),
  ],
);
