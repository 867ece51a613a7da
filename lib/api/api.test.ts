import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { setClock } from "@/lib/clock";
import { requestRevocation } from "@/lib/revocations";
import { auditCount, curatedId, testDatabase } from "@/lib/testing";
import {
  createIdentityRoute,
  createRequestRoute,
  createRevocationRoute,
  decideRequestRoute,
  getIdentityRoute,
  listAuditEventsRoute,
  listIdentitiesRoute,
  listRequestsRoute,
  purgeIdempotencyKeys,
} from ".";
import { call, tokenFor } from "./test-api";

// The REST API as a pipeline uses it: a token acting as its owner, the inventory's rules, bad
// input answered in words with the field named and nothing written.

const conn = testDatabase({ identities: 60 });
afterEach(() => {
  setClock(undefined);
  delete process.env.STEWARD_API_RATE_LIMIT;
});

const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}`))[0]!.n);

describe("authentication", () => {
  it("refuses a call without a token, with a token that is not one, and with a wrong secret (401, WWW-Authenticate)", async () => {
    const token = await tokenFor(conn.db, conn.personas.olivia, ["read"]);
    for (const bad of [null, "not-a-token", token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA")]) {
      const r = await call(listIdentitiesRoute, { token: bad });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("unauthenticated");
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("refuses a token from the moment its identity's revocation is requested", async () => {
    const token = await tokenFor(conn.db, conn.personas.olivia, ["read"], "soon-revoked");
    expect((await call(listIdentitiesRoute, { token })).status).toBe(200);
    const [t] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT i.id FROM identities i WHERE i.name = 'olivia.owner@example.com/soon-revoked'`,
    );
    await requestRevocation(conn.db, conn.personas.sam, { identityId: t!.id, reason: "Leaked in a build log." });
    const r = await call(listIdentitiesRoute, { token });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/revoked/);
  });

  it("refuses an expired token and one whose owner has left", async () => {
    const token = await tokenFor(conn.db, conn.personas.omar, ["read"]);
    setClock(() => new Date(Date.now() + 31 * 86_400_000));
    expect((await call(listIdentitiesRoute, { token })).body.error.message).toMatch(/expired/);
    setClock(undefined);
    await conn.db.execute(sql`UPDATE users SET status = 'departed' WHERE email = 'omar.owner@example.com'`);
    try {
      const r = await call(listIdentitiesRoute, { token });
      expect(r.status).toBe(401);
      expect(r.body.error.message).toMatch(/left/);
    } finally {
      await conn.db.execute(sql`UPDATE users SET status = 'active' WHERE email = 'omar.owner@example.com'`);
    }
  });

  it("acts as the person who made it, for good: a hand-over of its identity never makes it act as the new owner", async () => {
    const token = await tokenFor(conn.db, conn.personas.olivia, ["read"], "handed-over");
    const [t] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM identities WHERE name = 'olivia.owner@example.com/handed-over'`,
    );
    // Olivia's identities pass to Maya (a transfer, or the departure job): the token still acts as Olivia.
    await conn.db.execute(
      sql`UPDATE identities SET owner_id = ${conn.personas.maya.personId}::uuid WHERE id = ${t!.id}::uuid`,
    );
    const audit = await call(listAuditEventsRoute, { token });
    expect(audit.status).toBe(403); // Maya could not read the audit log either; Olivia's own scope below
    const mine = await call(listIdentitiesRoute, { token, query: "owner=me&size=10" });
    expect(mine.body.data.every((x: { ownerName: string }) => x.ownerName === "Olivia Owner")).toBe(true);
    // Olivia leaves: her token is refused, whoever owns its identity now.
    await conn.db.execute(sql`UPDATE users SET status = 'departed' WHERE email = 'olivia.owner@example.com'`);
    try {
      expect((await call(listIdentitiesRoute, { token })).status).toBe(401);
    } finally {
      await conn.db.execute(sql`UPDATE users SET status = 'active' WHERE email = 'olivia.owner@example.com'`);
    }
  });

  it("holds the scim scope only while its person is an admin", async () => {
    const token = await tokenFor(conn.db, conn.personas.ada, ["read", "scim"], "scim-while-admin");
    const { authenticateToken } = await import("@/lib/tokens");
    const header = `Bearer ${token}`;
    expect((await authenticateToken(conn.db, header, new Date())).token!.scopes).toEqual(["read", "scim"]);
    await conn.db.execute(sql`UPDATE users SET roles = '{member}' WHERE email = 'ada.admin@example.com'`);
    try {
      expect((await authenticateToken(conn.db, header, new Date())).token!.scopes).toEqual(["read"]);
    } finally {
      await conn.db.execute(sql`UPDATE users SET roles = '{admin}' WHERE email = 'ada.admin@example.com'`);
    }
  });

  it("records the token's last use on its identity", async () => {
    const token = await tokenFor(conn.db, conn.personas.maya, ["read"], "last-use");
    await call(listIdentitiesRoute, { token });
    const [row] = await queryRows<{ last_used_at: unknown }>(
      conn.db,
      sql`SELECT last_used_at FROM identities WHERE name = 'maya.manager@example.com/last-use'`,
    );
    expect(row!.last_used_at).not.toBeNull();
  });
});

describe("scopes", () => {
  it("a read token reads and changes nothing; a write-only token does not read", async () => {
    const read = await tokenFor(conn.db, conn.personas.olivia, ["read"]);
    const before = await count("requests");
    const r = await call(createRequestRoute, {
      token: read,
      body: {
        type: "extend_expiry",
        identityId: curatedId("olivia-payments-api"),
        expiresOn: "2027-01-10",
        justification: "Still needed for payments.",
      },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("insufficient_scope");
    expect(await count("requests")).toBe(before);
    const write = await tokenFor(conn.db, conn.personas.olivia, ["write"]);
    expect((await call(listIdentitiesRoute, { token: write })).body.error.code).toBe("insufficient_scope");
  });
});

describe("reads", () => {
  it("lists the inventory in the owner's scope, with the inventory's filters and cursors", async () => {
    const token = await tokenFor(conn.db, conn.personas.olivia, ["read"]);
    // Olivia owns 6 curated identities and her share of the 60 generated: more than one page of 10.
    const r = await call(listIdentitiesRoute, { token, query: "owner=me&sort=name&size=10" });
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(10);
    expect(r.body.data.every((x: { ownerName: string }) => x.ownerName === "Olivia Owner")).toBe(true);
    const next = await call(listIdentitiesRoute, { token, query: `owner=me&sort=name&size=10&after=${r.body.next}` });
    expect(next.body.data[0].name > r.body.data[9].name).toBe(true);
    // Security sees everything; Olivia does not see Sam's scanner.
    const scanner = curatedId("sam-security-scanner");
    expect((await call(getIdentityRoute, { token, params: { id: scanner } })).status).toBe(404);
    const sam = await tokenFor(conn.db, conn.personas.sam, ["read"]);
    const d = await call(getIdentityRoute, { token: sam, params: { id: scanner } });
    expect(d.status).toBe(200);
    expect(d.body.name).toBe("security-scanner");
  });

  it("answers an unknown query parameter, a bad value and a bad id with 400 naming it", async () => {
    const token = await tokenFor(conn.db, conn.personas.sam, ["read"]);
    const unknown = await call(listIdentitiesRoute, { token, query: "colour=red" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toHaveProperty("colour");
    const bad = await call(listIdentitiesRoute, { token, query: "kind=robot&after=%%%" });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(["kind", "after"]));
    const id = await call(getIdentityRoute, { token, params: { id: "1 OR 1=1" } });
    expect(id.status).toBe(400);
    expect(id.body.error.fields).toHaveProperty("id");
  });

  it("the audit log: security and auditors only; an API change is recorded as the token", async () => {
    const olivia = await tokenFor(conn.db, conn.personas.olivia, ["read"]);
    expect((await call(listAuditEventsRoute, { token: olivia })).status).toBe(403);
    const sam = await tokenFor(conn.db, conn.personas.sam, ["read"], "audit-reader");
    const r = await call(listAuditEventsRoute, { token: sam, query: "action=api_token.created&size=5" });
    expect(r.status).toBe(200);
    expect(r.body.data[0].action).toBe("api_token.created");
    expect(r.body.data[0].after.scopes).toEqual(["read"]);
  });
});

describe("writes", () => {
  const extend = (justification = "Still needed for the payments run.") => ({
    type: "extend_expiry",
    identityId: curatedId("olivia-payments-api"),
    expiresOn: "2027-01-15",
    justification,
  });

  it("refuses malformed JSON, a wrong type and an unknown field with 400 naming it, writing nothing", async () => {
    const token = await tokenFor(conn.db, conn.personas.olivia);
    const before = [await count("requests"), await auditCount(conn.db)];
    const malformed = await call(createRequestRoute, { token, raw: '{"type": "extend_expiry",' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("malformed_json");
    const wrongType = await call(createRequestRoute, { token, body: { ...extend(), justification: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.fields).toHaveProperty("justification");
    const unknown = await call(createRequestRoute, { token, body: { ...extend(), approveMyself: true } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toHaveProperty("approveMyself");
    const notObject = await call(createRequestRoute, { token, body: [1, 2] });
    expect(notObject.status).toBe(400);
    expect([await count("requests"), await auditCount(conn.db)]).toEqual(before);
  });

  it("refuses an identity asked for in Steward's own system (tokens are made, not requested) and a broken character", async () => {
    const token = await tokenFor(conn.db, conn.personas.olivia);
    const [steward] = await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM systems WHERE name = 'Steward'`);
    const squat = await call(createIdentityRoute, {
      token,
      body: {
        name: "maya.manager@example.com/ci",
        kind: "api_key",
        systemId: steward!.id,
        purpose: "Taking the name of Maya's next token.",
        expiresOn: "2027-01-10",
        credentialType: "static_secret",
        justification: "No good reason at all.",
      },
    });
    expect(squat.status).toBe(400);
    expect(squat.body.error.fields).toHaveProperty("systemId");
    // JSON.stringify writes the lone surrogate as the escape \ud800, which JSON.parse turns back into one.
    const broken = await call(createRequestRoute, {
      token,
      raw: JSON.stringify({ ...extend(), justification: "Still needed \ud800 for sure." }),
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.fields.justification[0]).toMatch(/broken character/);
  });

  it("submits a request that Maya then approves through her own token; the audit log names the tokens", async () => {
    const olivia = await tokenFor(conn.db, conn.personas.olivia, ["write"], "pipeline");
    const r = await call(createRequestRoute, { token: olivia, body: extend() });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe("pending");
    const maya = await tokenFor(conn.db, conn.personas.maya, ["read", "write"], "approvals");
    const queue = await call(listRequestsRoute, { token: maya, query: "queue=decide" });
    expect(queue.body.data.map((x: { id: string }) => x.id)).toContain(r.body.id);
    // Olivia cannot decide her own request.
    const own = await call(decideRequestRoute, {
      token: olivia,
      params: { id: r.body.id },
      body: { decision: "approve" },
    });
    expect(own.status).toBe(403);
    const denied = await call(decideRequestRoute, {
      token: maya,
      params: { id: r.body.id },
      body: { decision: "deny" },
    });
    expect(denied.status).toBe(400);
    expect(denied.body.error.fields).toHaveProperty("comment");
    const approved = await call(decideRequestRoute, {
      token: maya,
      params: { id: r.body.id },
      body: { decision: "approve" },
    });
    expect(approved.status).toBe(200);
    const [e] = await queryRows<{ actor_type: string; actor_label: string }>(
      conn.db,
      sql`SELECT actor_type, actor_label FROM audit_events WHERE action = 'request.submitted' ORDER BY seq DESC LIMIT 1`,
    );
    expect(e).toEqual({
      actor_type: "token",
      actor_label: "olivia.owner@example.com (token olivia.owner@example.com/pipeline)",
    });
  });

  it("replays the first response for the same Idempotency-Key and body, and refuses the key with another body (422)", async () => {
    const token = await tokenFor(conn.db, conn.personas.omar);
    const body = {
      type: "extend_expiry",
      identityId: curatedId("omar-finance-oauth"),
      expiresOn: "2027-01-20",
      justification: "Metrics still read.",
    };
    const headers = { "idempotency-key": "deploy-4711" };
    const first = await call(createRequestRoute, { token, body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const before = [await count("requests"), await auditCount(conn.db)];
    const again = await call(createRequestRoute, { token, body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await call(createRequestRoute, { token, body: { ...body, expiresOn: "2027-01-21" }, headers });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("idempotency_key_reused");
    expect([await count("requests"), await auditCount(conn.db)]).toEqual(before);
    // A refusal is kept too: the same bad request under a new key is answered the same way twice.
    const bad = { ...body, identityId: curatedId("sam-security-scanner") };
    const k = { "idempotency-key": "deploy-4712" };
    const r1 = await call(createRequestRoute, { token, body: bad, headers: k });
    const r2 = await call(createRequestRoute, { token, body: bad, headers: k });
    expect([r1.status, r2.status]).toEqual([r1.status, r1.status]);
    expect(r2.body).toEqual(r1.body);
  });

  it("tells a retry that arrives while the first is still running (409), and forgets keys after a day", async () => {
    const token = await tokenFor(conn.db, conn.personas.omar, ["read", "write"], "retries");
    const [t] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM identities WHERE name = 'omar.owner@example.com/retries'`,
    );
    const body = { identityId: curatedId("omar-sandbox-bot"), reason: "Never used." };
    // The first request under the key has started and not answered yet.
    await conn.db.execute(
      sql`INSERT INTO api_idempotency_keys (token_id, key, route, body_hash, created_at)
          VALUES (${t!.id}::uuid, 'slow-1', 'POST /api/v1/revocations', 'x', now())`,
    );
    const r = await call(createRevocationRoute, { token, body, headers: { "idempotency-key": "slow-1" } });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("idempotency_key_in_use");
    // The first request's worker died: after the lease the key is taken afresh and the request runs.
    setClock(() => new Date(Date.now() + 6 * 60_000));
    const retried = await call(createRevocationRoute, { token, body, headers: { "idempotency-key": "slow-1" } });
    expect(retried.status).toBe(201);
    setClock(undefined);
    const later = new Date(Date.now() + 25 * 3_600_000);
    const { purged } = await purgeIdempotencyKeys(conn.db, later);
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await count("api_idempotency_keys")).toBe(0);
  });

  it("revokes through the API: the connector runs before the answer", async () => {
    const token = await tokenFor(conn.db, conn.personas.sam);
    const r = await call(createRevocationRoute, {
      token,
      body: { identityId: curatedId("unowned-github-pat"), reason: "Nobody answers for it." },
    });
    expect(r.status).toBe(201);
    expect(r.body.identity).toBe("gh-pat-unknown");
    expect(["verified", "executed", "failed"]).toContain(r.body.status);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past the token's limit a minute", async () => {
    process.env.STEWARD_API_RATE_LIMIT = "3";
    const at = new Date("2026-12-03T10:00:10.000Z");
    setClock(() => at);
    const token = await tokenFor(conn.db, conn.personas.ada, ["read"]);
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await call(listIdentitiesRoute, { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const r = await call(listIdentitiesRoute, { token });
    expect(r.headers.get("retry-after")).toBe("50");
    expect(r.body.error.code).toBe("rate_limited");
    setClock(() => new Date(at.getTime() + 60_000));
    expect((await call(listIdentitiesRoute, { token })).status).toBe(200);
  });
});
