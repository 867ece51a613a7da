import { SYSTEMS, systemIndex } from "./catalog-systems";
import type { Curated } from "./curated";

// How the curated tables are written: an identity is a `curated(…)` of one line per part, and its
// environment is its system's.

/** A grant of a curated identity: the system's resource (by index), the permission, privileged or not. */
export const grant = (resource: number, permission: string, privileged: boolean): Curated["grants"][number] => [
  resource,
  permission,
  privileged,
];

/** A curated identity: what it is, who holds it, its days (ago / ahead) and credential, its purpose, its grants. */
export function curated(
  what: Pick<Curated, "key" | "name" | "kind" | "system">,
  who: Pick<Curated, "owner" | "backup" | "team" | "origin" | "status">,
  when: Pick<Curated, "created" | "expires" | "used" | "review" | "cred" | "rotation" | "rotated">,
  purpose: string | null,
  grants: Curated["grants"],
): Curated {
  return { ...what, env: SYSTEMS[systemIndex(what.system)]!.environment, ...who, ...when, purpose, grants };
}

/** An identity discovery found: nobody owns it or said what it is for, and it has no expiry or review date. */
export const discovered = (
  what: Parameters<typeof curated>[0],
  when: Pick<Curated, "created" | "used" | "cred">,
  grants: Curated["grants"],
) =>
  curated(
    what,
    { owner: null, team: null, origin: "discovered" },
    { ...when, expires: null, review: null },
    null,
    grants,
  );
