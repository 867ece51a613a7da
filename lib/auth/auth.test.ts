import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "@/db";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase } from "@/db/test-database";
import { isDemoMode } from "@/lib/config";
import { actorOf, auditCount, seedSmall } from "@/lib/test-fixtures";
import { authorizeDemoSignIn, provisionOidcPerson, recordSignIn, resolveActor } from "./people";

let conn: Connection;
const env = { ...process.env };
beforeAll(async () => {
  conn = await createTestDatabase();
  await seedSmall(conn);
});
afterAll(() => conn.close());
afterEach(() => {
  process.env = { ...env };
});

describe("demo mode", () => {
  it("is on with the embedded database and off on PostgreSQL unless STEWARD_DEMO=1 says so", () => {
    delete process.env.DATABASE_URL;
    delete process.env.STEWARD_DEMO;
    expect(isDemoMode()).toBe(true);
    process.env.STEWARD_DEMO = "0";
    expect(isDemoMode()).toBe(false);
    process.env.DATABASE_URL = "postgres://db.example/steward";
    delete process.env.STEWARD_DEMO;
    expect(isDemoMode()).toBe(false);
    process.env.STEWARD_DEMO = "true"; // only the explicit "1" turns it on
    expect(isDemoMode()).toBe(false);
    process.env.STEWARD_DEMO = "1";
    expect(isDemoMode()).toBe(true);
  });

  it("persona sign-in is refused on the server when demo mode is off", async () => {
    process.env.DATABASE_URL = "postgres://db.example/steward";
    delete process.env.STEWARD_DEMO;
    await expect(authorizeDemoSignIn(conn.db, "olivia.owner@example.com")).rejects.toMatchObject({ code: "forbidden", message: "Demo sign-in is turned off on this installation." });
  });

  it("persona sign-in works in demo mode only for active personas", async () => {
    process.env.STEWARD_DEMO = "1";
    process.env.DATABASE_URL = "postgres://db.example/steward";
    await expect(authorizeDemoSignIn(conn.db, "olivia.owner@example.com")).resolves.toMatchObject({ email: "olivia.owner@example.com", name: "Olivia Owner" });
    await expect(authorizeDemoSignIn(conn.db, "dan.departed@example.com")).rejects.toMatchObject({ code: "forbidden" });
    // Not a persona: a real person's email cannot be used for one-click sign-in.
    const [someone] = await conn.db.select().from(users).where(eq(users.status, "active")).limit(50);
    expect(someone).toBeDefined();
    await expect(authorizeDemoSignIn(conn.db, "nobody@example.com")).rejects.toMatchObject({ code: "forbidden" });
    await expect(authorizeDemoSignIn(conn.db, { $ne: null })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("OpenID Connect sign-in", () => {
  it("finds an existing person by email, case-insensitively, without changing anything", async () => {
    const before = await auditCount(conn.db);
    const person = await provisionOidcPerson(conn.db, { email: "Olivia.Owner@Example.com", name: "O", issuer: "https://idp" });
    expect(person.email).toBe("olivia.owner@example.com");
    expect(await auditCount(conn.db)).toBe(before);
  });

  it("creates an unknown person as a member, audited", async () => {
    const person = await provisionOidcPerson(conn.db, { email: "nina.newcomer@example.com", name: "Nina Newcomer", issuer: "https://idp" });
    const [row] = await conn.db.select().from(users).where(eq(users.id, person.id));
    expect(row).toMatchObject({ roles: ["member"], status: "active", name: "Nina Newcomer" });
    const [event] = await conn.db.select().from(auditEvents).where(eq(auditEvents.action, "person.provisioned"));
    expect(event).toMatchObject({ actorType: "system", subjectId: person.id, after: { email: "nina.newcomer@example.com", roles: ["member"] } });
  });

  it("makes the emails of STEWARD_ADMIN_EMAILS admins, new or existing", async () => {
    process.env.STEWARD_ADMIN_EMAILS = "root.admin@example.com, omar.owner@example.com";
    const root = await provisionOidcPerson(conn.db, { email: "root.admin@example.com", issuer: "https://idp" });
    expect((await resolveActor(conn.db, root.id))!.roles).toEqual(["member", "admin"]);
    const omar = await provisionOidcPerson(conn.db, { email: "omar.owner@example.com", issuer: "https://idp" });
    expect((await resolveActor(conn.db, omar.id))!.roles).toEqual(["member", "admin"]);
    expect(await auditCount(conn.db, "person.roles_changed")).toBe(1);
  });

  it("refuses a person who has left", async () => {
    await expect(provisionOidcPerson(conn.db, { email: "dan.departed@example.com", issuer: "https://idp" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("sessions", () => {
  it("resolve to no actor for a departed, unknown or malformed person id", async () => {
    const [dan] = await conn.db.select().from(users).where(eq(users.email, "dan.departed@example.com"));
    expect(await resolveActor(conn.db, dan!.id)).toBeNull();
    expect(await resolveActor(conn.db, "00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(await resolveActor(conn.db, "not-a-uuid")).toBeNull();
    expect(await resolveActor(conn.db, (await actorOf(conn.db, "sam")).personId)).toMatchObject({ roles: ["security"] });
  });

  it("sign-in is audited with the person as the actor", async () => {
    const sam = await actorOf(conn.db, "sam");
    await recordSignIn(conn.db, { id: sam.personId, name: sam.name, email: sam.email }, "oidc");
    const [event] = await conn.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.signed_in"));
    expect(event).toMatchObject({ actorType: "person", actorId: sam.personId, actorLabel: sam.email, after: { provider: "oidc" } });
  });
});
