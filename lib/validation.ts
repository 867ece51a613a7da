import { z } from "zod";

/**
 * Parsers shared by every domain schema, so nothing malformed reaches SQL: PostgreSQL refuses a
 * NUL character in text and jsonb, and a `::uuid` or `::timestamptz` cast of a bad value fails the
 * whole statement (a 500 to the person who typed it). Each parser here either yields a value
 * PostgreSQL accepts or a clear message.
 */

export const NUL_MESSAGE = "Remove the NUL character (\\0): text cannot contain one.";

export const hasNul = (s: string) => s.includes("\u0000");
export const BROKEN_MESSAGE = "Remove the broken character (a lone half of a UTF-16 pair): text must be valid Unicode.";

/**
 * Free text PostgreSQL can store: a string without NUL. Every schema field that takes text a person
 * (or a caller) typed starts here instead of `z.string()`; chain `.trim()`, `.min()`, `.max()` as usual.
 */
export const text = (params?: Parameters<typeof z.string>[0]) =>
  z
    .string(params)
    .refine((s) => !hasNul(s), { message: NUL_MESSAGE, abort: true })
    // A lone UTF-16 surrogate cannot be stored either: JSON carries it as an escape jsonb refuses.
    .refine((s) => s.isWellFormed(), { message: BROKEN_MESSAGE, abort: true });

/**
 * What a person must write in words (a reason, evidence, a purpose): trimmed, and asked for again
 * when it is missing, shorter than `min` ("Say why it is revoked (at least 5 characters).") or longer
 * than `max`.
 */
export const prose = (
  ask: string,
  min: number,
  max: number,
  tooLong = `Keep it under ${max.toLocaleString("en")} characters.`,
) =>
  text({ error: ask })
    .trim()
    .min(min, `${ask.replace(/\.$/, "")} (at least ${min} characters).`)
    .max(max, tooLong);

/**
 * A selection of ids from a list page (a bulk action's), refused in words when it is missing,
 * empty, longer than `max` or holds an id that is not one.
 */
export const idSelection = ({
  one,
  max,
  atLeast = `Choose at least one ${one}.`,
  missing = atLeast,
  tooMany = `At most ${max} at a time.`,
}: {
  one: string;
  max: number;
  missing?: string;
  atLeast?: string;
  tooMany?: string;
}) =>
  z
    .array(z.guid(`That ${one} id is not valid.`), { error: missing })
    .min(1, atLeast)
    .max(max, tooMany);

/** The same check for a string that did not come through zod (a header, a cursor's decoded field). */
export const storableText = (s: unknown): s is string => typeof s === "string" && !hasNul(s);

export const guid = z.guid();
export const isGuid = (s: unknown): s is string => guid.safeParse(s).success;

// Years PostgreSQL and Date agree on; 9998 leaves room for "the day after" a `to` date.
const YEAR_MIN = 1;
const YEAR_MAX = 9998;
const yearOk = (s: string) => {
  const y = Number(s.slice(0, 4));
  return y >= YEAR_MIN && y <= YEAR_MAX;
};

/**
 * An instant exactly as `Date.toISOString()` writes it (what cursors carry). Date.parse alone is
 * lenient ("2026-02-30" becomes 2 March, "24:00" the next day) where PostgreSQL refuses them, so
 * the text must come back unchanged from a round trip through Date.
 */
export function isIsoInstant(s: unknown): s is string {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(s) || !yearOk(s)) return false;
  const d = new Date(s);
  return !Number.isNaN(d.getTime()) && d.toISOString() === s;
}

/** A calendar day, "2026-11-23", that exists (no 30 February, no year 0). */
export function isIsoDay(s: unknown): s is string {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(s) || !yearOk(s)) return false;
  const d = new Date(`${s}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
