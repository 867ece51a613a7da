import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { discoverSystem } from "@/lib/systems/systems";
import { auditCount, pgServerTests, refusal, TARGET_PG_URL } from "@/lib/testing";
import { bulkRevoke } from "./bulk";
import { requestRevocation } from "./request";
import { JOB, revocationsEstate } from "./revocations-test-estate";
import { runRevocations } from "./run";

// Revocation through the PostgreSQL connector, on a real server: carried out and confirmed by the
// target (the role truly cannot log in afterwards), in batches, and discovery of the target's roles.

// The real-role tests fail when no server answers, unless STEWARD_SKIP_PG=1 skips them out loud.
const targetUp = await pgServerTests(
  "revocation-postgres-connector.test (real roles through the PostgreSQL connector)",
  TARGET_PG_URL,
);

const { conn, actors, systems, target, roles, identityIn, loginRole, canConnect, revocation, statusOf } =
  revocationsEstate();

describe("revocation through the PostgreSQL connector", () => {
  it.runIf(targetUp)(
    "revokes an identity: the role cannot log in, its memberships are gone, and Steward says so only after reading it back",
    async () => {
      const g = `steward_t_${randomBytes(3).toString("hex")}_readers`;
      const { role, password } = await loginRole([g]);
      expect(await canConnect(role, password)).toBe(true);
      const identity = await identityIn(systems.postgres, role, [g]);

      const first = await requestRevocation(conn.db, actors.olivia, {
        identityId: identity.id,
        reason: "The nightly report moved to the warehouse",
      });
      // Asking again while it is in flight joins the first: one revocation, not two.
      const second = await requestRevocation(conn.db, actors.sam, {
        identityId: identity.id,
        reason: "Security asks for the same",
      });
      expect(second).toEqual({ id: first.id, created: false, status: "requested" });
      expect(await statusOf("identities", identity.id)).toBe("active"); // nothing is revoked until the system confirms

      const run = await runRevocations(conn.db, JOB, new Date(), { ids: [first.id] });
      expect(run).toMatchObject({ claimed: 1, verified: 1, failed: 0 });
      expect(await canConnect(role, password)).toMatch(/not permitted to log in/);
      expect(
        await target`SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ${role}`,
      ).toHaveLength(0);
      const r = await revocation(first.id);
      expect(r.status).toBe("verified");
      expect(r.connector_result).toMatchObject({
        revoke: { nologin: true, removedMemberships: [g] },
        verify: { canLogin: false, memberships: [] },
      });
      expect(await statusOf("identities", identity.id)).toBe("revoked");
      expect(await statusOf("entitlements", identity.entitlements[g]!)).toBe("revoked");
      const trail = (
        await queryRows<{ action: string }>(
          conn.db,
          sql`SELECT action FROM audit_events WHERE subject_type = 'identity' AND subject_id = ${identity.id} ORDER BY seq`,
        )
      ).map((e) => e.action);
      expect(trail).toEqual([
        "revocation.requested",
        "revocation.claimed",
        "revocation.executed",
        "identity.revoked",
        "revocation.verified",
      ]);

      // Run again: nothing is due, nothing changes.
      const before = await auditCount(conn.db);
      expect((await runRevocations(conn.db, JOB, new Date(), { ids: [first.id] })).claimed).toBe(0);
      expect(await auditCount(conn.db)).toBe(before);
      // And a revoked identity cannot be revoked again.
      expect(
        (
          await refusal(
            requestRevocation(conn.db, actors.sam, { identityId: identity.id, reason: "Once more, to be sure" }),
          )
        ).code,
      ).toBe("conflict");
    },
  );

  it.runIf(targetUp)("revokes one entitlement: that membership only; the role still logs in", async () => {
    const keep = `steward_t_${randomBytes(3).toString("hex")}_keep`;
    const drop = `steward_t_${randomBytes(3).toString("hex")}_drop`;
    const { role, password } = await loginRole([keep, drop]);
    const identity = await identityIn(systems.postgres, role, [keep, drop]);
    const asked = await requestRevocation(conn.db, actors.maya, {
      identityId: identity.id,
      entitlementId: identity.entitlements[drop],
      reason: "It no longer writes to that schema",
    });
    expect(await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] })).toMatchObject({ verified: 1 });
    expect(await canConnect(role, password)).toBe(true);
    const held = (
      await target`SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ${role}`
    ).map((r) => r.rolname);
    expect(held).toEqual([keep]);
    expect(await statusOf("entitlements", identity.entitlements[drop]!)).toBe("revoked");
    expect(await statusOf("entitlements", identity.entitlements[keep]!)).toBe("active");
    expect(await statusOf("identities", identity.id)).toBe("active");
  });
});

describe("discovery through the PostgreSQL connector", () => {
  it.runIf(targetUp)(
    "login roles become identities of the system, memberships entitlements; run again, only what is new is added",
    async () => {
      const g = `steward_t_${randomBytes(3).toString("hex")}_admin`;
      const { role } = await loginRole([g]);
      const first = await discoverSystem(conn.db, actors.sam, systems.postgres);
      expect(first.found).toBeGreaterThan(0);
      const [found] = await queryRows<{ id: string; owner_id: string | null; origin: string }>(
        conn.db,
        sql`SELECT id, owner_id, origin FROM identities WHERE system_id = ${systems.postgres}::uuid AND external_id = ${role}`,
      );
      expect(found).toMatchObject({ owner_id: null, origin: "discovered" });
      const grants = await queryRows<{ resource: string; permission: string; privileged: boolean }>(
        conn.db,
        sql`SELECT resource, permission, privileged FROM entitlements WHERE identity_id = ${found!.id}::uuid`,
      );
      expect(grants).toEqual([{ resource: g, permission: "member", privileged: true }]); // "*admin*" is privileged
      const again = await discoverSystem(conn.db, actors.sam, systems.postgres);
      expect(again).toMatchObject({ newIdentities: 0, newEntitlements: 0 });
      const extra = `steward_t_${randomBytes(3).toString("hex")}_readers`;
      await target.unsafe(`CREATE ROLE "${extra}" NOLOGIN`);
      roles.push(extra);
      await target.unsafe(`GRANT "${extra}" TO "${role}"`);
      expect(await discoverSystem(conn.db, actors.sam, systems.postgres)).toMatchObject({
        newIdentities: 0,
        newEntitlements: 1,
      });
      for (const who of ["olivia", "maya", "ari"] as const)
        expect((await refusal(discoverSystem(conn.db, actors[who], systems.postgres))).code).toBe("forbidden");
      expect((await refusal(discoverSystem(conn.db, actors.sam, systems.manual))).message).toMatch(
        /cannot list accounts/,
      );
    },
  );
});

describe("revocation in batches", () => {
  it.runIf(targetUp)(
    "many revocations on one PostgreSQL system go through in one session, each verified, with the same records as one by one",
    async () => {
      const g = `steward_t_${randomBytes(3).toString("hex")}_batch`;
      const made = [await loginRole([g]), await loginRole([]), await loginRole([])];
      const identities = await Promise.all(
        made.map((m, i) => identityIn(systems.postgres, m.role, i === 0 ? [g] : [])),
      );
      const gone = await identityIn(systems.postgres, `steward_t_${randomBytes(3).toString("hex")}_never_existed`);
      const asked = await bulkRevoke(conn.db, actors.sam, {
        ids: [...identities.map((i) => i.id), gone.id],
        reason: "The batch job account family is retired",
      });
      const before = await auditCount(conn.db);
      expect(await runRevocations(conn.db, JOB, new Date(), { ids: asked.requested })).toMatchObject({
        claimed: 4,
        verified: 4,
        failed: 0,
      });
      for (const m of made) expect(await canConnect(m.role, m.password)).toMatch(/not permitted to log in/);
      expect(
        await target`SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ${made[0]!.role}`,
      ).toHaveLength(0);
      for (const i of [...identities, gone]) expect(await statusOf("identities", i.id)).toBe("revoked");
      expect(await statusOf("entitlements", identities[0]!.entitlements[g]!)).toBe("revoked");
      // claimed, executed, identity.revoked, verified: four events a revocation, as one by one.
      expect(await auditCount(conn.db)).toBe(before + 4 * 4);
      expect(await auditCount(conn.db, "revocation.claimed")).toBeGreaterThanOrEqual(4);
      const [first] = await queryRows<{ connector_result: unknown }>(
        conn.db,
        sql`SELECT connector_result FROM revocations WHERE identity_id = ${identities[0]!.id}::uuid`,
      );
      expect(first!.connector_result).toMatchObject({
        batch: true,
        verify: { canLogin: false, memberships: [], removed: [g], readAt: "pg_roles, pg_auth_members" },
      });
    },
  );
});
