import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ListPage } from "@/components/ui/page-header";
import { Panel } from "@/components/ui/panel";
import { apiDocument, rateLimitPerMinute } from "@/lib/api";
import { requireActor } from "@/lib/auth";

export const metadata: Metadata = { title: "API reference" };

type Schema = {
  type?: string | string[];
  $ref?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  format?: string;
  oneOf?: Schema[];
};
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  "x-steward-scope": string;
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: Schema }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
  responses: Record<string, { description: string; content?: { "application/json": { schema: Schema } } }>;
};

/** A JSON Schema as a reader wants it: "string (uuid)", "one of a, b", "array of IdentitySummary". */
function typeOf(s: Schema | undefined): string {
  if (!s) return "any";
  if (s.$ref) return s.$ref.split("/").pop()!;
  if (s.enum) return `one of ${s.enum.map(String).join(", ")}`;
  if (s.anyOf) return s.anyOf.map(typeOf).join(" or ");
  if (s.oneOf) return s.oneOf.map(typeOf).join(" or ");
  if (s.type === "array") return `array of ${typeOf(s.items)}`;
  if (s.type === "null") return "null";
  if (s.type) return `${Array.isArray(s.type) ? s.type.join(" or ") : s.type}${s.format ? ` (${s.format})` : ""}`;
  return "any";
}

function Fields({ schema, caption }: { schema: Schema; caption: string }) {
  if (schema.oneOf || schema.anyOf)
    return (
      <div className="space-y-2">
        {(schema.oneOf ?? schema.anyOf)!.map((s, n) => (
          <Fields key={n} schema={s} caption={`${caption}, form ${n + 1}`} />
        ))}
      </div>
    );
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return <p className="text-sm">{typeOf(schema)}</p>;
  return (
    <table className="mt-1 text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="text-left text-slate-600">
          <th className="pr-4 font-medium">Field</th>
          <th className="pr-4 font-medium">Type</th>
          <th className="font-medium">Required</th>
        </tr>
      </thead>
      <tbody>
        {props.map(([name, s]) => (
          <tr key={name} className="align-top">
            <td className="pr-4 font-mono text-xs">{name}</td>
            <td className="pr-4">{typeOf(s)}</td>
            <td>{schema.required?.includes(name) ? "yes" : "no"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The REST API's reference, rendered from the same OpenAPI document the API serves. */
export default async function ApiReferencePage() {
  await requireActor();
  const doc = apiDocument() as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return (
    <ListPage
      id="reference-heading"
      title="API reference"
      description="The REST API at /api/v1: the same rules as these pages, checked in the same place, as the token's owner."
    >
      <Panel id="start" title="Getting started">
        <div className="mt-2 space-y-2 text-sm">
          <p>
            Make a token on{" "}
            <Link className="text-brand-700 underline" href="/tokens">
              API tokens
            </Link>{" "}
            (or <code>npx steward token create --owner you@example.com --name ci --scopes read,write</code>) and send it
            as a bearer token:
          </p>
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
            {`curl -H "Authorization: Bearer $STEWARD_TOKEN" "$STEWARD_URL/api/v1/identities?owner=me&state=dormant"

curl -X POST "$STEWARD_URL/api/v1/requests" \\
  -H "Authorization: Bearer $STEWARD_TOKEN" -H "Content-Type: application/json" \\
  -H "Idempotency-Key: $(uuidgen)" \\
  -d '{"type": "extend_expiry", "identityId": "…", "expiresOn": "2027-03-31", "justification": "Still runs the nightly export."}'`}
          </pre>
          <ul className="list-disc space-y-1 pl-5">
            <li>
              Errors are <code>{`{"error": {"code", "message", "fields"}}`}</code>: the code is stable,{" "}
              <code>fields</code> names each field (or query parameter) that was wrong. Unknown fields are refused, not
              ignored.
            </li>
            <li>
              Every POST takes an <code>Idempotency-Key</code>: a retry with the same key and body gets the first answer
              again (<code>Idempotent-Replayed: true</code>); the key with another body is 422. Keys are kept for a day.
            </li>
            <li>
              At most {rateLimitPerMinute().toLocaleString("en")} requests a minute per token; past it, 429 with{" "}
              <code>Retry-After</code>.
            </li>
            <li>
              The machine-readable description:{" "}
              <a className="text-brand-700 underline" href="/api/v1/openapi.json">
                /api/v1/openapi.json
              </a>{" "}
              (OpenAPI 3.1).
            </li>
          </ul>
        </div>
      </Panel>
      <nav aria-label="Operations" className="text-sm">
        <ul className="grid gap-1 sm:grid-cols-2">
          {operations.map(({ path, method, op }) => (
            <li key={op.operationId}>
              <a className="text-brand-700 underline" href={`#${op.operationId}`}>
                {method} {path}
              </a>{" "}
              <span className="text-slate-600">{op.summary}</span>
            </li>
          ))}
        </ul>
      </nav>
      {operations.map(({ path, method, op }) => {
        const ok = Object.entries(op.responses).find(([code]) => code.startsWith("2"))!;
        const body = op.requestBody?.content["application/json"].schema;
        const okSchema = ok[1].content?.["application/json"].schema;
        const okName = okSchema?.$ref?.split("/").pop();
        return (
          <Panel key={op.operationId} id={op.operationId} title={`${method} /api/v1${path}: ${op.summary}`}>
            <div className="mt-2 space-y-3 text-sm">
              <p>
                <Badge tone="info">scope {op["x-steward-scope"]}</Badge> {op.description}
              </p>
              {op.parameters?.length ? (
                <div>
                  <h3 className="font-medium">Parameters</h3>
                  <ul className="mt-1 space-y-0.5">
                    {op.parameters.map((p) => (
                      <li key={`${p.in}-${p.name}`}>
                        <code>{p.name}</code> ({p.in}
                        {p.required ? ", required" : ""}): {typeOf(p.schema)}
                        {p.description ? `. ${p.description}` : ""}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              {body ? (
                <div>
                  <h3 className="font-medium">Body</h3>
                  <Fields schema={body} caption={`Body of ${method} ${path}`} />
                </div>
              ) : null}
              <div>
                <h3 className="font-medium">
                  {ok[0]}: {okName ?? typeOf(okSchema)}
                </h3>
                {okName && doc.components.schemas[okName] ? (
                  <Fields
                    schema={doc.components.schemas[okName]}
                    caption={`${okName}, the answer of ${method} ${path}`}
                  />
                ) : null}
              </div>
              <p className="text-slate-600">
                Refusals:{" "}
                {Object.keys(op.responses)
                  .filter((c) => !c.startsWith("2"))
                  .join(", ")}{" "}
                (the Error shape above).
              </p>
            </div>
          </Panel>
        );
      })}
    </ListPage>
  );
}
