import { eq } from "drizzle-orm";
import type { Connection, Database } from "@/db";
import { seedDatabase } from "@/db/seed";
import { auditEvents, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { PERSONAS, type PersonaKey } from "@/lib/auth/personas";

/** Seeds a small demo estate (the personas included) into a test database. */
export async function seedSmall(conn: Connection, identities = 60): Promise<void> {
  await seedDatabase(conn, { identities, seed: 1, ifEmpty: false });
}

/** The actor of a seeded persona, as lib/auth would resolve it from a session. */
export async function actorOf(db: Database, key: PersonaKey): Promise<Actor> {
  const email = PERSONAS.find((p) => p.key === key)!.email;
  const [row] = await db.select().from(users).where(eq(users.email, email));
  if (!row) throw new Error(`persona ${key} is not seeded`);
  return { personId: row.id, name: row.name, email: row.email, roles: row.roles, teamId: row.teamId };
}

export async function auditCount(db: Database, action?: string): Promise<number> {
  const rows = await db.select({ seq: auditEvents.seq }).from(auditEvents).where(action ? eq(auditEvents.action, action) : undefined);
  return rows.length;
}

export const ALL_PERSONAS: PersonaKey[] = ["olivia", "omar", "maya", "sam", "ari", "ada"];
