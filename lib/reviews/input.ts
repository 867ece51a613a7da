import "server-only";
import { z } from "zod";
import { NO_RESPONSE_OUTCOMES } from "@/db/schema";
import { dayStart, flag, isoDayParam } from "@/lib/paging";
import { prose, text } from "@/lib/validation";

/**
 * What a campaign's creator and a reviewer submit, parsed at the edge. The scope is the
 * inventory's own filter (its URL parameters), parsed again by the inventory's schema.
 */
export const RULES = ["owner", "owner_manager", "security", "named"] as const;
export const FALLBACKS = ["owner_manager", "security"] as const;
/** How often a campaign launches again (the enum's `monthly` is not offered: a review a month nags). */
export const REPEATS = ["none", "quarterly", "half_yearly", "yearly"] as const;
/** Reminder cadences offered, in days ("0": no reminders). */
export const REMINDER_DAYS = ["0", "3", "7", "14"] as const;

export const campaignInputSchema = z.object({
  name: prose("Name the campaign.", 3, 200, "Keep the name under 200 characters."),
  scope: z.record(z.string(), z.string()).default({}),
  reviewerRule: z.enum(RULES, { error: "Choose who reviews." }),
  /** The named reviewer's email (rule `named`). */
  reviewer: text().trim().max(320).optional(),
  fallbackRule: z
    .enum(FALLBACKS, { error: "Choose who reviews when the first choice cannot." })
    .default("owner_manager"),
  dueOn: isoDayParam({
    missing: "Choose a due date.",
    format: "Use a date like 2026-12-31 for the due date.",
    real: "Use a real date for the due date.",
  }).transform(dayStart),
  noResponse: z.enum(NO_RESPONSE_OUTCOMES, { error: "Choose what happens to items nobody decides." }).default("keep"),
  recurrence: z.enum(REPEATS, { error: "Choose none, quarterly, half-yearly or yearly." }).default("none"),
  /** Days between reminders to reviewers with items waiting; "0": none. */
  remindEvery: z
    .enum(REMINDER_DAYS, { error: "Choose how often reviewers are reminded." })
    .default("7")
    .transform((d) => (d === "0" ? null : Number(d))),
  /** The second stage: security confirms certifications of privileged or high-risk items. */
  confirmPrivileged: flag.optional().default(false),
});
export type CampaignInput = z.infer<typeof campaignInputSchema>;

export const DECISIONS = ["certify", "revoke", "reassign"] as const;
export const decisionInputSchema = z.object({
  itemId: z.guid("That review item id is not valid."),
  decision: z.enum(DECISIONS, { error: "Choose certify, revoke or reassign." }),
  comment: text().trim().max(2000, "Keep the comment under 2,000 characters.").optional(),
  /** Reassign: the new owner's email. */
  newOwner: text().trim().max(320).optional(),
});

/** Security's second-stage answer to a certification: confirm it, or overturn it (revoke, with a reason). */
export const confirmInputSchema = z.object({
  itemId: z.guid("That review item id is not valid."),
  answer: z.enum(["confirm", "revoke"], { error: "Choose confirm or revoke." }),
  comment: text().trim().max(2000, "Keep the comment under 2,000 characters.").optional(),
});

export const campaignIdSchema = z.guid("That campaign id is not valid.");
