import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { conflict, notFound } from "@/lib/errors";
import { isGuid } from "@/lib/validation";
import { canSee, isLive, LIVE_STATUSES, relationTo, type IdentityAccessRow } from "./access";

/**
 * What the new-request form may show about identities: the ones the requester owns or backs up,
 * and the one a link asked to prefill (`?identity=<id>`), read through the inventory's scope like
 * every other read by id. lib/requests checks the actor's relation again when the request is sent.
 */
export type RequestFormIdentity = { id: string; name: string; environment: string };

/** The live identities the actor owns or backs up, by name (the form's choices). */
export async function requestFormIdentities(db: Database, actor: Actor, limit = 200): Promise<RequestFormIdentity[]> {
  const live = sql.join(
    LIVE_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return queryRows<RequestFormIdentity>(
    db,
    sql`SELECT id, name, environment FROM identities
        WHERE (owner_id = ${actor.personId}::uuid OR backup_owner_id = ${actor.personId}::uuid) AND status IN (${live})
        ORDER BY name LIMIT ${limit}`,
  );
}

/**
 * The identity a link prefills, if the actor may see it (the inventory's scope): a malformed id, one
 * that does not exist and one out of scope are the same "not found", so an id reveals nothing.
 * One the actor sees but that is revoked or expired is a conflict: nothing can be asked for it.
 */
export async function identityForRequestForm(db: Database, actor: Actor, rawId: unknown): Promise<RequestFormIdentity> {
  if (!isGuid(rawId)) throw notFound("That identity");
  const [row] = await queryRows<IdentityAccessRow & RequestFormIdentity>(
    db,
    sql`SELECT id, name, environment, owner_id, backup_owner_id, team_id, status FROM identities WHERE id = ${rawId}::uuid`,
  );
  if (!row || !canSee(await relationTo(db, actor, row))) throw notFound("That identity");
  if (!isLive(row.status)) throw conflict(`${row.name} is ${row.status}: nothing can be requested for it.`);
  return { id: row.id, name: row.name, environment: row.environment };
}
