import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { actorOf, ALL_PERSONAS, auditCount, refusal, testDatabase } from "@/lib/testing";
import { resolveActor } from "@/lib/auth/people";
import { activePersonIdByEmail, listPeople, setPersonRoles, setPersonStatus } from "./people";

const conn = testDatabase({ identities: 60 });

const rolesOf = async (email: string) => (await conn.db.select().from(users).where(eq(users.email, email)))[0]!.roles;

describe("people and roles", () => {
  it("every role but admin is refused changing roles, listing people or marking someone departed, and nothing changes", async () => {
    const omar = await actorOf(conn.db, "omar");
    const before = await auditCount(conn.db);
    for (const key of ALL_PERSONAS.filter((k) => k !== "ada")) {
      const actor = await actorOf(conn.db, key);
      expect(
        (await refusal(setPersonRoles(conn.db, actor, { personId: omar.personId, roles: ["member", "security"] })))
          .code,
      ).toBe("forbidden");
      expect(
        (await refusal(setPersonStatus(conn.db, actor, { personId: omar.personId, status: "departed" }))).code,
      ).toBe("forbidden");
      expect((await refusal(listPeople(conn.db, actor, { q: "" }))).code).toBe("forbidden");
      // Even when they try it on themselves.
      expect((await refusal(setPersonRoles(conn.db, actor, { personId: actor.personId, roles: ["admin"] }))).code).toBe(
        "forbidden",
      );
    }
    expect(await rolesOf("omar.owner@example.com")).toEqual(["member"]);
    expect(await auditCount(conn.db)).toBe(before);
  });

  it("an admin changes someone's roles: stored, audited with before and after, in effect at their next request", async () => {
    const ada = await actorOf(conn.db, "ada");
    const omar = await actorOf(conn.db, "omar");
    await setPersonRoles(conn.db, ada, { personId: omar.personId, roles: ["member", "manager"] });
    expect(await rolesOf("omar.owner@example.com")).toEqual(["member", "manager"]);
    const [event] = await conn.db.select().from(auditEvents).where(eq(auditEvents.action, "person.roles_changed"));
    expect(event).toMatchObject({
      actorId: ada.personId,
      subjectId: omar.personId,
      before: { roles: ["member"] },
      after: { roles: ["member", "manager"] },
    });
    // The new role takes effect on the person's next request.
    expect((await resolveActor(conn.db, omar.personId))!.roles).toEqual(["member", "manager"]);
  });

  it("an admin cannot make an owner auditor-only while they answer for live identities: auditors own nothing", async () => {
    const ada = await actorOf(conn.db, "ada");
    const olivia = await actorOf(conn.db, "olivia");
    const before = await auditCount(conn.db);
    const refused = await refusal(setPersonRoles(conn.db, ada, { personId: olivia.personId, roles: ["auditor"] }));
    expect(refused.message).toMatch(/owns or backs up \d+ live identit.*hand/);
    expect(await rolesOf("olivia.owner@example.com")).toEqual(["member"]);
    expect(await auditCount(conn.db)).toBe(before);
    // Auditor alongside another role is fine: she still changes what a member may.
    await setPersonRoles(conn.db, ada, { personId: olivia.personId, roles: ["member", "auditor"] });
    await setPersonRoles(conn.db, ada, { personId: olivia.personId, roles: ["member"] });
  });

  it("an email with a NUL in it names nobody (the form says unknown), never a database error", async () => {
    expect(await activePersonIdByEmail(conn.db, "olivia.owner@example.com")).not.toBeNull();
    expect(await activePersonIdByEmail(conn.db, "olivia.owner@example.com\u0000")).toBeNull();
  });

  it("an admin cannot grant themselves security, nor drop their own admin role", async () => {
    const ada = await actorOf(conn.db, "ada");
    const before = await auditCount(conn.db);
    expect(
      (await refusal(setPersonRoles(conn.db, ada, { personId: ada.personId, roles: ["admin", "security"] }))).message,
    ).toMatch(/Separation of duties/);
    expect(
      (await refusal(setPersonRoles(conn.db, ada, { personId: ada.personId, roles: ["member"] }))).message,
    ).toMatch(/your own admin role/);
    expect(await rolesOf("ada.admin@example.com")).toEqual(["admin"]);
    expect(await auditCount(conn.db)).toBe(before);
  });

  it("bad input gets a clear message and changes nothing", async () => {
    const ada = await actorOf(conn.db, "ada");
    const omar = await actorOf(conn.db, "omar");
    expect(
      (await refusal(setPersonRoles(conn.db, ada, { personId: omar.personId, roles: ["overlord"] }))).message,
    ).toBe("Unknown role.");
    expect((await refusal(setPersonRoles(conn.db, ada, { personId: omar.personId, roles: [] }))).message).toBe(
      "A person needs at least one role.",
    );
    expect(
      (await refusal(setPersonRoles(conn.db, ada, { personId: "'; DROP TABLE users; --", roles: ["member"] }))).message,
    ).toBe("Unknown person.");
    expect(
      (
        await refusal(
          setPersonRoles(conn.db, ada, { personId: "00000000-0000-0000-0000-000000000000", roles: ["member"] }),
        )
      ).code,
    ).toBe("not_found");
    expect((await refusal(setPersonStatus(conn.db, ada, { personId: omar.personId, status: "retired" }))).message).toBe(
      "Unknown status.",
    );
  });

  it("an admin marks a person departed: audited, and that person can no longer act", async () => {
    const ada = await actorOf(conn.db, "ada");
    const maya = await actorOf(conn.db, "maya");
    await setPersonStatus(conn.db, ada, { personId: maya.personId, status: "departed" });
    expect(await resolveActor(conn.db, maya.personId)).toBeNull();
    expect(await auditCount(conn.db, "person.departed")).toBe(1);
    await setPersonStatus(conn.db, ada, { personId: maya.personId, status: "active" });
    expect(await resolveActor(conn.db, maya.personId)).not.toBeNull();
    expect((await refusal(setPersonStatus(conn.db, ada, { personId: ada.personId, status: "departed" }))).code).toBe(
      "forbidden",
    );
  });

  it("lists people by name with keyset pages that neither skip nor repeat", async () => {
    const ada = await actorOf(conn.db, "ada");
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listPeople(conn.db, ada, { q: "", after }, 7);
      seen.push(...page.people.map((p) => p.id));
      after = page.next ?? undefined;
    } while (after);
    const all = await conn.db.select({ id: users.id }).from(users);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(all.length);
    const found = await listPeople(conn.db, ada, { q: "olivia" });
    expect(found.people.map((p) => p.email)).toEqual(["olivia.owner@example.com"]);
    expect(found.people[0]).toMatchObject({ team: "Payments", manager: "Maya Manager" });
  });
});
