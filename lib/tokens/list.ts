import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth";
import { isoOrNull as iso } from "@/lib/format";
import { STEWARD_SYSTEM, TOKEN_RESOURCE } from "./system";

export type TokenRow = {
  identityId: string;
  name: string;
  lookupId: string;
  purpose: string | null;
  status: string;
  /** A revocation of the token is under way: it is already refused. */
  revoking: boolean;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
};

/**
 * The Tokens page: the actor's own tokens, newest first (everyone's are in the inventory, under the
 * system Steward, for those who may see them). A person holds a handful, so one page of 200.
 */
export async function myApiTokens(db: Database, actor: Actor): Promise<TokenRow[]> {
  const rows = await queryRows<{
    identity_id: string;
    name: string;
    lookup_id: string;
    purpose: string | null;
    status: string;
    revoking: boolean;
    scopes: string[] | string | null;
    created_at: Date | string;
    expires_at: Date | string | null;
    last_used_at: Date | string | null;
  }>(
    db,
    sql`SELECT i.id AS identity_id, i.name, t.lookup_id, i.purpose, i.status, i.created_at, i.expires_at, i.last_used_at,
          EXISTS (SELECT 1 FROM revocations r WHERE r.identity_id = i.id AND r.target_type = 'identity' AND r.operation = 'revoke'
                    AND r.status IN ('requested', 'executing', 'executed', 'failed')) AS revoking,
          ARRAY(SELECT e.permission FROM entitlements e WHERE e.identity_id = i.id AND e.resource = ${TOKEN_RESOURCE}
                  AND e.status = 'active' ORDER BY e.permission) AS scopes
        FROM identities i JOIN api_tokens t ON t.identity_id = i.id JOIN systems s ON s.id = i.system_id AND s.name = ${STEWARD_SYSTEM}
        WHERE i.owner_id = ${actor.personId}::uuid
        ORDER BY i.created_at DESC, i.id DESC
        LIMIT 200`,
  );
  return rows.map((r) => ({
    identityId: r.identity_id,
    name: r.name,
    lookupId: r.lookup_id,
    purpose: r.purpose,
    status: r.status,
    revoking: r.revoking,
    scopes: Array.isArray(r.scopes) ? r.scopes : (r.scopes ?? "").replace(/[{}]/g, "").split(",").filter(Boolean),
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at),
    lastUsedAt: iso(r.last_used_at),
  }));
}
