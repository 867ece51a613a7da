import "server-only";
import { and, asc, eq, gt, ilike, inArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { lockById } from "@/db/locks";
import { personColumns, pick } from "@/db/columns";
import { identities, ROLES, teams, users, type Role } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, canManagePeople, isAuditorOnly, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { plural, pluralWord } from "@/lib/format";
import { rescoreIdentities } from "@/lib/identities";
import { cursorParam, encodeCursor, idPart, readCursor, searchInput } from "@/lib/paging";
import { storableText, text } from "@/lib/validation";

export type PersonDto = {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  status: "active" | "departed";
  team: string | null;
  manager: string | null;
};

/** A page token: the last row's [name, id] (the list is by name). */
const CURSOR = z.tuple([text().max(400), idPart]);

export const peopleQuerySchema = z.object({
  q: text()
    .trim()
    .max(200, "Search is at most 200 characters.")
    .optional()
    .transform((q) => q ?? ""),
  // A page link is the app's own token: a broken one is ignored like an absent one (the list starts at the top).
  after: cursorParam(CURSOR).optional().catch(undefined),
});
export type PeopleQuery = z.infer<typeof peopleQuerySchema>;

/** The People page's URL state; a search holding a NUL (or too long) is refused with a message. */
export function parsePeopleQuery(params: Record<string, unknown>): PeopleQuery {
  return parseInput(peopleQuerySchema, searchInput(params), "That search is not valid.");
}

/** People and their roles, by name, keyset-paginated. Admins only (they manage roles). */
export async function listPeople(
  db: Database,
  actor: Actor,
  raw: PeopleQuery,
  size = 50,
): Promise<{ people: PersonDto[]; next: string | null }> {
  if (!canManagePeople(actor)) throw forbidden("Only admins manage people and roles.");
  const query = parseInput(peopleQuerySchema, raw, "That search is not valid.");
  const managers = db.select({ id: users.id, name: users.name }).from(users).as("managers");
  const conditions = [];
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern)));
  }
  const cursor = readCursor(CURSOR, query.after);
  if (cursor) {
    const [name, id] = cursor;
    conditions.push(or(gt(users.name, name), and(eq(users.name, name), gt(users.id, id))));
  }
  const rows = await db
    .select({
      ...pick(personColumns, "id", "name", "email", "roles", "status"),
      team: teams.name,
      manager: managers.name,
    })
    .from(users)
    .leftJoin(teams, eq(teams.id, users.teamId))
    .leftJoin(managers, eq(managers.id, users.managerId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.name), asc(users.id))
    .limit(size + 1);
  const people = rows.slice(0, size);
  const last = people.at(-1);
  return { people, next: rows.length > size && last ? encodeCursor([last.name, last.id]) : null };
}

export const setRolesSchema = z.object({
  personId: z.guid("Unknown person."),
  roles: z.array(z.enum(ROLES, "Unknown role.")).min(1, "A person needs at least one role.").max(ROLES.length),
});

/**
 * Changes a person's roles. Admins only; separation of duties: an admin cannot grant themselves
 * security (that would let them approve what they administer) and cannot drop their own admin
 * role (which could leave nobody to manage people).
 */
export async function setPersonRoles(db: Database, actor: Actor, input: unknown): Promise<PersonDto["roles"]> {
  requireCanChange(actor);
  if (!canManagePeople(actor)) throw forbidden("Only admins change roles.");
  const parsed = setRolesSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message);
  const roles = ROLES.filter((r) => parsed.data.roles.includes(r));
  return db.transaction(async (tx) => {
    const person = await lockById(tx, users, personColumns, parsed.data.personId);
    if (!person) throw notFound("That person");
    if (person.id === actor.personId) {
      if (roles.includes("security") && !person.roles.includes("security"))
        throw forbidden("Separation of duties: an admin cannot grant themselves the security role.");
      if (!roles.includes("admin")) throw forbidden("You cannot remove your own admin role; ask another admin.");
    }
    if (sameRoles(person.roles, roles)) return roles;
    // Auditors own nothing: someone answerable for live identities hands them over before becoming one.
    if (isAuditorOnly(roles)) {
      const [held] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(identities)
        .where(
          and(
            or(eq(identities.ownerId, person.id), eq(identities.backupOwnerId, person.id)),
            inArray(identities.status, ["pending", "active", "suspended"]),
          ),
        );
      if (held!.n > 0)
        throw conflict(
          `${person.name} owns or backs up ${plural(held!.n, "live identity", "live identities")}; auditors own nothing, so hand ${pluralWord(held!.n, "it", "them")} over first.`,
        );
    }
    await tx.update(users).set({ roles }).where(eq(users.id, person.id));
    await record(tx, {
      actor: auditActor(actor),
      action: "person.roles_changed",
      subject: { type: "person", id: person.id },
      before: { roles: person.roles },
      after: { roles },
    });
    return roles;
  });
}

export const setStatusSchema = z.object({
  personId: z.guid("Unknown person."),
  status: z.enum(["active", "departed"], "Unknown status."),
});

/** Marks a person departed (their identities become orphans) or active again. Admins only. */
export async function setPersonStatus(db: Database, actor: Actor, input: unknown): Promise<void> {
  requireCanChange(actor);
  if (!canManagePeople(actor)) throw forbidden("Only admins change whether a person has left.");
  const parsed = setStatusSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message);
  const { personId, status } = parsed.data;
  if (personId === actor.personId) throw forbidden("You cannot change your own status.");
  await db.transaction(async (tx) => {
    const person = await lockById(tx, users, personColumns, personId);
    if (!person) throw notFound("That person");
    if (person.status === status) return;
    await tx
      .update(users)
      .set({ status, departedAt: status === "departed" ? now() : null })
      .where(eq(users.id, personId));
    // Their identities become (or stop being) orphans: the stored risk follows in the same transaction.
    await rescoreIdentities(tx, sql`i.owner_id = ${personId}::uuid`, now());
    await record(tx, {
      actor: auditActor(actor),
      action: status === "departed" ? "person.departed" : "person.reinstated",
      subject: { type: "person", id: personId },
      before: { status: person.status },
      after: { status },
    });
  });
}

function sameRoles(a: readonly Role[], b: readonly Role[]) {
  return a.length === b.length && a.every((r) => b.includes(r));
}

/** The id of the active person with this email (case-insensitive), for forms that name people by email. */
export async function activePersonIdByEmail(db: Database, email: string): Promise<string | null> {
  // A value PostgreSQL cannot store (a NUL) names nobody: the form then says "unknown" for it.
  if (!storableText(email)) return null;
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.email}) = lower(${email.slice(0, 320)})`, eq(users.status, "active")));
  return row?.id ?? null;
}
