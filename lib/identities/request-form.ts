import "server-only";
import { and, asc, eq, inArray, or } from "drizzle-orm";
import type { Database } from "@/db";
import { identityAccessColumns, identityColumns, pick, type RowOf } from "@/db/columns";
import { identities } from "@/db/schema";
import type { Actor } from "@/lib/auth";
import { conflict, notFound } from "@/lib/errors";
import { isGuid } from "@/lib/validation";
import { canSee, isLive, LIVE_STATUSES, relationTo } from "./access";

/**
 * What the new-request form may show about identities: the ones the requester owns or backs up,
 * and the one a link asked to prefill (`?identity=<id>`), read through the inventory's scope like
 * every other read by id. lib/requests checks the actor's relation again when the request is sent.
 */
const formColumns = pick(identityColumns, "id", "name", "environment");
export type RequestFormIdentity = RowOf<typeof formColumns>;

/** The live identities the actor owns or backs up, by name (the form's choices). */
export async function requestFormIdentities(db: Database, actor: Actor, limit = 200): Promise<RequestFormIdentity[]> {
  return db
    .select(formColumns)
    .from(identities)
    .where(
      and(
        or(eq(identities.ownerId, actor.personId), eq(identities.backupOwnerId, actor.personId)),
        inArray(identities.status, [...LIVE_STATUSES]),
      ),
    )
    .orderBy(asc(identities.name))
    .limit(limit);
}

/**
 * The identity a link prefills, if the actor may see it (the inventory's scope): a malformed id, one
 * that does not exist and one out of scope are the same "not found", so an id reveals nothing.
 * One the actor sees but that is revoked or expired is a conflict: nothing can be asked for it.
 */
export async function identityForRequestForm(db: Database, actor: Actor, rawId: unknown): Promise<RequestFormIdentity> {
  if (!isGuid(rawId)) throw notFound("That identity");
  const [row] = await db
    .select({ ...formColumns, ...identityAccessColumns })
    .from(identities)
    .where(eq(identities.id, rawId));
  if (!row || !canSee(await relationTo(db, actor, row))) throw notFound("That identity");
  if (!isLive(row.status)) throw conflict(`${row.name} is ${row.status}: nothing can be requested for it.`);
  return { id: row.id, name: row.name, environment: row.environment };
}
