// Rules read from the environment alone, shared by the app (lib/config.ts, lib/auth/secret.ts)
// and scripts/start.mjs, which runs before anything is built and cannot import TypeScript.

/**
 * Demo mode (one-click persona sign-in): STEWARD_DEMO=1 turns it on, STEWARD_DEMO=0 off; unset,
 * it is on only with the embedded database and no OpenID Connect provider. An operator who points
 * Steward at PostgreSQL or configures single sign-on is running it for real and must never get
 * persona sign-in by accident.
 * @param {Record<string, string | undefined>} env
 * @returns {boolean}
 */
export function demoModeFrom(env) {
  if (env.STEWARD_DEMO === "1") return true;
  if (env.STEWARD_DEMO === "0") return false;
  const oidc = Boolean(env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET);
  return !env.DATABASE_URL && !oidc;
}

/**
 * Where the key that signs session cookies comes from: AUTH_SECRET; else a file generated beside
 * the data, for the embedded database (nothing to configure) and for demo mode on PostgreSQL;
 * else nowhere, and Steward refuses to start. Never a database row: anyone who can read the
 * database could then forge a session as any person.
 * @param {Record<string, string | undefined>} env
 * @returns {"env" | "file" | "missing"}
 */
export function authSecretSourceFrom(env) {
  if (env.AUTH_SECRET) return "env";
  if (!env.DATABASE_URL || demoModeFrom(env)) return "file";
  return "missing";
}

export const MISSING_AUTH_SECRET =
  "steward: AUTH_SECRET is not set. On PostgreSQL (without demo mode) it signs the session cookies and must be the same on every instance: " +
  "make one with `openssl rand -base64 32` (or `node -e \"console.log(require('crypto').randomBytes(32).toString('base64url'))\"`), set AUTH_SECRET to it and start again.";
