import { eq, sql, type SQL } from "drizzle-orm";
import { queryRows, type Connection, type Database } from "@/db";
import { seedDatabase } from "@/db/seed";
import { curatedIdentityId } from "@/db/seed/curated";
import { personaId } from "@/db/seed/people";
import { auditEvents, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { PERSONAS, type PersonaKey } from "@/lib/auth/personas";
import { DomainError } from "@/lib/errors";
import { listIdentities, type InventoryRow } from "@/lib/identities/inventory";
import { parseInventoryFilter } from "@/lib/identities/inventory-filter";

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

/** Every persona's actor, by key: for tests that try each role against one mutation. */
export async function allActors(db: Database): Promise<Record<PersonaKey, Actor>> {
  const out = {} as Record<PersonaKey, Actor>;
  for (const p of ALL_PERSONAS) out[p] = await actorOf(db, p);
  return out;
}

export async function auditCount(db: Database, action?: string): Promise<number> {
  const rows = await db
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(action ? eq(auditEvents.action, action) : undefined);
  return rows.length;
}

export const ALL_PERSONAS: PersonaKey[] = ["olivia", "omar", "maya", "sam", "ari", "ada"];

/** The DomainError a promise rejects with; any other outcome fails the test. */
export async function refusal(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** The seeded curated identity's id (seedSmall uses seed 1). */
export const curatedId = (key: string) => curatedIdentityId(1, key);
export const personaIdOf = (key: PersonaKey) => personaId(1, key);

/** Ids of identities matching a ground-truth predicate over `identities i`, sorted. */
export async function idsWhere(db: Database, where: SQL): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(db, sql`SELECT i.id FROM identities i WHERE ${where} ORDER BY i.id`);
  return rows.map((r) => r.id);
}

/** Every inventory row the actor sees for these URL params, walking all pages (200 a page). */
export async function walkInventory(
  db: Database,
  actor: Actor,
  params: Record<string, string | undefined> = {},
): Promise<InventoryRow[]> {
  const rows: InventoryRow[] = [];
  let after: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await listIdentities(db, actor, parseInventoryFilter({ ...params, size: "200", after }), {
      withTotal: false,
    });
    rows.push(...page.rows);
    if (!page.nextCursor) return rows;
    after = page.nextCursor;
  }
  throw new Error("the inventory walk did not end");
}

export const sortedIds = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

/** Signs in to a PostgreSQL server as `role`: true, or the server's refusal (a revoked role's "not permitted to log in"). */
export async function connectAs(serverUrl: string, role: string, password: string): Promise<string | true> {
  const url = new URL(serverUrl);
  url.username = role;
  url.password = password;
  const { default: postgres } = await import("postgres");
  const as = postgres(url.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await as`SELECT 1`;
    return true;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await as.end({ timeout: 1 });
  }
}
