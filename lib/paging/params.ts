import { z } from "zod";

/**
 * The URL parameters every list reads the same way: which values count, page sizes and on/off flags.
 * Browser-safe (no database).
 */

export type RawParams = Record<string, unknown>;

/**
 * Search params as a list's schema takes them: a key given several times keeps its first value
 * (unless it is one of `lists`, which keep them all), and blank values are left out, as if absent.
 */
export function searchInput(params: RawParams, lists: readonly string[] = []): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const value = Array.isArray(v) && !lists.includes(k) ? v[0] : v;
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) continue;
    input[k] = value;
  }
  return input;
}

/** A page size: whole, clamped to `min`…`max`; anything that is not a number is the default. */
export const pageSize = ({
  fallback = 50,
  min = 10,
  max = 200,
}: { fallback?: number; min?: number; max?: number } = {}) =>
  z.coerce
    .number()
    .catch(fallback)
    .default(fallback)
    .transform((n) => (Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), min), max) : fallback));

/** A page number: whole, 1 or more (links carry it for the "Page n" line; the cursor decides the rows). */
export const pageNumber = z.coerce
  .number()
  .catch(1)
  .default(1)
  .transform((n) => (Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 1), 1_000_000) : 1));

const ON = ["1", "true", "on", true] as const;
const OFF = ["0", "false", "off", false] as const;

/** An on/off filter: 1, true or on; 0, false or off; anything else is a message. */
export const flag = z.preprocess(
  (v) => ((ON as readonly unknown[]).includes(v) ? true : (OFF as readonly unknown[]).includes(v) ? false : v),
  z.boolean({ error: "Use 1 or 0." }),
);

/** How a flag is written back into a link: "1" when on, left out when off (unless `off` is asked). */
export const flagParam = (v: boolean | undefined, off?: "0") => (v === true ? "1" : v === false ? off : undefined);
