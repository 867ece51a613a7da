import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { dataDir, getConnection } from "@/db";
import { settings } from "@/db/schema";
import { authSecretSourceFrom, MISSING_AUTH_SECRET } from "@/lib/startup-rules.mjs";

/** Where earlier versions kept a generated secret on PostgreSQL (see the README to move off it). */
export const LEGACY_SECRET_KEY = "internal.auth_secret";

let cached: Promise<string> | undefined;

/**
 * The key that signs session cookies: AUTH_SECRET when set; otherwise, with the embedded database
 * or in demo mode, generated once into a file beside the data, so a newcomer needs no
 * configuration and sessions survive restarts. On PostgreSQL without demo mode there is no
 * fallback (scripts/start.mjs refuses to start first): never a database row, which anyone who can
 * read the database could use to forge a session as any person.
 */
export function authSecret(): Promise<string> {
  cached ??= loadSecret();
  return cached;
}

async function loadSecret(): Promise<string> {
  const source = authSecretSourceFrom(process.env);
  if (source === "missing") throw new Error(MISSING_AUTH_SECRET);
  if (getConnection().kind === "postgres") await warnOfLegacySecretRow();
  if (source === "env") return process.env.AUTH_SECRET!;
  return readOrCreateSecretFile(path.join(dataDir(), "auth-secret"));
}

/**
 * The secret in `file`, generated on first use. Several workers may start at once: the secret is
 * written to a file of its own and linked into place, which fails if another got there first, so
 * every process reads the same complete secret.
 */
export function readOrCreateSecretFile(file: string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(temp, randomBytes(32).toString("base64url"), { mode: 0o600 });
    try {
      fs.linkSync(temp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (!secret) throw new Error(`steward: the session secret file ${file} is empty; delete it to have a new one made.`);
  return secret;
}

/** A secret left in the settings table by an earlier version is a forging key for whoever reads it. */
async function warnOfLegacySecretRow(): Promise<void> {
  // Only a warning: a database that cannot answer it (down, or not migrated yet) must not stop sign-in.
  const row = await getConnection()
    .db.select({ key: settings.key })
    .from(settings)
    .where(eq(settings.key, LEGACY_SECRET_KEY))
    .limit(1)
    .then(
      ([r]) => r,
      () => undefined,
    );
  if (row) {
    console.warn(
      `steward: the settings row ${LEGACY_SECRET_KEY} holds an old session secret; Steward no longer uses it. Move to AUTH_SECRET as the README says and delete the row.`,
    );
  }
}
