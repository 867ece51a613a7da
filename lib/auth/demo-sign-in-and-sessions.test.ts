import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { actorOf, testDatabase } from "@/lib/testing";
import { isDemoMode } from "@/lib/config";
import { authorizeDemoSignIn, recordSignIn, resolveActor } from "./people";

// Demo mode and persona sign-in, and sessions: who a session resolves to, and that sign-in is audited.

const env = { ...process.env };
const conn = testDatabase({ identities: 60 });
afterEach(() => {
  process.env = { ...env };
});

describe("demo mode", () => {
  it("is on with the embedded database and no OpenID Connect provider; off on PostgreSQL or with a provider, unless STEWARD_DEMO=1", () => {
    for (const key of [
      "DATABASE_URL",
      "STEWARD_DEMO",
      "AUTH_OIDC_ISSUER",
      "AUTH_OIDC_CLIENT_ID",
      "AUTH_OIDC_CLIENT_SECRET",
    ])
      delete process.env[key];
    expect(isDemoMode()).toBe(true);
    process.env.STEWARD_DEMO = "0";
    expect(isDemoMode()).toBe(false);

    delete process.env.STEWARD_DEMO;
    Object.assign(process.env, {
      AUTH_OIDC_ISSUER: "https://idp.example",
      AUTH_OIDC_CLIENT_ID: "steward",
      AUTH_OIDC_CLIENT_SECRET: "s",
    });
    expect(isDemoMode()).toBe(false);
    process.env.STEWARD_DEMO = "true"; // only the explicit "1" turns it on
    expect(isDemoMode()).toBe(false);
    process.env.STEWARD_DEMO = "1";
    expect(isDemoMode()).toBe(true);

    for (const key of ["STEWARD_DEMO", "AUTH_OIDC_ISSUER", "AUTH_OIDC_CLIENT_ID", "AUTH_OIDC_CLIENT_SECRET"])
      delete process.env[key];
    process.env.DATABASE_URL = "postgres://db.example/steward";
    expect(isDemoMode()).toBe(false);
    process.env.STEWARD_DEMO = "true";
    expect(isDemoMode()).toBe(false);
    process.env.STEWARD_DEMO = "1";
    expect(isDemoMode()).toBe(true);
  });

  it("persona sign-in is refused on the server when demo mode is off", async () => {
    process.env.DATABASE_URL = "postgres://db.example/steward";
    delete process.env.STEWARD_DEMO;
    await expect(authorizeDemoSignIn(conn.db, "olivia.owner@example.com")).rejects.toMatchObject({
      code: "forbidden",
      message: "Demo sign-in is turned off on this installation.",
    });
  });

  it("persona sign-in works in demo mode only for active personas", async () => {
    process.env.STEWARD_DEMO = "1";
    process.env.DATABASE_URL = "postgres://db.example/steward";
    await expect(authorizeDemoSignIn(conn.db, "olivia.owner@example.com")).resolves.toMatchObject({
      email: "olivia.owner@example.com",
      name: "Olivia Owner",
    });
    await expect(authorizeDemoSignIn(conn.db, "dan.departed@example.com")).rejects.toMatchObject({ code: "forbidden" });
    // Not a persona: a real person's email cannot be used for one-click sign-in.
    const [someone] = await conn.db.select().from(users).where(eq(users.status, "active")).limit(50);
    expect(someone).toBeDefined();
    await expect(authorizeDemoSignIn(conn.db, "nobody@example.com")).rejects.toMatchObject({ code: "forbidden" });
    await expect(authorizeDemoSignIn(conn.db, { $ne: null })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("sessions", () => {
  it("resolve to no actor for a departed, unknown or malformed person id", async () => {
    const [dan] = await conn.db.select().from(users).where(eq(users.email, "dan.departed@example.com"));
    expect(await resolveActor(conn.db, dan!.id)).toBeNull();
    expect(await resolveActor(conn.db, "00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(await resolveActor(conn.db, "not-a-uuid")).toBeNull();
    expect(await resolveActor(conn.db, (await actorOf(conn.db, "sam")).personId)).toMatchObject({
      roles: ["security"],
    });
  });

  it("sign-in is audited with the person as the actor", async () => {
    const sam = await actorOf(conn.db, "sam");
    await recordSignIn(conn.db, { id: sam.personId, name: sam.name, email: sam.email }, "oidc");
    const [event] = await conn.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.signed_in"));
    expect(event).toMatchObject({
      actorType: "person",
      actorId: sam.personId,
      actorLabel: sam.email,
      after: { provider: "oidc" },
    });
  });
});
