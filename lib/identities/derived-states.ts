// The derived states' names, labels and policy defaults: no SQL and no database, so client
// components may import them. Their predicates are in derived-states-sql.ts (server only).

import { humanize } from "@/lib/format";

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

/** Each state's label is its name as people read it ("no_expiry" → "No expiry"). */
export const DERIVED_STATE_LABELS = Object.fromEntries(DERIVED_STATES.map((s) => [s, humanize(s)])) as Record<
  DerivedState,
  string
>;
