import { sql } from "drizzle-orm";
import { check, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, ts } from "./builders";
import { breakGlassStatusEnum } from "./enums";
import { entitlements, identities } from "./identities";
import { users } from "./people";
import { requests } from "./requests";

export const breakGlassGrants = pgTable(
  "break_glass_grants",
  {
    id: id(),
    identityId: uuid("identity_id")
      .notNull()
      .references(() => identities.id),
    entitlementId: uuid("entitlement_id").references(() => entitlements.id),
    requestId: uuid("request_id").references(() => requests.id),
    requesterId: uuid("requester_id")
      .notNull()
      .references(() => users.id),
    justification: text("justification").notNull(),
    incidentRef: text("incident_ref").notNull(),
    status: breakGlassStatusEnum("status").notNull().default("requested"),
    startsAt: ts("starts_at").notNull(),
    hardEndAt: ts("hard_end_at").notNull(),
    endedAt: ts("ended_at"),
    endedBy: uuid("ended_by").references(() => users.id),
    reviewedBy: uuid("reviewed_by").references(() => users.id),
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
  ],
);
