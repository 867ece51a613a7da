import "server-only";
import { z } from "zod";
import { dayStart, isoDayParam } from "@/lib/paging";
import { text } from "@/lib/validation";
import { invalid } from "@/lib/errors";
import { CREDENTIAL_TYPES, IDENTITY_KINDS } from "@/db/schema";
import { EXCEPTABLE_RULES, LIFETIME_RULE } from "@/lib/policy";

/**
 * What a requester submits, per request type, parsed at the edge (forms, API). Dates are calendar
 * days (UTC); an identity or grant ends at the start of the day given.
 */
export const day = (what: string) =>
  isoDayParam({
    missing: `Choose ${what}.`,
    format: `Use a date like 2026-12-31 for ${what}.`,
    real: `Use a real date for ${what}.`,
  }).transform(dayStart);

/** The longest duration the form takes (policy's lifetime maximum for the environment then applies). */
export const MAX_DURATION_HOURS = 3650 * 24;

const id = (what: string) => z.guid(`Choose ${what}.`);
const justification = text({ error: "Say why you need it (at least 10 characters)." })
  .trim()
  .min(10, "Say why (at least 10 characters).")
  .max(2000, "Keep the justification under 2,000 characters.");
const grant = z.object({
  resource: text({ error: "Name the resource." }).trim().min(1, "Name the resource.").max(300),
  permission: text({ error: "Name the permission." }).trim().min(1, "Name the permission.").max(200),
});

export const requestInputSchema = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("new_identity"),
      name: z
        .string({ error: "Name the identity (at least 3 characters)." })
        .trim()
        .min(3, "The name needs at least 3 characters.")
        .max(200)
        .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, "Use letters, digits and . _ : @ / - (no spaces)."),
      kind: z.enum(IDENTITY_KINDS, { error: "Choose a kind." }),
      systemId: id("a system"),
      ownerId: id("an owner").optional(),
      backupOwnerId: id("a backup owner").optional(),
      purpose: text().trim().max(500, "Purpose is at most 500 characters.").default(""),
      expiresOn: day("an expiry").optional(),
      credentialType: z.enum(CREDENTIAL_TYPES, { error: "Choose a credential type." }),
      rotationPeriodDays: z.coerce
        .number()
        .int("Whole days.")
        .min(1, "1 to 3650 days.")
        .max(3650, "1 to 3650 days.")
        .optional(),
      secretStore: text().trim().max(500).optional(),
      entitlements: z.array(grant).max(20, "At most 20 entitlements per request.").default([]),
      justification,
    }),
    z.object({
      type: z.literal("grant_entitlement"),
      identityId: id("an identity"),
      resource: grant.shape.resource,
      permission: grant.shape.permission,
      expiresOn: day("an end date").optional(),
      // Just-in-time access: a grant that ends by itself this long after it is carried out.
      duration: z.coerce
        .number({ error: "Give the duration as a whole number." })
        .int("Give the duration as a whole number.")
        .min(1, "A duration is at least 1.")
        .max(MAX_DURATION_HOURS, `A duration is at most ${MAX_DURATION_HOURS} hours.`)
        .optional(),
      durationUnit: z.enum(["hours", "days"], { error: "Choose hours or days." }).default("hours"),
      justification,
    }),
    z.object({
      type: z.literal("extend_expiry"),
      identityId: id("an identity"),
      expiresOn: day("the new expiry"),
      justification,
    }),
    z.object({
      type: z.literal("policy_exception"),
      identityId: id("an identity"),
      rule: z.enum(EXCEPTABLE_RULES, { error: "Choose the rule to waive." }).default(LIFETIME_RULE),
      endsOn: day("when the exception ends"),
      justification: text({ error: "Explain why the exception is needed (at least 20 characters)." })
        .trim()
        .min(20, "Explain why the exception is needed (at least 20 characters).")
        .max(2000),
    }),
    z.object({
      type: z.literal("transfer_ownership"),
      identityId: id("an identity"),
      newOwnerId: id("the new owner"),
      justification,
    }),
  ],
  { error: "Choose what you are requesting." },
);

export type RequestInput = z.infer<typeof requestInputSchema>;

type GrantInput = Extract<RequestInput, { type: "grant_entitlement" }>;

/** A duration's length in hours, or null when the grant gives an end date (or none). */
export const durationHours = (input: GrantInput): number | null =>
  input.duration === undefined ? null : input.duration * (input.durationUnit === "days" ? 24 : 1);

/**
 * When the grant asked for ends, judged at `at`: its end date, or `at` plus its duration (the
 * duration runs from when the grant is carried out; policy judges it from now).
 */
export function grantEnd(input: GrantInput, at: Date): Date | null {
  const hours = durationHours(input);
  return hours === null ? (input.expiresOn ?? null) : new Date(at.getTime() + hours * 3_600_000);
}

/** Both an end date and a duration is one too many: said against both fields. */
export function refuseTwoEnds(input: RequestInput): void {
  if (input.type === "grant_entitlement" && input.duration !== undefined && input.expiresOn)
    throw invalid("Give an end date or a duration, not both.", {
      expiresOn: ["Give an end date or a duration, not both."],
      duration: ["Give an end date or a duration, not both."],
    });
}
