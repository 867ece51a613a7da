import "server-only";
import { and, asc, desc, eq, ilike, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { personColumns, pick, systemColumns, teamColumns, type RowOf } from "@/db/columns";
import { systems, teams, users } from "@/db/schema";
import type { Actor } from "@/lib/auth";
import { text } from "@/lib/validation";
import { escapeLike } from "./inventory-query";

/**
 * Choices for the inventory's filter pickers. Systems are few and listed whole; teams (about one
 * per eight people) and people are many, so the form suggests them as the user types instead of
 * shipping thousands of options with every page. Names and emails are what the table shows anyway.
 */
const facetSystemColumns = pick(systemColumns, "id", "name", "environment");

export type InventoryFacets = {
  systems: RowOf<typeof facetSystemColumns>[];
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
  const [systemRows, owner, team] = await Promise.all([
    db.select(facetSystemColumns).from(systems).orderBy(asc(systems.name)),
    ownerId ? db.select(pick(personColumns, "email")).from(users).where(eq(users.id, ownerId)) : Promise.resolve([]),
    teamId ? db.select(pick(teamColumns, "name")).from(teams).where(eq(teams.id, teamId)) : Promise.resolve([]),
  ]);
  return { systems: systemRows, ownerLabel: owner[0]?.email ?? null, teamLabel: team[0]?.name ?? null };
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
    const rows = await db
      .select(pick(teamColumns, "name"))
      .from(teams)
      .where(ilike(teams.name, anywhere))
      .orderBy(desc(ilike(teams.name, prefix)), asc(teams.name))
      .limit(SUGGESTION_LIMIT);
    return rows.map((r) => ({ value: r.name, label: r.name }));
  }
  const rows = await db
    .select(pick(personColumns, "name", "email"))
    .from(users)
    .where(and(eq(users.status, "active"), or(ilike(users.name, anywhere), ilike(users.email, anywhere))))
    .orderBy(desc(sql`(${or(ilike(users.name, prefix), ilike(users.email, prefix))})`), asc(users.name))
    .limit(SUGGESTION_LIMIT);
  return rows.map((r) => ({ value: r.email, label: r.name }));
}
