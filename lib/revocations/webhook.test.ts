import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, refusal, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { setClock } from "@/lib/clock";
import { SIGNATURE_HEADER, signedHeaders, TIMESTAMP_HEADER, verifySignature } from "@/lib/connectors/webhook-signature";
import { receiveWebhookCallback } from "./callback";
import { queueGrant } from "./queue";
import { requestRevocation } from "./request";
import { backoffMs, runRevocations } from "./run";

// The webhook connector against a real local receiver: Steward's calls are signed (and a receiver
// holding another secret refuses them), a receiver that fails twice is retried with backoff until
// it succeeds, verification polls a signed status URL, and signed callbacks confirm, while
// unsigned, mis-signed or replayed ones change nothing.

const SECRET = "receiver-shared-secret-0123456789";
const JOB = { type: "job" as const, id: null, label: "test revocation runner" };
const T0 = new Date("2026-11-27T12:00:00.000Z");

type Seen = { method: string; path: string; body: string; signatureOk: boolean };
const seen: Seen[] = [];
let failuresLeft = 0;
const revoked = new Set<string>();
const granted = new Set<string>();
let server: Server;
let base: string;

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

let sam: Actor;
beforeAll(async () => {
  // The receiver checks Steward's signature with its own copy of the secret, at the test's clock.
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://receiver");
    const body = req.method === "GET" ? url.search.slice(1) : await read(req);
    const check = verifySignature(
      SECRET,
      body,
      String(req.headers[TIMESTAMP_HEADER] ?? ""),
      String(req.headers[SIGNATURE_HEADER] ?? ""),
      clock,
    );
    seen.push({ method: req.method!, path: url.pathname, body, signatureOk: check.ok });
    if (!check.ok) return void res.writeHead(401).end(check.reason);
    if (url.pathname === "/revoke") {
      if (failuresLeft > 0) {
        failuresLeft--;
        return void res.writeHead(503).end("busy, try later");
      }
      const call = JSON.parse(body) as { action: string; account: string };
      (call.action === "grant" ? granted : revoked).add(call.account);
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    }
    if (url.pathname === "/status") {
      return void res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          revoked: revoked.has(url.searchParams.get("account")!),
          granted: granted.has(url.searchParams.get("account")!),
        }),
      );
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
const conn = testDatabase({ identities: 60 });
beforeAll(async () => {
  sam = await actorOf(conn.db, "sam");
});
afterAll(async () => {
  setClock(undefined);
  await new Promise((r) => server.close(r));
});

let clock = T0;
const at = (d: Date) => {
  clock = d;
  setClock(() => d);
  return d;
};

async function identityOn(settings: Record<string, unknown>, account: string): Promise<string> {
  const [s] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${`Receiver ${account}`}, 'saas_app', 'webhook', ${JSON.stringify(settings)}::jsonb) RETURNING id`,
  );
  const [i] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, status, origin, external_id, credential_type)
        VALUES (${account}, 'api_key', ${s!.id}::uuid, 'production', ${sam.personId}::uuid, 'active', 'discovered', ${account}, 'static_secret') RETURNING id`,
  );
  return i!.id;
}
const revocation = async (id: string) =>
  (
    await queryRows<{ status: string; attempts: number; last_error: string | null; connector_result: unknown }>(
      conn.db,
      sql`SELECT status, attempts, last_error, connector_result FROM revocations WHERE id = ${id}::uuid`,
    )
  )[0]!;
/** The receiver's callback with `body` and the headers `h` signed, delivered at `when`. */
const signedCallback = (body: string, h: Record<string, string>, when = T0) =>
  receiveWebhookCallback(conn.db, { body, timestamp: h[TIMESTAMP_HEADER]!, signature: h[SIGNATURE_HEADER]! }, when);
const identityStatus = async (id: string) =>
  (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM identities WHERE id = ${id}::uuid`))[0]!.status;

describe("the webhook connector", () => {
  it("signs its call; a receiver that fails twice is retried after 1 and 2 minutes, then the status URL confirms it", async () => {
    const identity = await identityOn(
      { url: `${base}/revoke`, statusUrl: `${base}/status`, secret: SECRET },
      "crm-sync-key",
    );
    at(T0);
    const asked = await requestRevocation(conn.db, sam, { identityId: identity, reason: "The CRM sync was replaced" });
    failuresLeft = 2;
    expect(await runRevocations(conn.db, JOB, at(T0), { ids: [asked.id] })).toMatchObject({ failed: 1 });
    expect((await revocation(asked.id)).last_error).toMatch(/answered 503/);
    const second = at(new Date(T0.getTime() + backoffMs(1)));
    expect(await runRevocations(conn.db, JOB, second, { ids: [asked.id] })).toMatchObject({ failed: 1 });
    const third = at(new Date(second.getTime() + backoffMs(2)));
    expect(await runRevocations(conn.db, JOB, third, { ids: [asked.id] })).toMatchObject({ verified: 1 });
    const r = await revocation(asked.id);
    expect(r).toMatchObject({ status: "verified", attempts: 2 });
    expect(r.connector_result).toMatchObject({ verify: { answer: { revoked: true } } });
    expect(await identityStatus(identity)).toBe("revoked");
    const calls = seen.filter((s) => s.body.includes("crm-sync-key"));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /revoke",
      "POST /revoke",
      "POST /revoke",
      "GET /status",
    ]);
    expect(calls.every((c) => c.signatureOk)).toBe(true);
    expect(JSON.parse(calls[0]!.body)).toMatchObject({
      action: "revoke",
      revocationId: asked.id,
      kind: "identity",
      account: "crm-sync-key",
    });
  });

  it("a receiver holding another secret refuses the call (bad signature): the attempt fails and nothing is revoked", async () => {
    const identity = await identityOn(
      { url: `${base}/revoke`, statusUrl: `${base}/status`, secret: "some-other-secret-not-the-receivers" },
      "billing-export-key",
    );
    const asked = await requestRevocation(conn.db, sam, { identityId: identity, reason: "Billing export retired" });
    expect(await runRevocations(conn.db, JOB, at(T0), { ids: [asked.id] })).toMatchObject({ failed: 1 });
    expect((await revocation(asked.id)).last_error).toMatch(/answered 401: The signature does not match/);
    expect(seen.at(-1)).toMatchObject({ path: "/revoke", signatureOk: false });
    expect(await identityStatus(identity)).toBe("active");
  });

  it("without a status URL it waits for the signed callback; unsigned, mis-signed and replayed callbacks change nothing", async () => {
    const identity = await identityOn({ url: `${base}/revoke`, secret: SECRET }, "helpdesk-bot-token");
    const asked = await requestRevocation(conn.db, sam, { identityId: identity, reason: "Helpdesk bot retired" });
    expect(await runRevocations(conn.db, JOB, at(T0), { ids: [asked.id] })).toMatchObject({ awaitingConfirmation: 1 });
    expect((await revocation(asked.id)).status).toBe("executed");

    const body = JSON.stringify({ revocationId: asked.id, revoked: true, detail: "token deleted" });
    const good = signedHeaders(SECRET, body, T0);
    const attempts = [
      { timestamp: null, signature: null },
      {
        timestamp: good[TIMESTAMP_HEADER]!,
        signature: signedHeaders("wrong-secret-wrong-secret", body, T0)[SIGNATURE_HEADER]!,
      },
      {
        timestamp: good[TIMESTAMP_HEADER]!,
        signature: signedHeaders(SECRET, body.replace("true", "false"), T0)[SIGNATURE_HEADER]!,
      },
    ];
    for (const a of attempts)
      expect((await refusal(receiveWebhookCallback(conn.db, { body, ...a }, T0))).code).toBe("unauthenticated");
    // A correct signature replayed ten minutes later is refused too.
    expect((await refusal(signedCallback(body, good, new Date(T0.getTime() + 600_000)))).code).toBe("unauthenticated");
    expect(
      (await refusal(receiveWebhookCallback(conn.db, { body: "{not json", timestamp: null, signature: null }, T0)))
        .code,
    ).toBe("invalid");
    expect((await revocation(asked.id)).status).toBe("executed");

    expect(await signedCallback(body, good)).toEqual({ status: "verified" });
    expect((await revocation(asked.id)).status).toBe("verified");
    expect(await identityStatus(identity)).toBe("revoked");
    // Delivered twice: the second is told it is no longer waiting.
    expect((await refusal(signedCallback(body, good))).code).toBe("conflict");
  });

  it("a callback that arrives before the runner recorded the call (still executing) verifies it", async () => {
    const identity = await identityOn({ url: `${base}/revoke`, secret: SECRET }, "early-callback-token");
    const asked = await requestRevocation(conn.db, sam, { identityId: identity, reason: "Early callback case" });
    await conn.db.execute(sql`UPDATE revocations SET status = 'executing' WHERE id = ${asked.id}::uuid`);
    const body = JSON.stringify({ revocationId: asked.id, revoked: true });
    const h = signedHeaders(SECRET, body, T0);
    expect(await signedCallback(body, h)).toEqual({ status: "verified" });
    expect(await identityStatus(identity)).toBe("revoked");
  });
});

describe("grants through the webhook connector", () => {
  /** A pending entitlement on `identity` with its grant queued, as an approval leaves it. */
  async function pendingGrant(identity: string, resource: string) {
    const [e] = await queryRows<{ id: string }>(
      conn.db,
      sql`INSERT INTO entitlements (identity_id, resource, permission, status) VALUES (${identity}::uuid, ${resource}, 'write', 'pending') RETURNING id`,
    );
    const grantId = await conn.db.transaction((tx) =>
      queueGrant(tx, { identityId: identity, entitlementId: e!.id, reason: "Approved", requestedBy: null, at: T0 }),
    );
    return { entitlementId: e!.id, grantId };
  }
  const entitlementStatus = async (id: string) =>
    (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM entitlements WHERE id = ${id}::uuid`))[0]!
      .status;

  it("signs a grant call and confirms it through the status URL", async () => {
    const identity = await identityOn(
      { url: `${base}/revoke`, statusUrl: `${base}/status`, secret: SECRET },
      "deploy-bot-key",
    );
    const { entitlementId, grantId } = await pendingGrant(identity, "repo:payments");
    expect(await runRevocations(conn.db, JOB, at(T0), { ids: [grantId] })).toMatchObject({ verified: 1 });
    expect(await entitlementStatus(entitlementId)).toBe("active");
    const calls = seen.filter((c) => c.body.includes(grantId));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /revoke", "GET /status"]);
    expect(calls.every((c) => c.signatureOk)).toBe(true);
    expect(JSON.parse(calls[0]!.body)).toEqual({
      action: "grant",
      grantId,
      account: "deploy-bot-key",
      identity: "deploy-bot-key",
      entitlement: { resource: "repo:payments", permission: "write" },
    });
    expect((await revocation(grantId)).connector_result).toMatchObject({ verify: { answer: { granted: true } } });
  });

  it("without a status URL a signed { grantId, granted } callback confirms it; a revocation's shape for it does not", async () => {
    const identity = await identityOn({ url: `${base}/revoke`, secret: SECRET }, "ci-publisher-key");
    const { entitlementId, grantId } = await pendingGrant(identity, "registry:publish");
    expect(await runRevocations(conn.db, JOB, at(T0), { ids: [grantId] })).toMatchObject({ awaitingConfirmation: 1 });
    const wrongShape = JSON.stringify({ revocationId: grantId, revoked: true });
    expect((await refusal(signedCallback(wrongShape, signedHeaders(SECRET, wrongShape, T0)))).code).toBe(
      "unauthenticated",
    );
    expect(await entitlementStatus(entitlementId)).toBe("pending");
    const body = JSON.stringify({ grantId, granted: true, detail: "added to the publishers team" });
    expect(await signedCallback(body, signedHeaders(SECRET, body, T0))).toEqual({ status: "verified" });
    expect(await entitlementStatus(entitlementId)).toBe("active");
    const bad = JSON.stringify({ grantId: "not-an-id", granted: true });
    expect((await refusal(signedCallback(bad, signedHeaders(SECRET, bad, T0)))).message).toMatch(
      /grantId is not a valid id/,
    );
  });
});
