import { z } from "zod";
import { DomainError, HTTP_STATUS, type DomainErrorCode } from "@/lib/errors";

/**
 * Every API error has one shape: `{ "error": { "code", "message", "fields"? } }`. The code is
 * stable (clients branch on it); the message is for people; `fields` names each field that was
 * wrong with what is wrong with it.
 */
export const API_ERROR_CODES = [
  "unauthenticated",
  "insufficient_scope",
  "forbidden",
  "not_found",
  "invalid_request",
  "malformed_json",
  "payload_too_large",
  "conflict",
  "idempotency_key_in_use",
  "idempotency_key_reused",
  "rate_limited",
  "too_many_requests",
  "internal",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
    }),
  })
  .meta({ id: "Error" });

const DOMAIN_CODES: Record<DomainErrorCode, ApiErrorCode> = {
  unauthenticated: "unauthenticated",
  forbidden: "forbidden",
  not_found: "not_found",
  invalid: "invalid_request",
  conflict: "conflict",
  too_many: "too_many_requests",
};

export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  fields?: Record<string, string[]>,
  headers?: Record<string, string>,
): Response {
  return Response.json(
    { error: { code, message, ...(fields && Object.keys(fields).length ? { fields } : {}) } },
    {
      status,
      headers: { "cache-control": "no-store", ...headers },
    },
  );
}

export function domainErrorResponse(e: DomainError): Response {
  const headers: Record<string, string> =
    e.code === "unauthenticated" ? { "www-authenticate": 'Bearer realm="steward"' } : {};
  return apiError(HTTP_STATUS[e.code], DOMAIN_CODES[e.code], e.message, e.fieldErrors, headers);
}

/** A zod failure as field → messages: nested paths joined with dots, unknown keys named one by one. */
export function issueFields(issues: readonly z.core.$ZodIssue[], prefix = ""): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const put = (k: string, m: string) => (out[k || "body"] ??= []).push(m);
  for (const issue of issues) {
    const at = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys")
      for (const key of issue.keys) put(at ? `${at}.${key}` : key, "Unknown field: Steward does not take it.");
    else put(at, issue.message);
  }
  return out;
}
