import type { output, ZodType } from "zod";
// Domain errors carry a code the edges (actions, API, CLI) map to a message and a status.
export type DomainErrorCode = "forbidden" | "not_found" | "invalid" | "conflict" | "unauthenticated" | "too_many";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const forbidden = (message = "You are not allowed to do this.") => new DomainError("forbidden", message);
export const notFound = (what = "The record") => new DomainError("not_found", `${what} was not found.`);
export const invalid = (message: string, fieldErrors?: Record<string, string[]>) =>
  new DomainError("invalid", message, fieldErrors);
export const conflict = (message: string) => new DomainError("conflict", message);
/** Refused for now, not for ever: the person has as many of these running as they may (HTTP 429). */
export const tooMany = (message: string) => new DomainError("too_many", message);

export const HTTP_STATUS: Record<DomainErrorCode, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_many: 429,
};

/** A zod failure as `invalid`, with one list of messages per field (the first path segment). */
export function invalidInput(
  message: string,
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
): DomainError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[String(issue.path[0] ?? "form")] ??= []).push(issue.message);
  return invalid(message, fieldErrors);
}

/** A domain call's input checked by its schema, or `invalidInput(message, …)` with the form's field errors. */
export function parseInput<S extends ZodType>(schema: S, raw: unknown, message: string): output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidInput(message, parsed.error);
  return parsed.data;
}
