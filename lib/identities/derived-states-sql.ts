import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { DERIVED_DEFAULTS, type DerivedState } from "./derived-states";

// The server half of the derived states: their SQL. Names, labels and defaults (what the browser
// may see) are in derived-states.ts.

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
      // Or a break-glass review required its rotation, and it has not been rotated since.
      return sql`((i.credential_type = 'static_secret' AND i.rotation_period_days IS NOT NULL AND coalesce(i.last_rotated_at, i.created_at) < ${t}::timestamptz - make_interval(hours => 24 * i.rotation_period_days))
        OR (i.rotation_required_at IS NOT NULL AND coalesce(i.last_rotated_at, '-infinity'::timestamptz) < i.rotation_required_at))`;
  }
}
