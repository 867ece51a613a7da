/** Months between launches of a recurring campaign. */
const MONTHS: Record<string, number> = { monthly: 1, quarterly: 3, half_yearly: 6, yearly: 12 };

/** When a campaign launched at `at` launches again: calendar months later (UTC), or never. */
export function nextLaunch(at: Date, recurrence: string): Date | null {
  const months = MONTHS[recurrence];
  if (!months) return null;
  const next = new Date(at);
  next.setUTCMonth(next.getUTCMonth() + months);
  return next;
}
