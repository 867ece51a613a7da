import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { users, type Role } from "@/db/schema";
import { record } from "@/lib/audit/record";
import { adminEmails, isDemoMode } from "@/lib/config";
import { forbidden } from "@/lib/errors";
import type { Actor } from "./actor";
import { PERSONAS } from "./personas";

/** The actor for a session's person id: null when the person is unknown or has left. */
export async function resolveActor(db: Database, personId: string): Promise<Actor | null> {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) return null;
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, roles: users.roles, status: users.status, teamId: users.teamId })
    .from(users)
    .where(eq(users.id, personId))
    .limit(1);
  if (!row || row.status !== "active") return null;
  return { personId: row.id, name: row.name, email: row.email, roles: row.roles, teamId: row.teamId };
}

export type SignInPerson = { id: string; name: string; email: string };

/**
 * One-click persona sign-in. Refused on the server whenever demo mode is off, whatever the
 * browser sends, and only for the seeded personas that are still active.
 */
export async function authorizeDemoSignIn(db: Database, email: unknown): Promise<SignInPerson> {
  if (!isDemoMode()) throw forbidden("Demo sign-in is turned off on this installation.");
  const persona = PERSONAS.find((p) => p.email === email);
  if (!persona) throw forbidden("Only the demo personas can sign in this way.");
  const [row] = await db.select().from(users).where(eq(users.email, persona.email)).limit(1);
  if (!row) throw forbidden(`${persona.name} is not in this database: seed it with \`npx steward db seed\`.`);
  if (row.status !== "active") throw forbidden(`${row.name} has left the company and cannot sign in.`);
  return { id: row.id, name: row.name, email: row.email };
}

/**
 * A person signing in through OpenID Connect: found by email, or created as a member. Emails in
 * STEWARD_ADMIN_EMAILS are made admins, which is how a fresh installation gets its first admin.
 * Departed people are refused. Any change is audited in the same transaction.
 */
export async function provisionOidcPerson(db: Database, input: { email: string; name?: string | null; issuer: string }): Promise<SignInPerson> {
  const email = input.email.trim().toLowerCase();
  const makeAdmin = adminEmails().has(email);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email}`).limit(1).for("update");
    if (existing) {
      if (existing.status !== "active") throw forbidden(`${existing.name} has left the company and cannot sign in.`);
      if (makeAdmin && !existing.roles.includes("admin")) {
        const roles: Role[] = [...existing.roles, "admin"];
        await tx.update(users).set({ roles }).where(eq(users.id, existing.id));
        await record(tx, {
          actor: { type: "system", id: null, label: "STEWARD_ADMIN_EMAILS" },
          action: "person.roles_changed",
          subject: { type: "person", id: existing.id },
          before: { roles: existing.roles },
          after: { roles },
        });
      }
      return { id: existing.id, name: existing.name, email: existing.email };
    }
    const roles: Role[] = makeAdmin ? ["member", "admin"] : ["member"];
    const name = input.name?.trim() || email.split("@")[0]!;
    const [created] = await tx.insert(users).values({ email, name, roles }).returning();
    await record(tx, {
      actor: { type: "system", id: null, label: `OIDC ${input.issuer}` },
      action: "person.provisioned",
      subject: { type: "person", id: created!.id },
      after: { email, name, roles },
    });
    return { id: created!.id, name, email };
  });
}

export async function findPersonByEmail(db: Database, email: string): Promise<SignInPerson | null> {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return row ?? null;
}

export async function recordSignIn(db: Database, person: SignInPerson, provider: string): Promise<void> {
  await db.transaction((tx) =>
    record(tx, { actor: { type: "person", id: person.id, label: person.email }, action: "auth.signed_in", subject: { type: "person", id: person.id }, after: { provider } }),
  );
}

export async function recordSignOut(db: Database, personId: string, email: string): Promise<void> {
  await db.transaction((tx) =>
    record(tx, { actor: { type: "person", id: personId, label: email }, action: "auth.signed_out", subject: { type: "person", id: personId } }),
  );
}
