import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { dataDir, getConnection } from "@/db";
import { settings } from "@/db/schema";
import { record } from "@/lib/audit/record";

const KEY = "internal.auth_secret";
let cached: Promise<string> | undefined;

/**
 * The key that signs session cookies: AUTH_SECRET when set; otherwise generated once and kept
 * with the data (a file beside the embedded database, or a settings row shared by every app
 * instance on PostgreSQL), so a newcomer needs no configuration and sessions survive restarts.
 */
export function authSecret(): Promise<string> {
  cached ??= loadSecret();
  return cached;
}

async function loadSecret(): Promise<string> {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  const conn = getConnection();
  if (conn.kind === "embedded") {
    const file = path.join(dataDir(), "auth-secret");
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir(), { recursive: true });
      fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    }
    return fs.readFileSync(file, "utf8").trim();
  }
  return conn.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(settings)
      .values({ key: KEY, value: randomBytes(32).toString("base64url") })
      .onConflictDoNothing()
      .returning({ key: settings.key });
    if (inserted.length > 0) {
      await record(tx, { actor: { type: "system", id: null, label: "steward" }, action: "auth.secret_generated", subject: { type: "setting", id: KEY } });
    }
    const [row] = await tx.select().from(settings).where(eq(settings.key, KEY));
    return String(row!.value);
  });
}
