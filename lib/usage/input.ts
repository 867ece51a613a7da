import { z } from "zod";
import { text } from "@/lib/validation";

/**
 * A batch of usage events, as a collector (a log pipeline, a cloud audit trail) posts them: which
 * identity (its system's name and its external id there), when, and optionally where from.
 */
export const MAX_EVENTS = 5_000;

export const usageEventSchema = z.strictObject({
  system: text({ error: "Name the system (as Steward knows it)." }).trim().min(1, "Name the system.").max(200),
  externalId: text({ error: "Give the identity's id in its system." }).trim().min(1).max(500),
  usedAt: z.iso
    .datetime({ offset: true, error: "usedAt is an ISO 8601 instant, like 2026-12-03T10:15:00Z." })
    // Years PostgreSQL stores as Date reads them (year 0000 parses in JavaScript, not in PostgreSQL).
    .refine((v) => {
      const y = new Date(v).getUTCFullYear();
      return y >= 1970 && y <= 9998;
    }, "usedAt is between 1970 and 9998."),
  source: z
    .strictObject({
      /** The caller's network address. */
      address: text().trim().max(100).optional(),
      /** The workload that used it (a pod, a CI job, a function). */
      workload: text().trim().max(300).optional(),
      userAgent: text().trim().max(500).optional(),
      /** The collector knows a person used it interactively (a console sign-in, a shell). */
      interactive: z.boolean().optional(),
    })
    .optional(),
});

export const usageBatchSchema = z.strictObject({
  events: z
    .array(usageEventSchema, { error: "Send events: a list." })
    .min(1, "Send at least one event.")
    .max(MAX_EVENTS, `At most ${MAX_EVENTS.toLocaleString("en")} events a batch.`),
});

export type UsageEvent = z.infer<typeof usageEventSchema>;
