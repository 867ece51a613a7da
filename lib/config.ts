import { demoModeFrom } from "@/lib/startup-rules.mjs";

/**
 * Demo mode offers one-click sign-in as the seeded personas. STEWARD_DEMO=1 turns it on and
 * STEWARD_DEMO=0 off; unset, it is on only with the embedded database and no OpenID Connect
 * provider: an operator who points Steward at PostgreSQL or configures single sign-on must never
 * get persona sign-in by accident. The rule lives in startup-rules.mjs, which scripts/start.mjs
 * shares.
 */
export function isDemoMode(): boolean {
  return demoModeFrom(process.env);
}

export type OidcConfig = { issuer: string; clientId: string; clientSecret: string; name: string };

export function oidcConfig(): OidcConfig | null {
  const issuer = process.env.AUTH_OIDC_ISSUER;
  const clientId = process.env.AUTH_OIDC_CLIENT_ID;
  const clientSecret = process.env.AUTH_OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return { issuer, clientId, clientSecret, name: process.env.AUTH_OIDC_NAME ?? "single sign-on" };
}

/**
 * AUTH_OIDC_TRUST_UNVERIFIED_EMAIL=1: the provider never sends `email_verified` and its emails are
 * trusted as verified. Only an absent claim is trusted; `email_verified: false` is always refused.
 */
export function trustUnverifiedOidcEmail(): boolean {
  return process.env.AUTH_OIDC_TRUST_UNVERIFIED_EMAIL === "1";
}

/** Emails that are made admins when they sign in (bootstrap for a fresh installation). */
export function adminEmails(): Set<string> {
  return new Set(
    (process.env.STEWARD_ADMIN_EMAILS ?? "")
      .split(",")
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );
}
