import { sql, type SQL } from "drizzle-orm";

/** Policy defaults for derived states; settings may override them later. */
export const DERIVED_DEFAULTS = { dormantDays: 90, expiringDays: 30 } as const;

export const DERIVED_STATES = [
  "orphaned",
  "dormant",
  "expiring",
  "expired",
  "no_expiry",
  "review_overdue",
  "rotation_overdue",
] as const;
export type DerivedState = (typeof DERIVED_STATES)[number];

export const DERIVED_STATE_LABELS: Record<DerivedState, string> = {
  orphaned: "Orphaned",
  dormant: "Dormant",
  expiring: "Expiring",
  expired: "Expired",
  no_expiry: "No expiry",
  review_overdue: "Review overdue",
  rotation_overdue: "Rotation overdue",
};

/**
 * Each derived state as a SQL predicate over `identities i` (with the owner's status reachable
 * through a subquery), evaluated at `at`. A day is 24 hours, whatever the session's time zone
 * (an interval of calendar days would stretch or shrink across a daylight-saving change). The one definition used by filters, badges, the seed
 * and the tests' ground truth.
 */
export function derivedStatePredicate(
  state: DerivedState,
  at: Date,
  opts: { dormantDays?: number; expiringDays?: number } = {},
): SQL {
  const dormantDays = opts.dormantDays ?? DERIVED_DEFAULTS.dormantDays;
  const expiringDays = opts.expiringDays ?? DERIVED_DEFAULTS.expiringDays;
  const t = at.toISOString();
  switch (state) {
    case "orphaned":
      return sql`(i.owner_id IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = i.owner_id AND u.status = 'departed'))`;
    case "dormant":
      return sql`(i.last_used_at IS NULL OR i.last_used_at < ${t}::timestamptz - make_interval(hours => 24 * ${dormantDays}))`;
    case "expiring":
      return sql`(i.expires_at >= ${t}::timestamptz AND i.expires_at < ${t}::timestamptz + make_interval(hours => 24 * ${expiringDays}))`;
    case "expired":
      return sql`(i.expires_at < ${t}::timestamptz)`;
    case "no_expiry":
      return sql`(i.expires_at IS NULL)`;
    case "review_overdue":
      return sql`(i.next_review_at < ${t}::timestamptz)`;
    case "rotation_overdue":
      return sql`(i.credential_type = 'static_secret' AND i.rotation_period_days IS NOT NULL AND coalesce(i.last_rotated_at, i.created_at) < ${t}::timestamptz - make_interval(hours => 24 * i.rotation_period_days))`;
  }
}
