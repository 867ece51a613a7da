import { z } from "zod";
import { DAY } from "@/lib/clock";
import { isIsoDay } from "@/lib/validation";

const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The one calendar-day field ("2026-11-23"): a day that exists and PostgreSQL casts, for list
 * filters (the audit log's from/to) and forms (an expiry) alike. `format` is the message for text
 * not shaped like a date, when it should differ from `real` (a shaped day that does not exist);
 * `missing` the message when nothing was sent.
 */
export function isoDayParam({
  real = "Use a real date like 2026-11-23.",
  format,
  missing,
}: { real?: string; format?: string; missing?: string } = {}) {
  const base = z.string(missing ? { error: missing } : undefined);
  return (format ? base.regex(DAY_SHAPE, { message: format, abort: true }) : base).refine(isIsoDay, real);
}

/** The first instant of a calendar day (UTC). */
export const dayStart = (day: string) => new Date(`${day}T00:00:00Z`);

/** The first instant after a calendar day (UTC): a "to" date includes the whole day. */
export const dayEnd = (day: string) => new Date(dayStart(day).getTime() + DAY);
