import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { auditCount, refusal, testDatabase } from "@/lib/testing";
import { findPersonByOidcSubject, provisionOidcPerson, resolveActor, type OidcClaims } from "./people";

// OpenID Connect sign-in: binding an account to a person, refusals, provisioning, admins by email.

const env = { ...process.env };
const conn = testDatabase({ identities: 60 });
afterEach(() => {
  process.env = { ...env };
});

const IDP = "https://idp.example";

/** A validated ID token's claims: verified email unless the test says otherwise. */
function token(subject: string, email: string, extra: Partial<OidcClaims> = {}): OidcClaims {
  return { issuer: IDP, subject, email, emailVerified: true, ...extra };
}

async function personRow(email: string) {
  const [row] = await conn.db.select().from(users).where(eq(users.email, email));
  return row;
}

async function eventsFor(action: string, subjectId: string) {
  return conn.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.subjectId, subjectId)));
}

describe("OpenID Connect sign-in", () => {
  it("binds an existing person to the account on the first sign-in by verified email, case-insensitively, audited", async () => {
    const before = await auditCount(conn.db);
    const person = await provisionOidcPerson(conn.db, token("sub-olivia", "Olivia.Owner@Example.com", { name: "O" }));
    expect(person.email).toBe("olivia.owner@example.com");
    expect(await personRow("olivia.owner@example.com")).toMatchObject({
      id: person.id,
      oidcIssuer: IDP,
      oidcSubject: "sub-olivia",
      name: "Olivia Owner",
    });
    const [bound] = await eventsFor("person.oidc_bound", person.id);
    expect(bound).toMatchObject({
      actorType: "system",
      actorLabel: `OIDC ${IDP}`,
      after: { email: "olivia.owner@example.com", issuer: IDP, subject: "sub-olivia" },
    });
    expect(await auditCount(conn.db)).toBe(before + 1);
    // The jwt callback finds the person by the account, not by email.
    expect(await findPersonByOidcSubject(conn.db, IDP, "sub-olivia")).toEqual(person);
    expect(await findPersonByOidcSubject(conn.db, "https://other-idp.example", "sub-olivia")).toBeNull();
  });

  it("signs the bound account in again without changing anything", async () => {
    const before = await auditCount(conn.db);
    const person = await provisionOidcPerson(conn.db, token("sub-olivia", "olivia.owner@example.com"));
    expect(person.email).toBe("olivia.owner@example.com");
    expect(await auditCount(conn.db)).toBe(before);
  });

  it("a bound account signs in as its person even when its email now says someone else", async () => {
    const olivia = await personRow("olivia.owner@example.com");
    const before = await auditCount(conn.db);
    const person = await provisionOidcPerson(
      conn.db,
      token("sub-olivia", "omar.owner@example.com", { name: "Omar Owner" }),
    );
    expect(person).toEqual({ id: olivia!.id, name: "Olivia Owner", email: "olivia.owner@example.com" });
    expect(await personRow("omar.owner@example.com")).toMatchObject({ oidcSubject: null });
    expect(await auditCount(conn.db)).toBe(before);
  });

  it("refuses a new account whose email belongs to a person bound to another account, and audits the attempt", async () => {
    const olivia = await personRow("olivia.owner@example.com");
    const before = await auditCount(conn.db);
    const refused = await refusal(provisionOidcPerson(conn.db, token("sub-attacker", "olivia.owner@example.com")));
    expect(refused).toMatchObject({ code: "forbidden", reason: "AccessDenied" });
    expect(await personRow("olivia.owner@example.com")).toMatchObject({ id: olivia!.id, oidcSubject: "sub-olivia" });
    expect(await findPersonByOidcSubject(conn.db, IDP, "sub-attacker")).toBeNull();
    const [event] = await eventsFor("auth.sign_in_refused", olivia!.id);
    expect(event).toMatchObject({
      actorType: "system",
      after: { email: "olivia.owner@example.com", issuer: IDP, subject: "sub-attacker" },
    });
    expect(await auditCount(conn.db)).toBe(before + 1);
    // The same subject at another issuer is another account, refused alike.
    await expect(
      provisionOidcPerson(
        conn.db,
        token("sub-olivia", "olivia.owner@example.com", { issuer: "https://other-idp.example" }),
      ),
    ).rejects.toMatchObject({ reason: "AccessDenied" });
  });

  it("refuses an email the provider has not verified (false, absent or not a boolean), changing nothing", async () => {
    const before = await auditCount(conn.db);
    for (const emailVerified of [false, undefined, "true", 1, null]) {
      const refused = await refusal(
        provisionOidcPerson(conn.db, token("sub-omar", "omar.owner@example.com", { emailVerified })),
      );
      expect(refused).toMatchObject({ code: "forbidden", reason: "EmailNotVerified" });
      await expect(
        provisionOidcPerson(conn.db, token("sub-stranger", "stranger@example.com", { emailVerified })),
      ).rejects.toMatchObject({ reason: "EmailNotVerified" });
    }
    expect(await personRow("omar.owner@example.com")).toMatchObject({ oidcSubject: null });
    expect(await personRow("stranger@example.com")).toBeUndefined();
    expect(await auditCount(conn.db)).toBe(before);
    await expect(provisionOidcPerson(conn.db, token("sub-x", ""))).rejects.toMatchObject({ reason: "NoEmail" });
    await expect(provisionOidcPerson(conn.db, token("", "x@example.com"))).rejects.toMatchObject({
      reason: "AccessDenied",
    });
  });

  it("AUTH_OIDC_TRUST_UNVERIFIED_EMAIL=1 trusts a provider that never sends email_verified, never one that says false", async () => {
    process.env.AUTH_OIDC_TRUST_UNVERIFIED_EMAIL = "1";
    await expect(
      provisionOidcPerson(conn.db, token("sub-omar", "omar.owner@example.com", { emailVerified: false })),
    ).rejects.toMatchObject({ reason: "EmailNotVerified" });
    await expect(
      provisionOidcPerson(conn.db, token("sub-omar", "omar.owner@example.com", { emailVerified: "false" })),
    ).rejects.toMatchObject({ reason: "EmailNotVerified" });
    const omar = await provisionOidcPerson(
      conn.db,
      token("sub-omar", "omar.owner@example.com", { emailVerified: undefined }),
    );
    expect(await personRow("omar.owner@example.com")).toMatchObject({ id: omar.id, oidcSubject: "sub-omar" });
    // The trust setting signs people in; it never makes an admin of STEWARD_ADMIN_EMAILS.
    const saved = process.env.STEWARD_ADMIN_EMAILS;
    process.env.STEWARD_ADMIN_EMAILS = "trusted.admin@example.com";
    try {
      await provisionOidcPerson(
        conn.db,
        token("sub-trusted-admin", "trusted.admin@example.com", { emailVerified: undefined }),
      );
      expect(await personRow("trusted.admin@example.com")).toMatchObject({ roles: ["member"] });
    } finally {
      process.env.STEWARD_ADMIN_EMAILS = saved;
    }
    process.env.AUTH_OIDC_TRUST_UNVERIFIED_EMAIL = "true"; // only the explicit "1"
    await expect(
      provisionOidcPerson(conn.db, token("sub-omar", "omar.owner@example.com", { emailVerified: undefined })),
    ).rejects.toMatchObject({ reason: "EmailNotVerified" });
  });

  it("creates an unknown person as a member bound to the account, audited in one go", async () => {
    const person = await provisionOidcPerson(
      conn.db,
      token("sub-nina", "nina.newcomer@example.com", { name: "Nina Newcomer" }),
    );
    expect(await personRow("nina.newcomer@example.com")).toMatchObject({
      id: person.id,
      roles: ["member"],
      status: "active",
      name: "Nina Newcomer",
      oidcIssuer: IDP,
      oidcSubject: "sub-nina",
    });
    const [provisioned] = await eventsFor("person.provisioned", person.id);
    expect(provisioned).toMatchObject({
      actorType: "system",
      subjectId: person.id,
      after: { email: "nina.newcomer@example.com", roles: ["member"] },
    });
    const [bound] = await eventsFor("person.oidc_bound", person.id);
    expect(bound).toMatchObject({ after: { issuer: IDP, subject: "sub-nina" } });
  });

  it("makes the emails of STEWARD_ADMIN_EMAILS admins only at a binding by verified email", async () => {
    process.env.STEWARD_ADMIN_EMAILS = "root.admin@example.com, maya.manager@example.com, ada.admin@example.com";
    // Unverified: refused, nobody created, nobody made admin.
    await expect(
      provisionOidcPerson(conn.db, token("sub-root", "root.admin@example.com", { emailVerified: false })),
    ).rejects.toMatchObject({ reason: "EmailNotVerified" });
    expect(await personRow("root.admin@example.com")).toBeUndefined();
    // A bound account whose email now says an admin email is still its own person, not an admin.
    const olivia = await provisionOidcPerson(conn.db, token("sub-olivia", "root.admin@example.com"));
    expect((await resolveActor(conn.db, olivia.id))!.roles).toEqual(["member"]);
    expect(await personRow("root.admin@example.com")).toBeUndefined();

    const before = await auditCount(conn.db, "person.roles_changed");
    const root = await provisionOidcPerson(conn.db, token("sub-root", "root.admin@example.com"));
    expect((await resolveActor(conn.db, root.id))!.roles).toEqual(["member", "admin"]);
    const maya = await provisionOidcPerson(conn.db, token("sub-maya", "maya.manager@example.com"));
    expect((await resolveActor(conn.db, maya.id))!.roles).toEqual(["manager", "admin"]);
    const [changed] = await eventsFor("person.roles_changed", maya.id);
    expect(changed).toMatchObject({
      actorLabel: "STEWARD_ADMIN_EMAILS",
      before: { roles: ["manager"] },
      after: { roles: ["manager", "admin"] },
    });
    await provisionOidcPerson(conn.db, token("sub-ada", "ada.admin@example.com")); // already an admin: no change
    expect(await auditCount(conn.db, "person.roles_changed")).toBe(before + 1);
  });

  it("refuses a person who has left, bound or not", async () => {
    await expect(provisionOidcPerson(conn.db, token("sub-dan", "dan.departed@example.com"))).rejects.toMatchObject({
      code: "forbidden",
      reason: "AccessDenied",
    });
    expect(await personRow("dan.departed@example.com")).toMatchObject({ oidcSubject: null });
    const sam = await provisionOidcPerson(conn.db, token("sub-sam", "sam.security@example.com"));
    await conn.db.update(users).set({ status: "departed" }).where(eq(users.id, sam.id));
    await expect(provisionOidcPerson(conn.db, token("sub-sam", "sam.security@example.com"))).rejects.toMatchObject({
      reason: "AccessDenied",
    });
    expect(await findPersonByOidcSubject(conn.db, IDP, "sub-sam")).toBeNull();
    await conn.db.update(users).set({ status: "active" }).where(eq(users.id, sam.id));
  });

  // Meaningful on PostgreSQL (DATABASE_URL): the embedded database runs one transaction at a time.
  it("two first sign-ins of one account at once end as one bound person", async () => {
    const [a, b] = await Promise.all([
      provisionOidcPerson(conn.db, token("sub-twice", "twice@example.com")),
      provisionOidcPerson(conn.db, token("sub-twice", "twice@example.com")),
    ]);
    expect(a.id).toBe(b.id);
    expect(await eventsFor("person.oidc_bound", a.id)).toHaveLength(1);
  });
});
