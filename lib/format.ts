import { DAY } from "@/lib/clock";

/**
 * Dates as people read them, computed against a fixed instant passed from the server so the
 * server render and the browser's hydration agree.
 */

export function relativeTime(iso: string | null, nowIso: string, never = "never"): string {
  if (!iso) return never;
  const diff = Date.parse(iso) - Date.parse(nowIso);
  const abs = Math.abs(diff);
  const past = diff < 0;
  let text: string;
  if (abs < 60_000) return "just now";
  if (abs < 3_600_000) text = plural(Math.round(abs / 60_000), "minute");
  else if (abs < DAY) text = plural(Math.round(abs / 3_600_000), "hour");
  else if (abs < 60 * DAY) text = plural(Math.round(abs / DAY), "day");
  else if (abs < 730 * DAY) text = plural(Math.round(abs / (30 * DAY)), "month");
  else text = plural(Math.round(abs / (365 * DAY)), "year");
  return past ? `${text} ago` : `in ${text}`;
}

/** The word for a count: pluralWord(1, "identity", "identities") → "identity" (0 takes the plural). */
export const pluralWord = (n: number, one: string, many = `${one}s`) => (n === 1 ? one : many);

/**
 * A count and its word: plural(3, "identity", "identities") → "3 identities". `grouped` writes the
 * number with thousands separators (1,234), as the texts about whole estates do.
 */
export function plural(n: number, one: string, many = `${one}s`, { grouped = false }: { grouped?: boolean } = {}) {
  return `${grouped ? n.toLocaleString("en") : n} ${pluralWord(n, one, many)}`;
}

/** 2026-11-23 (UTC): the absolute date beside a relative one. */
export const isoDay = (iso: string | null) => (iso ? iso.slice(0, 10) : "—");
export const isoMinute = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");

/** snake_case enum values as words: service_account → Service account. */
export function humanize(value: string): string {
  const s = value
    .replace(/_/g, " ")
    .replace(/\b(api|ci|ai|aws)\b/g, (w) => w.toUpperCase())
    .replace(/\boauth\b/g, "OAuth");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A timestamp as the drivers hand it back (a Date, or Postgres text) as ISO 8601; null stays null. */
export const isoOrNull = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

/** The tail of a bulk action's answer: how many were left out and why, each reason once ("" when none). */
export function leftOut(what: string, skipped: readonly { reason: string }[]): string {
  return skipped.length ? ` ${what}: ${skipped.length} (${[...new Set(skipped.map((s) => s.reason))].join(" ")})` : "";
}
