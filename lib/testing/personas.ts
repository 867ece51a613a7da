import "server-only";
import { eq } from "drizzle-orm";
import type { Database } from "@/db";
import { users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { PERSONAS, type PersonaKey } from "@/lib/auth/personas";
import { curatedIdentityId } from "@/lib/seed/curated";
import { personaId } from "@/lib/seed/people";

export const ALL_PERSONAS: PersonaKey[] = ["olivia", "omar", "maya", "sam", "ari", "ada"];

/** The actor of a seeded persona, as lib/auth would resolve it from a session (read now, so a role change shows). */
export async function actorOf(db: Database, key: PersonaKey): Promise<Actor> {
  const email = PERSONAS.find((p) => p.key === key)!.email;
  const [row] = await db.select().from(users).where(eq(users.email, email));
  if (!row) throw new Error(`persona ${key} is not seeded`);
  return { personId: row.id, name: row.name, email: row.email, roles: row.roles, teamId: row.teamId };
}

/** Every persona's actor, by key: for tests that try each role against one mutation. */
export async function allActors(db: Database): Promise<Record<PersonaKey, Actor>> {
  const out = {} as Record<PersonaKey, Actor>;
  for (const p of ALL_PERSONAS) out[p] = await actorOf(db, p);
  return out;
}

/** The seeded curated identity's id (the test seed uses seed 1). */
export const curatedId = (key: string) => curatedIdentityId(1, key);
export const personaIdOf = (key: PersonaKey) => personaId(1, key);
