import "server-only";
import postgres from "postgres";

/**
 * The PostgreSQL server the connector tests create and revoke real roles on: STEWARD_TARGET_PG_URL,
 * else the local default (not DATABASE_URL: Steward's own database is elsewhere).
 */
export const TARGET_PG_URL = process.env.STEWARD_TARGET_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Signs in to a PostgreSQL server as `role`: true, or the server's refusal (a revoked role's "not permitted to log in"). */
export async function connectAs(serverUrl: string, role: string, password: string): Promise<string | true> {
  const url = new URL(serverUrl);
  url.username = role;
  url.password = password;
  const as = postgres(url.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await as`SELECT 1`;
    return true;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await as.end({ timeout: 1 });
  }
}
