import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { hasRows, type IdentityAccess } from "@/db/columns";
import { canChange, hasRole, type Actor } from "@/lib/auth";

/**
 * How the actor stands to one identity. Every identity function derives its permission from this,
 * read inside its own transaction, so the check and the change see the same row.
 */
export type Relation = {
  owner: boolean;
  backupOwner: boolean;
  /** The actor manages the owner, directly or further up the line. */
  manager: boolean;
  team: boolean;
  security: boolean;
  auditor: boolean;
};

/** The columns an access check reads (db/columns.ts `identityAccessColumns`). */
export type IdentityAccessRow = IdentityAccess;

export async function relationTo(db: Database, actor: Actor, row: IdentityAccessRow): Promise<Relation> {
  const auditor = hasRole(actor, "auditor");
  // A read-only person holds no relation that would let them change anything: they see as an auditor.
  if (!canChange(actor))
    return { owner: false, backupOwner: false, manager: false, team: false, security: false, auditor };
  let manager = false;
  if (row.ownerId && row.ownerId !== actor.personId) {
    // A recursive walk up the manager line: raw SQL (the builder has no WITH RECURSIVE), read for existence only.
    manager = await hasRows(
      db,
      sql`WITH RECURSIVE up AS (
            SELECT manager_id FROM users WHERE id = ${row.ownerId}::uuid
            UNION SELECT u.manager_id FROM users u JOIN up ON u.id = up.manager_id
          ) SELECT 1 AS hit FROM up WHERE manager_id = ${actor.personId}::uuid LIMIT 1`,
    );
  }
  return {
    owner: row.ownerId === actor.personId,
    backupOwner: row.backupOwnerId === actor.personId,
    manager,
    team: row.teamId !== null && row.teamId === actor.teamId,
    security: hasRole(actor, "security"),
    auditor,
  };
}

/** The same rule as the identity scope (scope.ts identityScopeSql), for one identity. */
export const canSee = (r: Relation) => r.owner || r.backupOwner || r.manager || r.team || r.security || r.auditor;
/** "I still own this and it is still needed": said by those answerable for it, not by onlookers. */
export const canAttest = (r: Relation) => r.owner || r.backupOwner || r.manager;
export const canEditPurpose = (r: Relation) => r.owner || r.backupOwner || r.manager || r.security;
export const canShortenExpiry = canEditPurpose;
/** Owners revoke what they own, managers what their reports own, security anything. */
export const canRevoke = (r: Relation) => r.owner || r.backupOwner || r.manager || r.security;
/** Managers and security hand over directly; owners will ask through a transfer request. */
export const canHandOver = (r: Relation) => r.manager || r.security;

/** Statuses in which an identity can still be changed (revoked and expired are history). */
export const LIVE_STATUSES = ["pending", "active", "suspended"] as const;
export const isLive = (status: string) => (LIVE_STATUSES as readonly string[]).includes(status);
