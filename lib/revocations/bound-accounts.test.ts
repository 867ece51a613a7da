import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, connectAs, pgServerTests, TARGET_PG_URL, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { previewRequest, submitRequest } from "@/lib/requests/submit";
import { discoverSystem } from "@/lib/systems/systems";
import { requestRevocation } from "./request";
import { runRevocations } from "./run";

// Steward acts in a target system only on an account bound to the identity (by discovery, an
// import or a confirmed provisioning). A member who requests an identity named like a real role
// and then revokes it must not be able to disable that role: on a real PostgreSQL server.

const JOB = { type: "job" as const, id: null, label: "test revocation runner" };
const targetUp = await pgServerTests(
  "bound-accounts.test (real roles through the PostgreSQL connector)",
  TARGET_PG_URL,
);

let olivia: Actor, ada: Actor, sam: Actor;
let systemId: string;
const target = postgres(TARGET_PG_URL, { max: 2, connect_timeout: 3, onnotice: () => {} });
const roles: string[] = [];
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

const conn = testDatabase({ identities: 30 });
beforeAll(async () => {
  [olivia, ada, sam] = [await actorOf(conn.db, "olivia"), await actorOf(conn.db, "ada"), await actorOf(conn.db, "sam")];
  // A development database: the standard baseline fulfils a small request at once, which is the attack's shortcut.
  [{ id: systemId }] = (await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO systems (name, kind, environment, connector, settings) VALUES ('Postgres dev target (test)', 'postgres_database', 'development', 'postgres', ${JSON.stringify({ url: TARGET_PG_URL })}::jsonb) RETURNING id`,
  )) as [{ id: string }];
});
afterAll(async () => {
  for (const r of roles.reverse()) await target.unsafe(`DROP ROLE IF EXISTS "${r}"`).catch(() => {});
  await target.end({ timeout: 2 });
});

/** A LOGIN role Steward did not create, member of one group. */
async function foreignRole(): Promise<{ role: string; group: string; password: string }> {
  const suffix = randomBytes(4).toString("hex");
  const [role, group, password] = [`team_svc_${suffix}`, `team_grp_${suffix}`, randomBytes(12).toString("hex")];
  await target.unsafe(`CREATE ROLE "${group}" NOLOGIN`);
  await target.unsafe(`CREATE ROLE "${role}" LOGIN PASSWORD '${password}' IN ROLE "${group}"`);
  roles.push(group, role);
  return { role, group, password };
}

async function roleState(role: string) {
  const [r] = await target<
    { rolcanlogin: boolean; rolsuper: boolean }[]
  >`SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = ${role}`;
  const groups = (
    await target<
      { g: string }[]
    >`SELECT g.rolname AS g FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ${role}`
  ).map((x) => x.g);
  return { canLogin: r?.rolcanlogin ?? null, superuser: r?.rolsuper ?? null, groups };
}

const requestNamed = (name: string) =>
  submitRequest(conn.db, olivia, {
    type: "new_identity",
    name,
    kind: "service_account",
    systemId,
    purpose: "Loads nightly fixtures into the dev database",
    expiresOn: inDays(30),
    credentialType: "short_lived_token",
    entitlements: [],
    justification: "Fixtures need their own login",
  });

describe("Steward acts only on accounts bound to an identity", () => {
  it.runIf(targetUp)(
    "a real LOGIN role that Steward did not create survives the whole request-then-revoke sequence",
    async () => {
      const victim = await foreignRole();
      const before = await roleState(victim.role);
      const requested = await requestNamed(victim.role);
      expect(requested.status).toBe("fulfilled");
      const [identity] = await queryRows<{ external_id: string | null; environment: string }>(
        conn.db,
        sql`SELECT external_id, environment FROM identities WHERE id = ${requested.identityId}::uuid`,
      );
      expect(identity).toEqual({ external_id: null, environment: "development" });

      // Discovery finds the real role, sees the name taken by an unbound request, and does not bind
      // the request to it: the real account becomes an identity of its own (bound, unowned), flagged.
      const found = await discoverSystem(conn.db, ada, systemId);
      expect(found.conflicts).toContain(victim.role);
      const named = await queryRows<{ id: string; name: string; external_id: string | null; owner_id: string | null }>(
        conn.db,
        sql`SELECT id, name, external_id, owner_id FROM identities WHERE system_id = ${systemId}::uuid AND (name LIKE ${`${victim.role}%`} OR external_id = ${victim.role}) ORDER BY name`,
      );
      expect(named).toEqual([
        { id: requested.identityId, name: victim.role, external_id: null, owner_id: olivia.personId },
        { id: expect.any(String), name: `${victim.role}~discovered`, external_id: victim.role, owner_id: null },
      ]);

      const revocation = await requestRevocation(conn.db, olivia, {
        identityId: requested.identityId,
        reason: "No longer needed",
      });
      const run = await runRevocations(conn.db, JOB, new Date(), { ids: [revocation.id] });
      expect(run.verified).toBe(1);
      const [rev] = await queryRows<{ status: string; connector_result: { recordOnly?: boolean; note?: string } }>(
        conn.db,
        sql`SELECT status, connector_result FROM revocations WHERE id = ${revocation.id}::uuid`,
      );
      expect(rev!.status).toBe("verified");
      expect(rev!.connector_result.recordOnly).toBe(true);
      expect(rev!.connector_result.note).toMatch(/acted nowhere/);
      const [after] = await queryRows<{ status: string }>(
        conn.db,
        sql`SELECT status FROM identities WHERE id = ${requested.identityId}::uuid`,
      );
      expect(after!.status).toBe("revoked");

      // The real role is exactly as it was: it logs in, keeps its membership.
      expect(await roleState(victim.role)).toEqual(before);
      expect(before.canLogin).toBe(true);
      expect(await connectAs(TARGET_PG_URL, victim.role, victim.password)).toBe(true);
    },
  );

  it.runIf(targetUp)(
    "a request named after the server's superuser is revoked as a record; postgres is untouched",
    async () => {
      const requested = await requestNamed("postgres");
      expect(requested.status).toBe("fulfilled");
      const revocation = await requestRevocation(conn.db, olivia, {
        identityId: requested.identityId,
        reason: "Test of the superuser guard",
      });
      await runRevocations(conn.db, JOB, new Date(), { ids: [revocation.id] });
      expect(await roleState("postgres")).toMatchObject({ canLogin: true, superuser: true });
    },
  );

  it.runIf(targetUp)(
    "the connector refuses a bound role that became a superuser after discovery, and leaves it as it is",
    async () => {
      const promoted = await foreignRole();
      await discoverSystem(conn.db, sam, systemId);
      const [bound] = await queryRows<{ id: string }>(
        conn.db,
        sql`SELECT id FROM identities WHERE system_id = ${systemId}::uuid AND external_id = ${promoted.role}`,
      );
      expect(bound).toBeDefined();
      await target.unsafe(`ALTER ROLE "${promoted.role}" SUPERUSER`);
      const before = await roleState(promoted.role);
      const revocation = await requestRevocation(conn.db, sam, {
        identityId: bound!.id,
        reason: "Discovered, unowned",
      });
      const run = await runRevocations(conn.db, JOB, new Date(), { ids: [revocation.id] });
      expect(run.failed).toBe(1);
      const [rev] = await queryRows<{ status: string; last_error: string }>(
        conn.db,
        sql`SELECT status, last_error FROM revocations WHERE id = ${revocation.id}::uuid`,
      );
      expect(rev).toMatchObject({ status: "failed" });
      expect(rev!.last_error).toMatch(/is a superuser: Steward never changes it/);
      expect(await roleState(promoted.role)).toEqual(before);
      const [identity] = await queryRows<{ status: string }>(
        conn.db,
        sql`SELECT status FROM identities WHERE id = ${bound!.id}::uuid`,
      );
      expect(identity!.status).toBe("active");
    },
  );

  it.runIf(targetUp)(
    "discovery and requests judge a membership by one rule: a superuser-like group is privileged both ways",
    async () => {
      const suffix = randomBytes(4).toString("hex");
      const [group, role] = [`rds_superuser_${suffix}`, `app_svc_${suffix}`];
      await target.unsafe(`CREATE ROLE "${group}" NOLOGIN`);
      await target.unsafe(`CREATE ROLE "${role}" LOGIN IN ROLE "${group}"`);
      roles.push(group, role);
      await discoverSystem(conn.db, sam, systemId);
      const [found] = await queryRows<{ id: string; privileged: boolean }>(
        conn.db,
        sql`SELECT i.id, e.privileged FROM identities i JOIN entitlements e ON e.identity_id = i.id WHERE i.system_id = ${systemId}::uuid AND i.external_id = ${role} AND e.resource = ${group}`,
      );
      expect(found!.privileged).toBe(true);
      const asked = await previewRequest(conn.db, sam, {
        type: "grant_entitlement",
        identityId: found!.id,
        resource: group,
        permission: "member",
        expiresOn: inDays(10),
        justification: "Same membership, asked for",
      });
      expect(asked.stages.map((s) => s.rule)).toContain("security");
      expect(asked.standard).toBe(false);
    },
  );
});
