import { sql } from "drizzle-orm";
import { check, index, text } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { breakGlassStatusEnum } from "./enums";
import { entitlements, identities } from "./identities";
import { users } from "./people";
import { requests } from "./requests";

export const breakGlassGrants = table(
  "break_glass_grants",
  {
    identityId: ref("identity_id", () => identities.id).notNull(),
    entitlementId: ref("entitlement_id", () => entitlements.id),
    requestId: ref("request_id", () => requests.id),
    requesterId: ref("requester_id", () => users.id).notNull(),
    justification: text("justification").notNull(),
    incidentRef: text("incident_ref").notNull(),
    status: breakGlassStatusEnum("status").notNull().default("requested"),
    startsAt: ts("starts_at").notNull(),
    hardEndAt: ts("hard_end_at").notNull(),
    endedAt: ts("ended_at"),
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
  ],
);
