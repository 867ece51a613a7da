import { z } from "zod";
import type { ApiSpec } from "./route";
import { errorSchema } from "./respond";
import { rateLimitPerMinute } from "./rate-limit";

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the routes' own zod schemas (the ones that
 * check every request), so the document cannot drift from what the API accepts. JSON Schema
 * 2020-12, which OpenAPI 3.1 uses, comes from zod's `toJSONSchema`; schemas with an id become
 * components.
 */
type Json = Record<string, unknown>;

function converter() {
  const components: Record<string, Json> = {};
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === "object") {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "$schema" || k === "$defs") continue;
        out[k] = k === "$ref" && typeof x === "string" ? x.replace("#/$defs/", "#/components/schemas/") : rewrite(x);
      }
      return out;
    }
    return v;
  };
  const convert = (schema: z.ZodType, io: "input" | "output"): Json => {
    const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
    for (const [id, def] of Object.entries((json.$defs ?? {}) as Record<string, Json>))
      components[id] = rewrite(def) as Json;
    return rewrite(json) as Json;
  };
  return { components, convert };
}

const ERRORS: Record<string, string> = {
  "400":
    "Bad input: malformed JSON, a wrong type, an unknown field or parameter (`fields` names each), or a refusal by policy.",
  "401": "No token, or one that is not valid, expired, revoked or whose owner has left.",
  "403": "The token lacks the scope, or its person may not do this.",
  "404": "Not found, or outside the caller's scope.",
  "409":
    "A conflict with the record's state (decided by someone else first, already revoked…), or the Idempotency-Key's first request still running.",
  "413": "The body is too large.",
  "422": "The Idempotency-Key was used with another body or route.",
  "429": "Over the token's rate limit; retry after `Retry-After` seconds.",
};

export function openApiDocument(routes: readonly ApiSpec[]): Json {
  const { components, convert } = converter();
  const error = convert(errorSchema, "output");
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of routes) {
    const parameters: Json[] = [];
    for (const name of spec.path.match(/\{(\w+)\}/g)?.map((p) => p.slice(1, -1)) ?? [])
      parameters.push({ name, in: "path", required: true, schema: { type: "string", format: "uuid" } });
    for (const [name, schema] of Object.entries(spec.query ?? {})) {
      const { description, ...rest } = convert(schema, "input");
      parameters.push({
        name,
        in: "query",
        required: !schema.safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
    if (spec.method === "POST")
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "Any unique string (a UUID): a retry with the same key and body gets the first response again (`Idempotent-Replayed: true`); another body under the key is 422. Kept for 24 hours.",
        schema: { type: "string", minLength: 1, maxLength: 255 },
      });
    const errors = Object.fromEntries(
      Object.entries(ERRORS)
        .filter(([code]) => spec.method === "POST" || !["413", "422"].includes(code))
        .map(([code, description]) => [
          code,
          {
            description,
            ...(code === "429" ? { headers: { "Retry-After": { schema: { type: "integer" } } } } : {}),
            content: { "application/json": { schema: error } },
          },
        ]),
    );
    (paths[spec.path] ??= {})[spec.method.toLowerCase()] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      security: [{ bearer: [spec.scope] }],
      "x-steward-scope": spec.scope,
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? { requestBody: { required: true, content: { "application/json": { schema: convert(spec.body, "input") } } } }
        : {}),
      responses: {
        [String(spec.status ?? 200)]: {
          description: "Success.",
          content: { "application/json": { schema: convert(spec.response, "output") } },
        },
        ...errors,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Steward API",
      version: "1",
      description: `Govern non-human identities from pipelines: the same rules as the browser, checked in the same place. Authenticate with an API token (\`Authorization: Bearer stw_…\`), made on the Tokens page or with \`npx steward token create\`; each token acts as its owner, within its scopes (read, write, scim), and is itself an identity Steward governs. At most ${rateLimitPerMinute().toLocaleString("en")} requests a minute per token.`,
    },
    servers: [{ url: "/api/v1" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A Steward API token: stw_<lookup>_<secret>." },
      },
      schemas: components,
    },
    paths,
  };
}
