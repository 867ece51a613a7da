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
  /**
   * Set when the person acts through an API token (lib/tokens): the token's identity and scopes.
   * The person's roles and relations still decide what they may do; a token without the `write`
   * scope changes nothing (requireCanChange), and the audit log names the token.
   */
  token?: { identityId: string; name: string; scopes: readonly TokenScope[] };
};

/** What an API token may be used for: read (GET), write (changes) and scim (people and teams, admins only). */
export const TOKEN_SCOPES = ["read", "write", "scim"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

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
  if (actor.token && !actor.token.scopes.includes("write"))
    throw forbidden(`The API token ${actor.token.name} has no write scope: it reads and changes nothing.`);
}

/** The actor as the audit log names them: the person, or the person through one of their API tokens. */
export function auditActor(actor: Actor): AuditActor {
  if (actor.token) return { type: "token", id: actor.personId, label: `${actor.email} (token ${actor.token.name})` };
  return { type: "person", id: actor.personId, label: actor.email };
}

/** The audit domain owns its read rule; here beside the other capabilities the navigation asks about. */
export { canReadAuditLog } from "@/lib/audit";
export const canManagePeople = (actor: Actor) => hasRole(actor, "admin");
