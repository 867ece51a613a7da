import fs from "node:fs";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { setClock } from "@/lib/clock";
import { createCampaign, launchCampaign } from "@/lib/reviews";
import { curatedId, testDatabase } from "@/lib/testing";
import {
  API_ROUTES,
  apiDocument,
  createIdentityRoute,
  createRequestRoute,
  createRevocationRoute,
  decideRequestRoute,
  decideReviewItemRoute,
  endBreakGlassRoute,
  getIdentityRoute,
  getRevocationRoute,
  ingestUsageRoute,
  listAuditEventsRoute,
  listIdentitiesRoute,
  listRequestsRoute,
  listReviewItemsRoute,
  requestBreakGlassRoute,
} from ".";
import type { ApiHandler } from "./route";
import { call, tokenFor, type Call } from "./test-api";

// The OpenAPI document against the API: it is a valid OpenAPI 3.1 document, it lists every route
// app/api/v1 serves, and every response the routes really give — successes and refusals — matches
// the schema the document gives for that route and status.

const conn = testDatabase({ identities: 60 });
const doc = apiDocument();
const ID = "https://steward.invalid/api/v1/openapi.json";
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ ...doc, $id: ID });

const seen = new Set<string>();
const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

/** Calls the route and checks the answer against the document's schema for its status. */
async function conforms(route: ApiHandler, c: Call, status: number) {
  const r = await call(route, c);
  expect(r.status, `${route.spec.method} ${route.spec.path}: ${JSON.stringify(r.body)}`).toBe(status);
  const ref = `${ID}#/${pointer("paths", route.spec.path, route.spec.method.toLowerCase(), "responses", String(status), "content", "application/json", "schema")}`;
  const validate = ajv.getSchema(ref);
  expect(validate, `the document describes ${status} for ${route.spec.method} ${route.spec.path}`).toBeDefined();
  const ok = validate!(r.body);
  expect(ok, `${route.spec.method} ${route.spec.path} ${status}: ${ajv.errorsText(validate!.errors)}`).toBe(true);
  seen.add(`${route.spec.method} ${route.spec.path} ${status}`);
  return r.body;
}

let sam = "";
let olivia = "";
let omar = "";
let maya = "";
beforeAll(async () => {
  sam = await tokenFor(conn.db, conn.personas.sam);
  olivia = await tokenFor(conn.db, conn.personas.olivia);
  omar = await tokenFor(conn.db, conn.personas.omar);
  maya = await tokenFor(conn.db, conn.personas.maya);
});
afterAll(() => setClock(undefined));

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it("lists every route app/api/v1 serves (but the connectors' callbacks and itself)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name === "route.ts") files.push(path.relative("app/api/v1", dir));
    };
    walk("app/api/v1");
    const served = new Set<string>();
    for (const dir of files.filter((f) => !f.startsWith("connectors") && f !== "openapi.json")) {
      const src = fs.readFileSync(path.join("app/api/v1", dir, "route.ts"), "utf8");
      for (const m of src.matchAll(/export function (GET|POST)/g))
        served.add(`${m[1]} /${dir.replace(/\[(\w+)\]/g, "{$1}")}`);
    }
    const documented = new Set(API_ROUTES.map((r) => `${r.spec.method} ${r.spec.path}`));
    expect([...served].sort()).toEqual([...documented].sort());
    for (const r of API_ROUTES)
      expect(
        (doc.paths as Record<string, Record<string, unknown>>)[r.spec.path]?.[r.spec.method.toLowerCase()],
      ).toBeDefined();
  });
});

describe("every route's real responses match the document", () => {
  it("identities", async () => {
    const page = await conforms(listIdentitiesRoute, { token: sam, query: "sort=risk&size=10" }, 200);
    await conforms(getIdentityRoute, { token: sam, params: { id: page.data[0].id } }, 200);
    await conforms(getIdentityRoute, { token: olivia, params: { id: curatedId("sam-security-scanner") } }, 404);
    await conforms(listIdentitiesRoute, { token: sam, query: "kind=robot" }, 400);
    await conforms(listIdentitiesRoute, { token: "stw_0000000000000000_" + "A".repeat(43) }, 401);
    const [system] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM systems WHERE environment = 'development' AND connector <> 'steward' LIMIT 1`,
    );
    const created = await conforms(
      createIdentityRoute,
      {
        token: olivia,
        body: {
          name: "api-created-reporter",
          kind: "service_account",
          systemId: system!.id,
          purpose: "Nightly report export, asked for from a pipeline.",
          expiresOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
          credentialType: "short_lived_token",
          justification: "The nightly export needs its own account.",
        },
      },
      201,
    );
    expect(created.status).toBe("fulfilled");
    await conforms(createIdentityRoute, { token: olivia, body: { name: "x" } }, 400);
  });

  it("requests", async () => {
    const body = {
      type: "extend_expiry",
      identityId: curatedId("olivia-checkout-ci"),
      expiresOn: new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10),
      justification: "The release train still needs it.",
    };
    const submitted = await conforms(
      createRequestRoute,
      { token: olivia, body, headers: { "idempotency-key": "k1" } },
      201,
    );
    await conforms(
      createRequestRoute,
      {
        token: olivia,
        body: { ...body, justification: "Another reason entirely." },
        headers: { "idempotency-key": "k1" },
      },
      422,
    );
    await conforms(createRequestRoute, { token: olivia, body }, 409);
    await conforms(listRequestsRoute, { token: maya, query: "queue=decide" }, 200);
    await conforms(
      decideRequestRoute,
      { token: olivia, params: { id: submitted.id }, body: { decision: "approve" } },
      403,
    );
    await conforms(
      decideRequestRoute,
      { token: maya, params: { id: submitted.id }, body: { decision: "approve" } },
      200,
    );
    const read = await tokenFor(conn.db, conn.personas.olivia, ["read"]);
    await conforms(createRequestRoute, { token: read, body }, 403);
  });

  it("review items", async () => {
    const { id } = await createCampaign(conn.db, conn.personas.sam, {
      name: "API conformance",
      scope: { q: "payments" },
      reviewerRule: "security",
      dueOn: "2099-01-01",
    });
    await launchCampaign(conn.db, conn.personas.sam, id);
    const page = await conforms(listReviewItemsRoute, { token: sam }, 200);
    expect(page.data.length).toBeGreaterThan(0);
    const item = page.data.find((x: { certifyNeedsComment: boolean }) => !x.certifyNeedsComment) ?? page.data[0];
    await conforms(
      decideReviewItemRoute,
      { token: sam, params: { id: item.id }, body: { decision: "revoke", comment: "No longer needed." } },
      200,
    );
    await conforms(decideReviewItemRoute, { token: sam, params: { id: item.id }, body: { decision: "maybe" } }, 400);
  });

  it("revocations, break-glass and the audit log", async () => {
    const revoked = await conforms(
      createRevocationRoute,
      { token: sam, body: { identityId: curatedId("unowned-s3-reader"), reason: "Nobody answers for it." } },
      201,
    );
    await conforms(getRevocationRoute, { token: sam, params: { id: revoked.id } }, 200);
    await conforms(getRevocationRoute, { token: olivia, params: { id: revoked.id } }, 404);
    // Omar is on call in the demo: his break-glass opens at once.
    const bg = await conforms(
      requestBreakGlassRoute,
      {
        token: omar,
        body: {
          identityId: curatedId("omar-settlement-exporter"),
          justification: "Settlement export is stuck in production.",
          incidentRef: "INC-7",
          hours: 1,
        },
      },
      201,
    );
    expect(bg.status).toBe("active");
    await conforms(endBreakGlassRoute, { token: olivia, params: { id: bg.id } }, 404);
    await conforms(endBreakGlassRoute, { token: omar, params: { id: bg.id } }, 200);
    await conforms(endBreakGlassRoute, { token: omar, params: { id: bg.id } }, 409);
    await conforms(listAuditEventsRoute, { token: sam, query: "size=20" }, 200);
    await conforms(listAuditEventsRoute, { token: olivia }, 403);
  });

  it("usage", async () => {
    await conn.db.execute(
      sql`UPDATE identities SET external_id = 'payments-api-key-1' WHERE id = ${curatedId("olivia-payments-api")}::uuid`,
    );
    const [s] = await queryRows<{ name: string }>(
      conn.db,
      sql`SELECT s.name FROM systems s JOIN identities i ON i.system_id = s.id WHERE i.id = ${curatedId("olivia-payments-api")}::uuid`,
    );
    const usedAt = new Date(Date.now() - 60_000).toISOString();
    const events = [
      { system: s!.name, externalId: "payments-api-key-1", usedAt, source: { address: "10.0.0.5" } },
      { system: s!.name, externalId: "nobody", usedAt },
    ];
    const out = await conforms(ingestUsageRoute, { token: sam, body: { events } }, 200);
    expect(out).toMatchObject({ received: 2, matched: 1, unknown: 1 });
    await conforms(ingestUsageRoute, { token: olivia, body: { events } }, 403);
    await conforms(ingestUsageRoute, { token: sam, body: { events: [{ ...events[0], usedAt: "soon" }] } }, 400);
  });

  it("rate limits", async () => {
    process.env.STEWARD_API_RATE_LIMIT = "1";
    try {
      const token = await tokenFor(conn.db, conn.personas.ada, ["read"]);
      setClock(() => new Date("2026-12-03T10:00:30.000Z"));
      await conforms(listIdentitiesRoute, { token }, 200);
      await conforms(listIdentitiesRoute, { token }, 429);
    } finally {
      delete process.env.STEWARD_API_RATE_LIMIT;
      setClock(undefined);
    }
  });

  it("would catch a response that strays from the document (an extra field, a wrong type)", () => {
    const v = ajv.getSchema(
      `${ID}#/${pointer("paths", "/identities/{id}", "get", "responses", "200", "content", "application/json", "schema")}`,
    )!;
    expect(v({ id: "x" })).toBe(false);
    const e = ajv.getSchema(
      `${ID}#/${pointer("paths", "/identities", "get", "responses", "400", "content", "application/json", "schema")}`,
    )!;
    expect(e({ error: { code: "invalid_request", message: "m" } })).toBe(true);
    expect(e({ error: { code: "invalid_request", message: "m", secret: "leaked" } })).toBe(false);
    expect(e({ error: { code: "no_such_code", message: "m" } })).toBe(false);
  });

  it("covered every route's success", () => {
    for (const r of API_ROUTES)
      expect(seen, `${r.spec.method} ${r.spec.path}`).toContain(
        `${r.spec.method} ${r.spec.path} ${r.spec.status ?? 200}`,
      );
  });
});
