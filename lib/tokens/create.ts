import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { identityColumns, pick } from "@/db/columns";
import { readRows, selectList } from "@/db/columns";
import { record, type AuditActor } from "@/lib/audit";
import { type Actor, auditActor, hasRole, requireCanChange, TOKEN_SCOPES, type TokenScope } from "@/lib/auth";
import { DAY, now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { rescoreIdentities } from "@/lib/identities";
import { isPrivilegedGrant, loadPolicySettings, reviewPeriodDays } from "@/lib/policy";
import { prose, text } from "@/lib/validation";
import { newToken } from "./secret";
import { stewardSystem, TOKEN_RESOURCE } from "./system";

/**
 * Creating an API token. The token is an identity like any other — kind `api_key`, in the system
 * "Steward", owned by the person it acts as, with a purpose and an expiry within policy's maximum
 * for the system's environment — and each scope is an entitlement on "Steward API", so the
 * inventory, reviews and revocations govern tokens as they govern everything else. The secret is
 * returned once and stored only as a hash.
 */
export const tokenInputSchema = z.object({
  name: text({ error: "Name the token." })
    .trim()
    .min(1, "Name the token.")
    .max(80, "A token's name is at most 80 characters.")
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Use letters, digits and . _ - (no spaces)."),
  purpose: prose("Say what the token is for.", 5, 500),
  scopes: z
    .array(z.enum(TOKEN_SCOPES, { error: `Scopes are ${TOKEN_SCOPES.join(", ")}.` }), { error: "Choose its scopes." })
    .min(1, "Choose at least one scope.")
    .transform((s) => [...new Set(s)]),
  expiresInDays: z.coerce
    .number({ error: "Give the days until it expires." })
    .int("Give whole days.")
    .min(1, "A token lives at least 1 day."),
});
export type TokenInput = z.input<typeof tokenInputSchema>;

export type CreatedToken = { identityId: string; name: string; token: string; expiresAt: string; scopes: TokenScope[] };

/** A signed-in person creates a token that acts as themselves. */
export async function createApiToken(db: Database, actor: Actor, raw: unknown): Promise<CreatedToken> {
  requireCanChange(actor);
  if (actor.token) throw forbidden("A token cannot create tokens: a signed-in person creates them.");
  const input = parseInput(tokenInputSchema, raw, "The token was not created.");
  if (input.scopes.includes("scim") && !hasRole(actor, "admin"))
    throw forbidden("Only admins create tokens with the scim scope: it changes people, managers and teams.");
  return db.transaction((tx) =>
    issue(tx, { id: actor.personId, email: actor.email, teamId: actor.teamId }, input, auditActor(actor)),
  );
}

/**
 * `steward token create --owner EMAIL …`: the operator at the server's command line makes a token
 * for a person (who must be active and not only an auditor: auditors own nothing). Audited as the
 * command line.
 */
export async function issueApiTokenFor(db: Database, ownerEmail: string, raw: unknown): Promise<CreatedToken> {
  const input = parseInput(tokenInputSchema, raw, "The token was not created.");
  return db.transaction(async (tx) => {
    const [owner] = await queryRows<{
      id: string;
      email: string;
      team_id: string | null;
      roles: string[] | string;
      status: string;
    }>(tx, sql`SELECT id, email, team_id, roles, status FROM users WHERE lower(email) = lower(${ownerEmail})`);
    if (!owner) throw notFound(`A person with the email ${ownerEmail}`);
    if (owner.status !== "active")
      throw conflict(`${owner.email} has left: a departed person's token would be refused.`);
    const roles = Array.isArray(owner.roles) ? owner.roles : owner.roles.replace(/[{}]/g, "").split(",");
    if (roles.every((r) => r === "auditor"))
      throw forbidden(`${owner.email} is only an auditor: auditors own no identities, so no tokens.`);
    if (input.scopes.includes("scim") && !roles.includes("admin"))
      throw forbidden("Only admins hold tokens with the scim scope: it changes people, managers and teams.");
    return issue(tx, { id: owner.id, email: owner.email, teamId: owner.team_id }, input, {
      type: "system",
      id: null,
      label: "steward token create (command line)",
    });
  });
}

const created = pick(identityColumns, "id", "expiresAt");

async function issue(
  tx: Database,
  owner: { id: string; email: string; teamId: string | null },
  input: z.output<typeof tokenInputSchema>,
  by: AuditActor,
): Promise<CreatedToken> {
  const at = now();
  const system = await stewardSystem(tx);
  const settings = await loadPolicySettings(tx);
  const max = settings.maxTtlDays[system.environment];
  if (input.expiresInDays > max)
    throw invalid("The token was not created.", {
      expiresInDays: [`At most ${max} days: policy's longest lifetime for ${system.environment} identities.`],
    });
  const expiresAt = new Date(at.getTime() + input.expiresInDays * DAY);
  const nextReview = new Date(at.getTime() + (await reviewPeriodDays(tx)) * DAY);
  const secret = newToken();
  // Named by its owner, so two people's "ci" tokens do not collide (names are unique per system).
  const name = `${owner.email}/${input.name}`;
  const [row] = await readRows(
    tx,
    created,
    sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, team_id, purpose, status, created_at, expires_at,
          next_review_at, credential_type, origin, external_id)
        VALUES (${name}, 'api_key', ${system.id}::uuid, ${system.environment}::environment, ${owner.id}::uuid, ${owner.teamId}::uuid,
          ${input.purpose}, 'active', ${at.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz,
          ${nextReview.toISOString()}::timestamptz, 'static_secret', 'requested', ${secret.lookupId})
        ON CONFLICT DO NOTHING
        RETURNING ${selectList(created)}`,
  );
  if (!row)
    throw invalid("The token was not created.", { name: [`You already have a live token named ${input.name}.`] });
  await tx.execute(
    sql`INSERT INTO api_tokens (identity_id, lookup_id, secret_hash, person_id, created_at)
        VALUES (${row.id}::uuid, ${secret.lookupId}, ${secret.secretHash}, ${owner.id}::uuid, ${at.toISOString()}::timestamptz)`,
  );
  for (const scope of input.scopes)
    await tx.execute(
      sql`INSERT INTO entitlements (identity_id, resource, permission, privileged, status, created_at)
          VALUES (${row.id}::uuid, ${TOKEN_RESOURCE}, ${scope}, ${isPrivilegedGrant({ resource: TOKEN_RESOURCE, permission: scope }, settings.privilegedPermissions)}::boolean,
            'active', ${at.toISOString()}::timestamptz)`,
    );
  await rescoreIdentities(tx, sql`i.id = ${row.id}::uuid`, at);
  await record(tx, {
    actor: by,
    action: "api_token.created",
    subject: { type: "identity", id: row.id },
    after: {
      name,
      ownerId: owner.id,
      scopes: input.scopes,
      expiresAt: expiresAt.toISOString(),
      lookupId: secret.lookupId,
    },
  });
  return {
    identityId: row.id,
    name,
    token: secret.token,
    expiresAt: expiresAt.toISOString(),
    scopes: input.scopes,
  };
}
