import "server-only";
import { z } from "zod";
import { getDb, type Database } from "@/db";
import type { Actor, TokenScope } from "@/lib/auth";
import { now } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { readCappedBody } from "@/lib/http";
import { authenticateToken } from "@/lib/tokens";
import {
  beginIdempotent,
  bodyHash,
  finishIdempotent,
  IDEMPOTENCY_HEADER,
  releaseIdempotent,
  validKey,
} from "./idempotency";
import { takeRateSlot } from "./rate-limit";
import { apiError, domainErrorResponse, issueFields } from "./respond";

/**
 * One API route: what it is (for the OpenAPI document, lib/api/openapi.ts) and what it does. The
 * handler runs only after the kit has authenticated the bearer token (lib/tokens), checked its
 * scope, counted it against the token's rate limit, refused unknown query parameters and checked
 * the body against the route's strict schema (unknown fields, wrong types: 400 naming the field).
 * The handler then calls the same lib/<domain> functions as the pages, with the token's actor, so
 * every rule is checked there as for a person in the browser.
 */
export type ApiSpec = {
  method: "GET" | "POST";
  /** OpenAPI path under /api/v1, with `{id}` for the route's one parameter. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  scope: TokenScope;
  /** Query parameters: each key's schema (documents them; the domain parses them). */
  query?: Record<string, z.ZodType>;
  /** The body's strict schema (unknown fields refused). */
  body?: z.ZodType;
  response: z.ZodType;
  status?: 200 | 201 | 202;
  /** Body size cap; 1 MB unless the route says otherwise. */
  maxBodyBytes?: number;
};

export type ApiContext = {
  db: Database;
  actor: Actor;
  at: Date;
  /** The query as sent: the first value of each key, or every value of a key sent more than once. */
  query: Record<string, string | string[]>;
  params: Record<string, string>;
  /** The JSON body as sent (already checked against the spec's schema): the domain parses it again. */
  body: unknown;
};

type RouteArgs = { params?: Promise<Record<string, string | string[] | undefined>> };
export type ApiHandler = ((request: Request, ctx?: RouteArgs) => Promise<Response>) & { spec: ApiSpec };

const MB = 1024 * 1024;
const idParam = z.guid("That id is not valid.");

export function apiRoute(spec: ApiSpec, run: (c: ApiContext) => Promise<unknown>): ApiHandler {
  const handler = async (request: Request, ctx?: RouteArgs): Promise<Response> => {
    try {
      return await serve(spec, run, request, ctx);
    } catch (e) {
      if (e instanceof DomainError) return domainErrorResponse(e);
      console.error(`API ${spec.method} ${spec.path} failed`, e);
      return apiError(500, "internal", "Something went wrong on Steward's side; nothing you sent was at fault.");
    }
  };
  return Object.assign(handler, { spec });
}

async function serve(
  spec: ApiSpec,
  run: (c: ApiContext) => Promise<unknown>,
  request: Request,
  ctx?: RouteArgs,
): Promise<Response> {
  const db = getDb();
  const at = now();
  const actor = await authenticateToken(db, request.headers.get("authorization"), at);
  const token = actor.token!;
  if (!token.scopes.includes(spec.scope))
    return apiError(
      403,
      "insufficient_scope",
      `This needs a token with the ${spec.scope} scope; ${token.name} has ${token.scopes.join(", ") || "none"}.`,
    );
  const wait = await takeRateSlot(db, token.identityId, at);
  if (wait !== null)
    return apiError(429, "rate_limited", `Too many requests with this token: try again in ${wait} s.`, undefined, {
      "retry-after": String(wait),
    });

  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries((await ctx?.params) ?? {})) {
    const parsed = idParam.safeParse(v);
    if (!parsed.success)
      return apiError(400, "invalid_request", `That ${k} is not valid.`, { [k]: ["Not a valid id."] });
    params[k] = parsed.data;
  }

  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const had = query[k];
    query[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const unknown = Object.keys(query).filter((k) => !(spec.query && k in spec.query));
  if (unknown.length)
    return apiError(
      400,
      "invalid_request",
      `Unknown query parameter${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}.`,
      Object.fromEntries(unknown.map((k) => [k, ["Unknown parameter: Steward does not take it."]])),
    );

  let body: unknown = undefined;
  let text = "";
  if (spec.method === "POST") {
    const limit = spec.maxBodyBytes ?? MB;
    const read = await readCappedBody(request, limit);
    if (read === null)
      return apiError(413, "payload_too_large", `The body is larger than ${Math.round(limit / 1024)} KB.`);
    text = read;
    if (spec.body) {
      try {
        body = text.trim() === "" ? undefined : JSON.parse(text);
      } catch (e) {
        return apiError(400, "malformed_json", `The body is not valid JSON: ${(e as Error).message}`);
      }
      if (body === undefined) return apiError(400, "invalid_request", "Send a JSON body.", { body: ["Required."] });
      const checked = spec.body.safeParse(body);
      if (!checked.success)
        return apiError(400, "invalid_request", "Some fields are not valid.", issueFields(checked.error.issues));
    }
  }

  const key = spec.method === "POST" ? request.headers.get(IDEMPOTENCY_HEADER) : null;
  if (key !== null && !validKey(key))
    return apiError(400, "invalid_request", "An Idempotency-Key is 1 to 255 visible ASCII characters.", {
      "Idempotency-Key": ["1 to 255 visible ASCII characters."],
    });
  const route = `${spec.method} ${url.pathname}`;
  if (key !== null) {
    const begun = await beginIdempotent(db, token.identityId, key, route, bodyHash(route, text), at);
    if (begun.kind === "reused")
      return apiError(
        422,
        "idempotency_key_reused",
        "This Idempotency-Key was used with another request; use a new key.",
      );
    if (begun.kind === "in_progress")
      return apiError(
        409,
        "idempotency_key_in_use",
        "A request with this Idempotency-Key is still running; retry shortly.",
      );
    if (begun.kind === "replay")
      return Response.json(begun.body, {
        status: begun.status,
        headers: { "idempotent-replayed": "true", "cache-control": "no-store" },
      });
  }

  let status: number;
  let out: unknown;
  try {
    out = await run({ db, actor, at, query, params, body });
    status = spec.status ?? 200;
  } catch (e) {
    if (!(e instanceof DomainError)) {
      if (key !== null) await releaseIdempotent(db, token.identityId, key);
      throw e;
    }
    const response = domainErrorResponse(e);
    // A refusal is the answer for good (a retry gets it again), but a conflict may be a race that a
    // retry resolves ("someone asked for the same revocation just now"): its key is freed. Nothing
    // was written either way (the domain's transaction rolled back).
    if (key !== null && e.code === "conflict") await releaseIdempotent(db, token.identityId, key);
    else if (key !== null)
      await finishIdempotent(db, token.identityId, key, response.status, await response.clone().json());
    return response;
  }
  if (key !== null) await finishIdempotent(db, token.identityId, key, status, out);
  return Response.json(out, { status, headers: { "cache-control": "no-store" } });
}
