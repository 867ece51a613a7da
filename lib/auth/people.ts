import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@/db";
import { personColumns, pick } from "@/db/columns";
import { users, type Role } from "@/db/schema";
import { record } from "@/lib/audit";
import { adminEmails, isDemoMode, trustUnverifiedOidcEmail } from "@/lib/config";
import { DomainError, forbidden } from "@/lib/errors";
import type { Actor } from "./actor";
import { PERSONAS } from "./personas";

/** The actor for a session's person id: null when the person is unknown or has left. */
export async function resolveActor(db: Database, personId: string): Promise<Actor | null> {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) return null;
  const [row] = await db
    .select(pick(personColumns, "id", "name", "email", "roles", "status", "teamId"))
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

/** Why an OpenID Connect sign-in was refused; the sign-in page has a message for each. */
export type OidcRefusal = "NoEmail" | "EmailNotVerified" | "AccessDenied";

export class OidcSignInRefused extends DomainError {
  constructor(
    readonly reason: OidcRefusal,
    message: string,
  ) {
    super("forbidden", message);
  }
}

/** What Steward reads from a validated ID token. */
export type OidcClaims = {
  issuer: string;
  subject: string;
  email?: unknown;
  emailVerified?: unknown;
  name?: unknown;
};

/**
 * Whether the token's email may be believed: `email_verified` must be exactly true. A provider
 * that never sends the claim can be trusted with AUTH_OIDC_TRUST_UNVERIFIED_EMAIL=1, but an
 * explicit `false` is refused whatever the setting.
 */
export function oidcEmailVerified(emailVerified: unknown): boolean {
  if (emailVerified === true) return true;
  return emailVerified === undefined && trustUnverifiedOidcEmail();
}

/**
 * A person signing in through OpenID Connect. The account at the provider (issuer + subject) is
 * who signs in: once bound to a person it always signs in as that person, whatever email it
 * carries later. An account seen for the first time is bound, by its verified email, to the person
 * with that email (who must not be bound to another account: that is refused and audited, never
 * merged) or to a new member. Emails in STEWARD_ADMIN_EMAILS are made admins at that binding,
 * which is how a fresh installation gets its first admin. Departed people are refused. The
 * binding and its audit events are one transaction.
 */
export async function provisionOidcPerson(db: Database, claims: OidcClaims): Promise<SignInPerson> {
  const outcome = await retryOnUniqueViolation(() => db.transaction((tx) => signInOrBind(tx, claims)));
  if ("refused" in outcome) throw outcome.refused;
  return outcome.person;
}

type Outcome = { person: SignInPerson } | { refused: OidcSignInRefused };

async function signInOrBind(tx: Database, claims: OidcClaims): Promise<Outcome> {
  const { issuer, subject } = claims;
  if (!issuer || !subject)
    return { refused: new OidcSignInRefused("AccessDenied", "The identity provider did not say who you are.") };
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : "";
  if (!email)
    return { refused: new OidcSignInRefused("NoEmail", "The identity provider did not share an email address.") };
  if (!oidcEmailVerified(claims.emailVerified)) {
    return {
      refused: new OidcSignInRefused("EmailNotVerified", "The identity provider has not verified this email address."),
    };
  }
  const system = { type: "system" as const, id: null, label: `OIDC ${issuer}` };

  const [bound] = await tx
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)))
    .limit(1);
  if (bound) {
    // Matched by the account alone: the email it carries now changes nothing.
    if (bound.status !== "active") return { refused: departed(bound.name) };
    return { person: { id: bound.id, name: bound.name, email: bound.email } };
  }

  // Admin by configuration only on an email the provider vouched for, never on the trust setting.
  const makeAdmin = adminEmails().has(email) && claims.emailVerified === true;
  const binding = { issuer, subject };
  const [existing] = await tx
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1)
    .for("update");
  if (existing) {
    if (existing.status !== "active") return { refused: departed(existing.name) };
    if (existing.oidcIssuer === issuer && existing.oidcSubject === subject) {
      return { person: { id: existing.id, name: existing.name, email: existing.email } }; // bound by a racing sign-in
    }
    if (existing.oidcSubject !== null) {
      // Another account already signs in as this person: an account that merely claims the same
      // email (a provider may let users set it) must not take them over. Kept as evidence; the
      // refusal itself rolls nothing back because nothing else changed.
      await record(tx, {
        actor: system,
        action: "auth.sign_in_refused",
        subject: { type: "person", id: existing.id },
        after: { reason: "email belongs to a person bound to another account", email, issuer, subject },
      });
      return { refused: new OidcSignInRefused("AccessDenied", `${email} signs in to Steward with another account.`) };
    }
    await tx.update(users).set({ oidcIssuer: issuer, oidcSubject: subject }).where(eq(users.id, existing.id));
    await record(tx, {
      actor: system,
      action: "person.oidc_bound",
      subject: { type: "person", id: existing.id },
      after: { email, ...binding },
    });
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
    return { person: { id: existing.id, name: existing.name, email: existing.email } };
  }

  const roles: Role[] = makeAdmin ? ["member", "admin"] : ["member"];
  const name = (typeof claims.name === "string" && claims.name.trim()) || email.split("@")[0]!;
  const [created] = await tx
    .insert(users)
    .values({ email, name, roles, oidcIssuer: issuer, oidcSubject: subject })
    .returning();
  await record(tx, {
    actor: system,
    action: "person.provisioned",
    subject: { type: "person", id: created!.id },
    after: { email, name, roles },
  });
  await record(tx, {
    actor: system,
    action: "person.oidc_bound",
    subject: { type: "person", id: created!.id },
    after: { email, ...binding },
  });
  return { person: { id: created!.id, name, email } };
}

const departed = (name: string) =>
  new OidcSignInRefused("AccessDenied", `${name} has left the company and cannot sign in.`);

/**
 * Two first sign-ins racing (the same account twice, or two accounts with one new email) meet the
 * unique indexes; run once more, and the loser sees the winner's row and gets its answer.
 */
async function retryOnUniqueViolation<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) {
      if ((cur as { code?: string }).code === "23505") return fn();
    }
    throw e;
  }
}

/** The person an OpenID Connect account is bound to (after provisionOidcPerson let it in). */
export async function findPersonByOidcSubject(
  db: Database,
  issuer: string,
  subject: string,
): Promise<SignInPerson | null> {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, status: users.status })
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)))
    .limit(1);
  if (!row || row.status !== "active") return null;
  return { id: row.id, name: row.name, email: row.email };
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
    record(tx, {
      actor: { type: "person", id: person.id, label: person.email },
      action: "auth.signed_in",
      subject: { type: "person", id: person.id },
      after: { provider },
    }),
  );
}

export async function recordSignOut(db: Database, personId: string, email: string): Promise<void> {
  await db.transaction((tx) =>
    record(tx, {
      actor: { type: "person", id: personId, label: email },
      action: "auth.signed_out",
      subject: { type: "person", id: personId },
    }),
  );
}
