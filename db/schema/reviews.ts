import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { id, ts } from "./builders";
import {
  campaignStatusEnum,
  noResponseOutcomeEnum,
  recurrenceEnum,
  reviewDecisionEnum,
  reviewerRuleEnum,
} from "./enums";
import { entitlements, identities } from "./identities";
import { users } from "./people";

export const campaigns = pgTable(
  "campaigns",
  {
    id: id(),
    name: text("name").notNull(),
    // A saved inventory filter (the same shape as the inventory's URL state).
    scope: jsonb("scope")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    reviewerRule: reviewerRuleEnum("reviewer_rule").notNull(),
    reviewerId: uuid("reviewer_id").references(() => users.id),
    // Who reviews when the owner has left.
    fallbackReviewerRule: reviewerRuleEnum("fallback_reviewer_rule").notNull().default("owner_manager"),
    startsAt: ts("starts_at").notNull(),
    dueAt: ts("due_at").notNull(),
    reminderEveryDays: integer("reminder_every_days"),
    recurrence: recurrenceEnum("recurrence").notNull().default("none"),
    noResponseOutcome: noResponseOutcomeEnum("no_response_outcome").notNull().default("keep"),
    status: campaignStatusEnum("status").notNull().default("draft"),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    closedAt: ts("closed_at"),
  },
  (t) => [
    check("campaigns_due_after_start", sql`${t.dueAt} > ${t.startsAt}`),
    check("campaigns_named_reviewer", sql`${t.reviewerRule} <> 'named' OR ${t.reviewerId} IS NOT NULL`),
  ],
);

export const reviewItems = pgTable(
  "review_items",
  {
    id: id(),
    campaignId: uuid("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    identityId: uuid("identity_id")
      .notNull()
      .references(() => identities.id),
    entitlementId: uuid("entitlement_id").references(() => entitlements.id),
    reviewerId: uuid("reviewer_id").references(() => users.id),
    // What the reviewer saw when deciding (owner, purpose, last use, entitlements, risk).
    snapshot: jsonb("snapshot")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    decision: reviewDecisionEnum("decision"),
    comment: text("comment"),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: ts("decided_at"),
  },
  (t) => [
    unique("review_items_campaign_subject_uq").on(t.campaignId, t.identityId, t.entitlementId).nullsNotDistinct(),
    index("review_items_reviewer_idx").on(t.reviewerId, t.campaignId),
    index("review_items_identity_idx").on(t.identityId),
  ],
);
