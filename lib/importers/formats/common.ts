import { parse } from "csv-parse/sync";
import type { ImportRow, ParseError } from "../types";

/** An instant from a file, as ISO, or null for the values tools write for "none". */
export function instant(v: unknown, line: number, what: string, errors: ParseError[]): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  if (s === "" || ["N/A", "no_information", "not_supported", "null", "none"].includes(s)) return null;
  const d = new Date(s);
  const y = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || y < 1970 || y > 9998) {
    errors.push({ line, message: `${what} is not a date: "${s.slice(0, 40)}".` });
    return null;
  }
  return d.toISOString();
}

/** Text a file gives, trimmed and checked (no NUL, well-formed, not too long), or null when blank. */
export function textOf(v: unknown, line: number, what: string, errors: ParseError[], max = 500): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  if (s === "") return null;
  if (s.includes("\u0000") || !s.isWellFormed() || s.length > max) {
    errors.push({
      line,
      message: `${what} is not usable text (at most ${max} characters, no control or broken characters).`,
    });
    return null;
  }
  return s;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function row(partial: Partial<ImportRow> & Pick<ImportRow, "line" | "externalId" | "name" | "kind">): ImportRow {
  return {
    credentialType: "static_secret",
    disabled: false,
    createdAt: null,
    lastUsedAt: null,
    lastRotatedAt: null,
    expiresAt: null,
    ownerEmail: null,
    purpose: null,
    entitlements: [],
    warnings: [],
    ...partial,
  };
}

/** A JSON document, or the error with where it broke. */
export function parseJson(text: string, errors: ParseError[]): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec((e as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split("\n").length : 1;
    errors.push({ line, message: `The file is not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

/** The line a JSON array's n-th item starts on (an approximation good enough for messages). */
export function itemLines(text: string, key: string): number[] {
  const lines: number[] = [];
  const re = new RegExp(`"${key}"\\s*:`, "g");
  for (const m of text.matchAll(re)) lines.push(text.slice(0, m.index).split("\n").length);
  return lines;
}

export type CsvRecord = { record: Record<string, string>; info: { lines: number } };

/** A CSV with a header row: its records (each with the line it ends on) and its column names, or why it cannot be read. */
export function readCsv(text: string): { records: CsvRecord[]; header: string[] } | { error: ParseError } {
  try {
    const records: CsvRecord[] = parse(text, {
      columns: true,
      info: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
    const header = text
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/, 1)[0]!
      .split(",")
      .map((h) => h.trim());
    return { records, header };
  } catch (e) {
    return {
      error: { line: (e as { lines?: number }).lines ?? 1, message: `The CSV cannot be read: ${(e as Error).message}` },
    };
  }
}
