import { z } from "zod";
import { prose, text } from "@/lib/validation";

/**
 * What a break-glass form and API submit, parsed at the edge. The duration is whole hours (policy
 * decides the maximum); a later start is a local date-time from the form or an ISO instant from
 * the API, at most a week ahead.
 */
const optionalWords = (max: number) =>
  text()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

export const breakGlassInputSchema = z
  .object({
    identityId: z.guid("Choose the identity."),
    // Both or neither: the elevated entitlement, or (neither) the identity's own credential.
    resource: optionalWords(300),
    permission: optionalWords(200),
    justification: prose("Say what is happening and why you need this access.", 10, 2000),
    incidentRef: text({ error: "Name the incident (a ticket or reference)." })
      .trim()
      .min(3, "Name the incident (a ticket or reference, at least 3 characters).")
      .max(200, "Keep the incident reference under 200 characters."),
    hours: z.coerce
      .number({ error: "Give the duration in whole hours." })
      .int("Give the duration in whole hours.")
      .min(1, "At least 1 hour."),
    startsAt: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return undefined;
        // A datetime-local value (no zone) is read as UTC, as every date in Steward is.
        const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
        if (Number.isNaN(d.getTime())) {
          ctx.addIssue({ code: "custom", message: "Use a date and time like 2026-12-03T14:30." });
          return z.NEVER;
        }
        return d;
      }),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.resource) !== Boolean(v.permission))
      ctx.addIssue({
        code: "custom",
        path: [v.resource ? "permission" : "resource"],
        message: "Name both the resource and the permission, or neither (the identity itself).",
      });
  });

export type BreakGlassInput = z.infer<typeof breakGlassInputSchema>;

/** A later start is at most this far ahead. */
export const MAX_START_AHEAD_MS = 7 * 24 * 3_600_000;

export const decisionSchema = z.object({
  id: z.guid("That break-glass id is not valid."),
  decision: z.enum(["approve", "deny"], { error: "Approve or deny." }),
  comment: optionalWords(2000),
});

export const endSchema = z.object({ id: z.guid("That break-glass id is not valid.") });

export const reviewSchema = z.object({
  id: z.guid("That break-glass id is not valid."),
  comment: prose("Say what was done with the access and whether it was right.", 10, 4000),
  requireRotation: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()),
});
