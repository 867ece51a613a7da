import { databaseKind } from "@/db";

/**
 * Demo mode offers one-click sign-in as the seeded personas. It is on with the embedded
 * database (unless STEWARD_DEMO=0) and on a real PostgreSQL only when STEWARD_DEMO=1 is set
 * explicitly: an operator must never get persona sign-in on real data by accident.
 */
export function isDemoMode(): boolean {
  const flag = process.env.STEWARD_DEMO;
  if (databaseKind() === "embedded") return flag !== "0";
  return flag === "1";
}

export type OidcConfig = { issuer: string; clientId: string; clientSecret: string; name: string };

export function oidcConfig(): OidcConfig | null {
  const issuer = process.env.AUTH_OIDC_ISSUER;
  const clientId = process.env.AUTH_OIDC_CLIENT_ID;
  const clientSecret = process.env.AUTH_OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return { issuer, clientId, clientSecret, name: process.env.AUTH_OIDC_NAME ?? "single sign-on" };
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
