import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import type { Role } from "@/db/schema";
import { type Actor, TOKEN_SCOPES, type TokenScope } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { rescoreIdentities } from "@/lib/identities";
import { secretMatches, splitToken } from "./secret";
import { TOKEN_RESOURCE } from "./system";

const unauthenticated = (message: string) => new DomainError("unauthenticated", message);
const pgArray = (v: string[] | string | null): string[] =>
  Array.isArray(v) ? v : v ? v.replace(/[{}]/g, "").split(",").filter(Boolean) : [];

/** A token's last use is written at most this often: one write a minute, not one per call. */
const LAST_USE_GRANULARITY_MS = 60_000;

/**
 * The actor an `Authorization: Bearer stw_…` header stands for, checked on every API call: the
 * secret matches; the token's identity is active, not expired and not being revoked; the person it
 * acts as (who made it, whoever owns its identity now) is still here; and its scopes are the entitlements on "Steward API" that are active and not being
 * revoked. So revoking the identity (or a scope) in Steward refuses the token at once, before the
 * revocation is even carried out.
 */
export async function authenticateToken(db: Database, header: string | null, at: Date): Promise<Actor> {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (!presented) throw unauthenticated("Send an API token: Authorization: Bearer stw_….");
  const parts = splitToken(presented);
  if (!parts) throw unauthenticated("That is not a Steward API token.");
  const [t] = await queryRows<{
    identity_id: string;
    secret_hash: string;
    name: string;
    status: string;
    expires_at: Date | string | null;
    last_used_at: Date | string | null;
    revoking: boolean;
    scopes: string[] | string | null;
    person_id: string | null;
    person_name: string | null;
    email: string | null;
    roles: string[] | string | null;
    person_status: string | null;
    team_id: string | null;
  }>(
    db,
    sql`SELECT t.identity_id, t.secret_hash, i.name, i.status, i.expires_at, i.last_used_at,
          EXISTS (SELECT 1 FROM revocations r WHERE r.identity_id = i.id AND r.target_type = 'identity' AND r.operation = 'revoke'
                    AND r.status IN ('requested', 'executing', 'executed', 'failed')) AS revoking,
          ARRAY(SELECT e.permission FROM entitlements e WHERE e.identity_id = i.id AND e.resource = ${TOKEN_RESOURCE} AND e.status = 'active'
                  AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.entitlement_id = e.id AND r.operation = 'revoke'
                                    AND r.status IN ('requested', 'executing', 'executed', 'failed'))
                ORDER BY e.permission) AS scopes,
          u.id AS person_id, u.name AS person_name, u.email, u.roles, u.status AS person_status, u.team_id
        FROM api_tokens t JOIN identities i ON i.id = t.identity_id JOIN users u ON u.id = t.person_id
        WHERE t.lookup_id = ${parts.lookupId}`,
  );
  if (!t || !secretMatches(parts.secret, t.secret_hash)) throw unauthenticated("That API token is not valid.");
  const expired = t.expires_at !== null && new Date(t.expires_at).getTime() <= at.getTime();
  if (t.status === "expired" || expired) throw unauthenticated(`The API token ${t.name} has expired.`);
  if (t.status !== "active" || t.revoking)
    throw unauthenticated(`The API token ${t.name} has been ${t.status === "suspended" ? "suspended" : "revoked"}.`);
  if (!t.person_id || t.person_status !== "active")
    throw unauthenticated(`The API token ${t.name} belongs to someone who has left: it is refused.`);
  const roles = pgArray(t.roles) as Role[];
  // scim changes people: held only while its person is still an admin.
  const scopes = pgArray(t.scopes).filter(
    (s): s is TokenScope =>
      (TOKEN_SCOPES as readonly string[]).includes(s) && (s !== "scim" || roles.includes("admin")),
  );
  const last = t.last_used_at === null ? 0 : new Date(t.last_used_at).getTime();
  if (at.getTime() - last >= LAST_USE_GRANULARITY_MS) await recordUse(db, t.identity_id, at);
  return {
    personId: t.person_id,
    name: t.person_name!,
    email: t.email!,
    roles,
    teamId: t.team_id,
    token: { identityId: t.identity_id, name: t.name, scopes },
  };
}

/** The token's last use on its identity (dormancy is a risk factor, so it is rescored with it). */
async function recordUse(db: Database, identityId: string, at: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`UPDATE identities SET last_used_at = ${at.toISOString()}::timestamptz
          WHERE id = ${identityId}::uuid AND (last_used_at IS NULL OR last_used_at < ${at.toISOString()}::timestamptz)`,
    );
    await rescoreIdentities(tx, sql`i.id = ${identityId}::uuid`, at);
  });
}
