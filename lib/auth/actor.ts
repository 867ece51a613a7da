import type { Role } from "@/db/schema";
import type { AuditActor } from "@/lib/audit";
import { forbidden } from "@/lib/errors";

/** The signed-in person every domain function receives and checks. */
export type Actor = {
  personId: string;
  name: string;
  email: string;
  roles: readonly Role[];
  teamId: string | null;
};

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return roles.some((r) => actor.roles.includes(r));
}

/** Throws `forbidden` unless the actor holds one of the roles. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) {
    throw forbidden(`This needs the ${roles.join(" or ")} role.`);
  }
}

/**
 * Auditors read everything and change nothing. A person whose roles are only `auditor` is read-only
 * everywhere, whatever they relate to (even an identity they were made owner of); someone who is
 * an auditor and also, say, a member changes what the member may.
 */
export const canChange = (actor: Pick<Actor, "roles">) => actor.roles.some((r) => r !== "auditor");
export const isAuditorOnly = (roles: readonly Role[]) => roles.length > 0 && roles.every((r) => r === "auditor");

/** Throws `forbidden` for a read-only (auditor-only) person: the first check of every mutation. */
export function requireCanChange(actor: Actor): void {
  if (!canChange(actor)) throw forbidden("Auditors read everything and change nothing.");
}

export function auditActor(actor: Actor): AuditActor {
  return { type: "person", id: actor.personId, label: actor.email };
}

/** The audit domain owns its read rule; here beside the other capabilities the navigation asks about. */
export { canReadAuditLog } from "@/lib/audit";
export const canManagePeople = (actor: Actor) => hasRole(actor, "admin");
