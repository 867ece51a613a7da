import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { text } from "@/lib/validation";
import { escapeLike } from "./inventory-query";

/**
 * Choices for the inventory's filter pickers. Systems are few and listed whole; teams (about one
 * per eight people) and people are many, so the form suggests them as the user types instead of
 * shipping thousands of options with every page. Names and emails are what the table shows anyway.
 */
export type InventoryFacets = {
  systems: { id: string; name: string; environment: string }[];
  teamLabel: string | null;
  ownerLabel: string | null;
};

const UUID = z.guid();

export async function inventoryFacets(
  db: Database,
  _actor: Actor,
  selected: { owner?: string; team?: string } = {},
): Promise<InventoryFacets> {
  const ownerId = selected.owner && UUID.safeParse(selected.owner).success ? selected.owner : undefined;
  const teamId = selected.team && UUID.safeParse(selected.team).success ? selected.team : undefined;
  const [systems, owner, team] = await Promise.all([
    queryRows<{ id: string; name: string; environment: string }>(
      db,
      sql`SELECT id, name, environment FROM systems ORDER BY name`,
    ),
    ownerId
      ? queryRows<{ email: string }>(db, sql`SELECT email FROM users WHERE id = ${ownerId}::uuid`)
      : Promise.resolve([]),
    teamId
      ? queryRows<{ name: string }>(db, sql`SELECT name FROM teams WHERE id = ${teamId}::uuid`)
      : Promise.resolve([]),
  ]);
  return { systems, ownerLabel: owner[0]?.email ?? null, teamLabel: team[0]?.name ?? null };
}

export type Suggestion = { value: string; label: string };

const suggestSchema = z.object({ kind: z.enum(["team", "person"]), q: text().trim().max(100).default("") });
export const SUGGESTION_LIMIT = 15;

/** Teams by name, or people by name or email, that start with (or contain) what was typed. */
export async function suggestFilterValues(db: Database, _actor: Actor, input: unknown): Promise<Suggestion[]> {
  const parsed = suggestSchema.safeParse(input);
  if (!parsed.success) return [];
  const { kind, q } = parsed.data;
  const prefix = `${escapeLike(q)}%`;
  const anywhere = `%${escapeLike(q)}%`;
  if (kind === "team") {
    const rows = await queryRows<{ name: string }>(
      db,
      sql`SELECT name FROM teams WHERE name ILIKE ${anywhere} ORDER BY (name ILIKE ${prefix}) DESC, name LIMIT ${SUGGESTION_LIMIT}`,
    );
    return rows.map((r) => ({ value: r.name, label: r.name }));
  }
  const rows = await queryRows<{ name: string; email: string }>(
    db,
    sql`SELECT name, email FROM users WHERE status = 'active' AND (name ILIKE ${anywhere} OR email ILIKE ${anywhere})
        ORDER BY (name ILIKE ${prefix} OR email ILIKE ${prefix}) DESC, name LIMIT ${SUGGESTION_LIMIT}`,
  );
  return rows.map((r) => ({ value: r.email, label: r.name }));
}
