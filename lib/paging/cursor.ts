import { z } from "zod";
import { invalid } from "@/lib/errors";
import { isGuid, isIsoInstant } from "@/lib/validation";

/**
 * Every list's page cursor is one opaque token: base64url of a JSON tuple (the last row's sort
 * values and id). What the tuple must hold is each list's zod schema, checked before a value
 * reaches SQL: a token that does not decode, or decodes to the wrong shape, is a broken page link,
 * never a failed cast. Browser-safe (no Buffer, no database).
 */
export const BROKEN_CURSOR = "That page link is broken; start again from the first page.";

/** What a token looks like in a URL (before it is decoded): links carry it on as text. */
const TOKEN = /^[A-Za-z0-9_-]{1,400}$/;

export function encodeCursor(tuple: readonly unknown[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(tuple));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeJson(token: string): unknown {
  if (!TOKEN.test(token)) return undefined;
  try {
    const bin = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** The token's tuple as `schema` reads it, or null when it is not one. */
export function readCursor<S extends z.ZodType>(schema: S, token: unknown): z.output<S> | null {
  if (typeof token !== "string") return null;
  const parsed = schema.safeParse(decodeJson(token));
  return parsed.success ? parsed.data : null;
}

/** The token's tuple, or a clear `invalid` naming the URL field (after, before) it came in. */
export function decodeCursor<S extends z.ZodType>(schema: S, token: unknown, field = "after"): z.output<S> {
  const tuple = readCursor(schema, token);
  if (tuple === null) throw invalid(BROKEN_CURSOR, { [field]: [BROKEN_CURSOR] });
  return tuple;
}

/** A URL field holding a token of the right shape; decode it with the list's schema where the schema depends on other fields. */
export const cursorToken = z.string().regex(TOKEN, BROKEN_CURSOR);

/** A URL field holding a token `schema` decodes: refused in the parser, kept as text for links. */
export const cursorParam = (schema: z.ZodType) =>
  z.string().refine((s) => readCursor(schema, s) !== null, BROKEN_CURSOR);

/** Tuple parts lists share: an instant as toISOString() writes it (the columns keep milliseconds) and a row id. */
export const instantPart = z.string().refine(isIsoInstant);
export const idPart = z.string().refine(isGuid);
