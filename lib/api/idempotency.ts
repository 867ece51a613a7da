import "server-only";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { DAY } from "@/lib/clock";

/**
 * Idempotency keys on POSTs, by Stripe's rules: a retry with the same key and the same body gets
 * the first response again (nothing is done twice); the same key with another body, or on another
 * route, is refused (422); a retry while the first is still running is told so (409). Keys are
 * the token's own and are kept a day.
 */
export const IDEMPOTENCY_HEADER = "idempotency-key";
export const KEY_TTL_MS = DAY;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;
/** Longer than any request may run (statements end after a minute). */
export const RUNNING_LEASE_MS = 5 * 60_000;

export const validKey = (key: string) => KEY_SHAPE.test(key);
export const bodyHash = (route: string, body: string) => createHash("sha256").update(`${route}\n${body}`).digest("hex");

export type Begun =
  { kind: "new" } | { kind: "replay"; status: number; body: unknown } | { kind: "reused" } | { kind: "in_progress" };

export async function beginIdempotent(
  db: Database,
  tokenId: string,
  key: string,
  route: string,
  hash: string,
  at: Date,
): Promise<Begun> {
  const stale = new Date(at.getTime() - KEY_TTL_MS).toISOString();
  // A first request that never answered (its worker died) holds the key this long at most.
  const abandoned = new Date(at.getTime() - RUNNING_LEASE_MS).toISOString();
  // A key past its day is taken afresh; otherwise the first to insert it runs the request.
  const [taken] = await queryRows<{ key: string }>(
    db,
    sql`INSERT INTO api_idempotency_keys (token_id, key, route, body_hash, created_at)
        VALUES (${tokenId}::uuid, ${key}, ${route}, ${hash}, ${at.toISOString()}::timestamptz)
        ON CONFLICT (token_id, key) DO UPDATE SET route = excluded.route, body_hash = excluded.body_hash,
          created_at = excluded.created_at, response_status = NULL, response_body = NULL
          WHERE api_idempotency_keys.created_at < ${stale}::timestamptz
             OR (api_idempotency_keys.response_status IS NULL AND api_idempotency_keys.created_at < ${abandoned}::timestamptz)
        RETURNING key`,
  );
  if (taken) return { kind: "new" };
  const [first] = await queryRows<{
    route: string;
    body_hash: string;
    response_status: number | null;
    response_body: unknown;
  }>(
    db,
    sql`SELECT route, body_hash, response_status, response_body FROM api_idempotency_keys
        WHERE token_id = ${tokenId}::uuid AND key = ${key}`,
  );
  if (!first) return beginIdempotent(db, tokenId, key, route, hash, at); // purged in between
  // A request still running under the key is the answer first: whatever this one holds, retry later.
  if (first.response_status === null) return { kind: "in_progress" };
  if (first.route !== route || first.body_hash !== hash) return { kind: "reused" };
  const body = typeof first.response_body === "string" ? JSON.parse(first.response_body) : first.response_body;
  return { kind: "replay", status: Number(first.response_status), body };
}

export async function finishIdempotent(db: Database, tokenId: string, key: string, status: number, body: unknown) {
  await db.execute(
    sql`UPDATE api_idempotency_keys SET response_status = ${status}, response_body = ${JSON.stringify(body)}::jsonb
        WHERE token_id = ${tokenId}::uuid AND key = ${key}`,
  );
}

/** The request failed unexpectedly (a 500): the key is freed, so a retry runs it again. */
export async function releaseIdempotent(db: Database, tokenId: string, key: string) {
  await db.execute(sql`DELETE FROM api_idempotency_keys WHERE token_id = ${tokenId}::uuid AND key = ${key}`);
}

/** Keys past their day (the lifecycle job `api-housekeeping`). */
export async function purgeIdempotencyKeys(db: Database, at: Date): Promise<{ purged: number }> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM api_idempotency_keys WHERE created_at < ${new Date(at.getTime() - KEY_TTL_MS).toISOString()}::timestamptz RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return { purged: Number(rows[0]?.n ?? 0) };
}
