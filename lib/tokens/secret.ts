import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * An API token is `stw_<lookup>_<secret>`: the lookup (16 hex characters) finds its row and is the
 * identity's external id; the secret (256 random bits, base64url) is kept only as its SHA-256.
 * The prefix lets secret scanners (GitHub's, gitleaks) recognise a leaked Steward token.
 */
export const TOKEN_PREFIX = "stw_";
const SHAPE = /^stw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function newToken(): { token: string; lookupId: string; secretHash: string } {
  const lookupId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { token: `${TOKEN_PREFIX}${lookupId}_${secret}`, lookupId, secretHash: hashSecret(secret) };
}

export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** The lookup and secret of a presented token, or null when it is not shaped like one. */
export function splitToken(token: string): { lookupId: string; secret: string } | null {
  const m = SHAPE.exec(token);
  return m ? { lookupId: m[1]!, secret: m[2]! } : null;
}

/** Compares a presented secret with the stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
