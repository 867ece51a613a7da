import "server-only";
import { eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import type { Database } from "@/db";
import { ENVIRONMENTS, settings } from "@/db/schema";

/**
 * The numbers of policy that people tune (security edits them on the Settings page; every change
 * is audited). Each lives in its own settings row; a missing or malformed row falls back to the
 * default here, so policy always has a complete, valid set to decide with.
 */
const days = (max: number) => z.number().int().min(1).max(max);

export const policySettingsSchema = z.object({
  /** The longest lifetime an identity or grant may be given, per environment. */
  maxTtlDays: z.object({ production: days(3650), staging: days(3650), development: days(3650) }),
  /** Permissions that count as privileged: case-insensitive patterns, `*` matching any run of characters. */
  privilegedPermissions: z.array(text().trim().min(1).max(100)).max(200),
  /** Pending requests older than this expire. */
  staleRequestDays: days(365),
  /** The longest break-glass grant. */
  breakGlassMaxHours: z.number().int().min(1).max(72),
  /** Who is on call: their break-glass activates at once (security is told); everyone else's waits for security. */
  breakGlassOnCall: z.array(z.email().max(320)).max(500),
  /** Days security and the holder's manager have to complete a break-glass's post-use review. */
  breakGlassReviewDays: days(30),
  /** The standard baseline approved without people: non-privileged, in these environments, living at most this long. */
  autoApprove: z.object({ environments: z.array(z.enum(ENVIRONMENTS)).max(3), maxTtlDays: days(3650) }),
  /** The longest a policy exception may last. */
  exceptionMaxDays: days(365),
  /** When an owner leaves: days the new owner has to attest, and what happens if nobody does. */
  departedOwner: z.object({ attestWithinDays: days(90), ifNobodyAttests: z.enum(["suspend", "revoke"]) }),
});

export type PolicySettings = z.infer<typeof policySettingsSchema>;

export const DEFAULT_POLICY_SETTINGS: PolicySettings = {
  maxTtlDays: { production: 90, staging: 180, development: 365 },
  privilegedPermissions: [
    "*admin*",
    "owner",
    "*write*",
    "sts:assumerole",
    "patch",
    "delete*",
    "*superuser*",
    "createrole",
  ],
  staleRequestDays: 14,
  breakGlassMaxHours: 4,
  breakGlassOnCall: [],
  breakGlassReviewDays: 3,
  autoApprove: { environments: ["development"], maxTtlDays: 90 },
  exceptionMaxDays: 90,
  departedOwner: { attestWithinDays: 14, ifNobodyAttests: "suspend" },
};

/** settings key ↔ field: the rows the seed writes (policy.max_ttl_days, …) and the ones added since. */
export const POLICY_SETTING_KEYS: Record<keyof PolicySettings, string> = {
  maxTtlDays: "policy.max_ttl_days",
  privilegedPermissions: "policy.privileged_permissions",
  staleRequestDays: "policy.stale_request_days",
  breakGlassMaxHours: "policy.break_glass_max_hours",
  breakGlassOnCall: "policy.break_glass_on_call",
  breakGlassReviewDays: "policy.break_glass_review_days",
  autoApprove: "policy.auto_approve",
  exceptionMaxDays: "policy.exception_max_days",
  departedOwner: "policy.departed_owner",
};

/** The current settings: each stored value that validates, else its default. */
export async function loadPolicySettings(db: Database): Promise<PolicySettings> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(inArray(settings.key, Object.values(POLICY_SETTING_KEYS)));
  const stored = new Map(rows.map((r) => [r.key, typeof r.value === "string" ? safeJson(r.value) : r.value]));
  const out = { ...DEFAULT_POLICY_SETTINGS } as Record<keyof PolicySettings, unknown>;
  for (const [field, key] of Object.entries(POLICY_SETTING_KEYS) as [keyof PolicySettings, string][]) {
    if (!stored.has(key)) continue;
    const parsed = policySettingsSchema.shape[field].safeParse(stored.get(key));
    if (parsed.success) out[field] = parsed.data;
  }
  return out as PolicySettings;
}

/** The review period of policy, in days (settings `policy.review_period_days`, default 90). */
export async function reviewPeriodDays(db: Database): Promise<number> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, "policy.review_period_days"));
  const n = Number(typeof row?.value === "string" ? JSON.parse(row.value) : row?.value);
  return Number.isInteger(n) && n > 0 ? n : 90;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
