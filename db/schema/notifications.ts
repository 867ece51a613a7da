import { sql } from "drizzle-orm";
import { index, text } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { campaigns } from "./reviews";
import { users } from "./people";

/**
 * What the app tells a person in its bell: a review reminder, an escalation. One row per
 * recipient (a message to the security team is one row for each of its members), so each reads
 * and clears their own. Written set-based by the job that decides to tell (lib/notifications).
 */
export const NOTIFICATION_KINDS = [
  "review_reminder",
  "review_escalated",
  "review_overdue",
  "review_handed_over",
  "break_glass",
] as const;

export const notifications = table(
  "notifications",
  {
    recipientId: ref("recipient_id", () => users.id, "cascade").notNull(),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    text: text("text").notNull(),
    // Where the message leads (a path inside the app).
    href: text("href").notNull(),
    campaignId: ref("campaign_id", () => campaigns.id, "cascade"),
    createdAt: ts("created_at").notNull(),
    readAt: ts("read_at"),
  },
  (t) => [
    index("notifications_recipient_idx").on(t.recipientId, t.createdAt),
    index("notifications_unread_idx")
      .on(t.recipientId)
      .where(sql`${t.readAt} IS NULL`),
  ],
);
