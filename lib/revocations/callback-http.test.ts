import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Database } from "@/db";
import { actorOf, auditCount, refusal, testDatabase } from "@/lib/testing";
import { POST } from "@/app/api/v1/connectors/webhook/callback/route";
import { setClock } from "@/lib/clock";
import { SIGNATURE_HEADER, signedHeaders, TIMESTAMP_HEADER } from "@/lib/connectors/webhook-signature";
import { NUL_MESSAGE } from "@/lib/validation";
import { CALLBACK_BODY_LIMIT, receiveWebhookCallback } from "./callback";

// The webhook callback is open to anyone on the network, so it reads at most 64 KB of body
// (413 beyond, whether the length is declared or streamed) and checks everything it can of the
// signature before it asks the database anything; a NUL in the detail is refused with a message.

const SECRET = "receiver-shared-secret-0123456789";
const T0 = new Date("2026-11-27T12:00:00.000Z");
const URL_ = "http://steward.test/api/v1/connectors/webhook/callback";

let revocationId: string;
const conn = testDatabase({ identities: 30 });
beforeAll(async () => {
  setClock(() => T0);
  const sam = await actorOf(conn.db, "sam");
  const [s] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO systems (name, kind, connector, settings) VALUES ('Receiver', 'saas_app', 'webhook', ${JSON.stringify({ url: "http://127.0.0.1:9/x", secret: SECRET })}::jsonb) RETURNING id`,
  );
  const [i] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, status, origin, external_id, credential_type)
      VALUES ('callback-bot', 'bot', ${s!.id}::uuid, 'production', ${sam.personId}::uuid, 'active', 'discovered', 'callback-bot', 'static_secret') RETURNING id`,
  );
  const [r] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO revocations (target_type, identity_id, reason, requested_by, status)
      VALUES ('identity', ${i!.id}::uuid, 'Bot retired', ${sam.personId}::uuid, 'executed') RETURNING id`,
  );
  revocationId = r!.id;
});
afterAll(async () => {
  setClock(undefined);
});

const status = async () =>
  (
    await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM revocations WHERE id = ${revocationId}::uuid`)
  )[0]!.status;

/** A body of exactly `bytes` bytes: the callback JSON padded with spaces. */
function bodyOf(bytes: number): string {
  const json = JSON.stringify({ revocationId, revoked: true });
  return json + " ".repeat(bytes - Buffer.byteLength(json));
}

/** A request whose body arrives in chunks with no declared length (chunked transfer). */
function streamed(body: string, headers: Record<string, string> = {}): Request {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
      c.close();
    },
  });
  return new Request(URL_, { method: "POST", body: stream, headers, duplex: "half" } as RequestInit);
}

describe("POST /api/v1/connectors/webhook/callback", () => {
  it("refuses a body over 64 KB with 413, declared or streamed, even when it is signed; nothing changes", async () => {
    const big = bodyOf(CALLBACK_BODY_LIMIT + 1);
    const signed = signedHeaders(SECRET, big, T0);
    const before = await auditCount(conn.db);
    const declared = await POST(new Request(URL_, { method: "POST", body: big, headers: signed }));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: "The body is larger than 64 KB." });
    expect((await POST(streamed(big, signed))).status).toBe(413);
    expect((await POST(streamed(bodyOf(10 * CALLBACK_BODY_LIMIT), signed))).status).toBe(413);
    expect(await status()).toBe("executed");
    expect(await auditCount(conn.db)).toBe(before);
  });

  it("reads a body of exactly 64 KB (then the signature decides)", async () => {
    const edge = bodyOf(CALLBACK_BODY_LIMIT);
    expect((await POST(streamed(edge))).status).toBe(401);
    const h = signedHeaders(SECRET, edge, T0);
    const res = await POST(streamed(edge, h));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "verified" });
    expect(await status()).toBe("verified");
    await conn.db.execute(
      sql`UPDATE revocations SET status = 'executed', verified_at = NULL WHERE id = ${revocationId}::uuid`,
    );
  });

  it("refuses a NUL in the detail with a message, before anything is read or written", async () => {
    const body = JSON.stringify({ revocationId, revoked: false, detail: "could not\u0000" });
    const res = await POST(new Request(URL_, { method: "POST", body, headers: signedHeaders(SECRET, body, T0) }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe(NUL_MESSAGE);
    expect(await status()).toBe("executed");
  });
});

describe("the signature is checked before the database", () => {
  /** A database that fails the test if anything touches it. */
  const untouchable = new Proxy(
    {},
    {
      get: (_, p) => {
        throw new Error(`the database was touched (${String(p)})`);
      },
    },
  ) as Database;
  const body = () => JSON.stringify({ revocationId, revoked: true });

  it("unsigned, malformed, stale or future signatures are refused without a query", async () => {
    const good = signedHeaders(SECRET, body(), T0);
    const attempts: [string | null, string | null, Date][] = [
      [null, null, T0],
      [good[TIMESTAMP_HEADER]!, null, T0],
      [null, good[SIGNATURE_HEADER]!, T0],
      [good[TIMESTAMP_HEADER]!, "v1=not-hex", T0],
      [good[TIMESTAMP_HEADER]!, "sha1=" + "a".repeat(64), T0],
      [`${good[TIMESTAMP_HEADER]!}.5`, good[SIGNATURE_HEADER]!, T0],
      [good[TIMESTAMP_HEADER]!, good[SIGNATURE_HEADER]!, new Date(T0.getTime() + 301_000)], // replayed later
      [good[TIMESTAMP_HEADER]!, good[SIGNATURE_HEADER]!, new Date(T0.getTime() - 301_000)], // from the future
    ];
    for (const [timestamp, signature, at] of attempts) {
      expect(
        (await refusal(receiveWebhookCallback(untouchable, { body: body(), timestamp, signature }, at))).code,
      ).toBe("unauthenticated");
    }
  });

  it("a well-formed, fresh signature made with the wrong secret reaches only the read of the secret", async () => {
    const wrong = signedHeaders("another-secret-another-secret", body(), T0);
    const before = await auditCount(conn.db);
    const e = await refusal(
      receiveWebhookCallback(
        conn.db,
        { body: body(), timestamp: wrong[TIMESTAMP_HEADER]!, signature: wrong[SIGNATURE_HEADER]! },
        T0,
      ),
    );
    expect(e.code).toBe("unauthenticated");
    expect(await status()).toBe("executed");
    expect(await auditCount(conn.db)).toBe(before);
  });
});
