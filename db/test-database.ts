import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { migrate, openEmbedded, openPostgres, setConnection, type Connection } from "./index";

/**
 * An isolated, migrated database for one test file: an in-memory PGlite by default, or a fresh
 * database on the server named by DATABASE_URL (dropped afterwards). Nothing is shared between
 * files, so test order and parallelism cannot leak state.
 */
export async function createTestDatabase(): Promise<Connection & { url?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  let conn: Connection & { url?: string };
  if (!serverUrl) {
    conn = openEmbedded();
  } else {
    const name = `steward_test_${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabase(serverUrl, name);
    const inner = openPostgres(url, { max: 20 });
    conn = {
      ...inner,
      url,
      async close() {
        await inner.close();
        const admin2 = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await admin2.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin2.end();
      },
    };
  }
  await migrate(conn);
  setConnection(conn);
  return conn;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
