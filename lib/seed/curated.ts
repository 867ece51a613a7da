import "server-only";
import type { Database } from "@/db";
import { entitlements, identities, type Environment, type IdentityKind } from "@/db/schema";
import type { PersonaKey } from "@/lib/auth";
import { ENV_SHORT } from "./catalog";
import { SYSTEMS, systemIndex } from "./catalog-systems";
import { CURATED_OLIVIA_OMAR } from "./curated-olivia-omar";
import { CURATED_ORPHANS_AND_OTHERS } from "./curated-orphans-and-others";
import { fixedTeamId, personaId } from "./people";
import { seedUuid } from "./sql-util";
import { DAY } from "@/lib/clock";

// Hand-written identities of the personas: small, named, and covering every derived state, so
// the UI and its tests have stable things to find ("Olivia's expiring key", "Dan's orphans").

type Cred = "static_secret" | "certificate" | "short_lived_token" | "federated";
export type Curated = {
  key: string;
  name: string;
  kind: IdentityKind;
  system: string;
  env: Environment;
  owner: PersonaKey | null;
  backup?: PersonaKey;
  team: "Payments" | "Security" | "Platform" | null;
  purpose: string | null;
  origin: "requested" | "imported" | "discovered";
  status?: "active" | "expired";
  created: number; // days ago
  expires: number | null; // days ahead (negative: in the past)
  used: number | null; // days ago
  cred: Cred;
  rotation?: number; // rotation period, days
  rotated?: number | null; // days ago
  review: number | null; // days ahead (negative: overdue)
  grants: [resource: number, permission: string, privileged: boolean][];
};

/** In this order: a seed of fewer identities than these takes the first ones. */
export const CURATED: readonly Curated[] = [...CURATED_OLIVIA_OMAR, ...CURATED_ORPHANS_AND_OTHERS];

export const curatedIdentityId = (seed: number, key: string) => seedUuid("identity", seed, `c:${key}`);

export async function insertCurated(tx: Database, seed: number, at: Date, count: number): Promise<void> {
  const rows = CURATED.slice(0, count);
  if (rows.length === 0) return;
  const day = (d: number | null | undefined) =>
    d === null || d === undefined ? null : new Date(at.getTime() + d * DAY);
  await tx.insert(identities).values(
    rows.map((c) => {
      const sys = SYSTEMS[systemIndex(c.system)]!;
      if (sys.environment !== c.env)
        throw new Error(`curated ${c.key}: ${c.system} is ${sys.environment}, not ${c.env}`);
      const stored = c.cred === "static_secret" || c.cred === "certificate";
      return {
        id: curatedIdentityId(seed, c.key),
        name: c.name,
        kind: c.kind,
        systemId: seedUuid("system", seed, c.system),
        environment: sys.environment,
        ownerId: c.owner ? personaId(seed, c.owner) : null,
        backupOwnerId: c.backup ? personaId(seed, c.backup) : null,
        teamId: c.team ? fixedTeamId(seed, c.team) : null,
        purpose: c.purpose,
        status: c.status ?? "active",
        createdAt: day(-c.created)!,
        expiresAt: day(c.expires),
        lastUsedAt: c.used === null ? null : day(-c.used),
        lastRotatedAt:
          c.rotated === undefined
            ? stored
              ? day(-Math.min(c.created, 10))
              : null
            : c.rotated === null
              ? null
              : day(-c.rotated),
        nextReviewAt: day(c.review),
        credentialType: c.cred,
        rotationPeriodDays: c.rotation ?? null,
        secretStore: stored && c.owner ? `${sys.storePrefix}${ENV_SHORT[c.env]}/${c.name}` : null,
        origin: c.origin,
        externalId: `${sys.externalPrefix}${c.name}`,
      };
    }),
  );
  const grants = rows.flatMap((c) =>
    c.grants.map(([res, permission, privileged], j) => ({
      id: seedUuid("entitlement", seed, `c:${c.key}:${j}`),
      identityId: curatedIdentityId(seed, c.key),
      resource: SYSTEMS[systemIndex(c.system)]!.resources[res]!,
      permission,
      privileged,
      status: "active" as const,
      createdAt: day(-c.created + 1)!,
    })),
  );
  if (grants.length) await tx.insert(entitlements).values(grants);
}
