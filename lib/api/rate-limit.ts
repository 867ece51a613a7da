import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";

const WINDOW_MS = 60_000;

/** Requests a token may make a minute (`STEWARD_API_RATE_LIMIT`, default 3,000: 50 a second). */
export function rateLimitPerMinute(): number {
  const n = Number(process.env.STEWARD_API_RATE_LIMIT);
  return Number.isInteger(n) && n > 0 ? n : 3000;
}

/**
 * Counts one request against the token's minute, in the database so every app worker shares the
 * count: null when it may go ahead, else the seconds until the next minute (`Retry-After`).
 * A token's first request of a minute clears its older minutes.
 */
export async function takeRateSlot(
  db: Database,
  tokenId: string,
  at: Date,
  limit = rateLimitPerMinute(),
): Promise<number | null> {
  const start = new Date(Math.floor(at.getTime() / WINDOW_MS) * WINDOW_MS);
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`INSERT INTO api_rate_windows (token_id, window_start, count) VALUES (${tokenId}::uuid, ${start.toISOString()}::timestamptz, 1)
        ON CONFLICT (token_id, window_start) DO UPDATE SET count = api_rate_windows.count + 1
        RETURNING count`,
  );
  const count = Number(row!.count);
  if (count === 1)
    await db.execute(
      sql`DELETE FROM api_rate_windows WHERE token_id = ${tokenId}::uuid AND window_start < ${start.toISOString()}::timestamptz`,
    );
  if (count <= limit) return null;
  return Math.max(1, Math.ceil((start.getTime() + WINDOW_MS - at.getTime()) / 1000));
}
