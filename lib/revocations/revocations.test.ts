import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, connectAs, pgServerTests, refusal, TARGET_PG_URL, useTestDatabase } from "@/lib/testing";
import { confirmManualRevocation } from "./confirm";
import { discoverSystem } from "@/lib/systems/systems";
import { bulkRevoke } from "./bulk";
import { requestRevocation } from "./request";
import { backoffMs, MAX_ATTEMPTS, runRevocations } from "./run";

// Revocation end to end: asked once, carried out by the connector, confirmed by the target system
// (a real PostgreSQL server: the role truly cannot log in afterwards), or retried with backoff
// until it gives up; manual systems wait for a person's evidence.

const JOB = { type: "job" as const, id: null, label: "test revocation runner" };

// The real-role tests fail when no server answers, unless STEWARD_SKIP_PG=1 skips them out loud.
const targetUp = await pgServerTests("revocations.test (real roles through the PostgreSQL connector)", TARGET_PG_URL);

const target = postgres(TARGET_PG_URL, { max: 2, connect_timeout: 3, onnotice: () => {} });
const roles: string[] = [];
let systemId: string;
let brokenSystemId: string;
let manualSystemId: string;

const conn = useTestDatabase({ identities: 60 });
const actors = conn.personas;
beforeAll(async () => {
  const system = async (name: string, connector: string, settings: Record<string, unknown>) =>
    (
      await queryRows<{ id: string }>(
        conn.db,
        sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${name}, 'postgres_database', ${connector}::connector_kind, ${JSON.stringify(settings)}::jsonb) RETURNING id`,
      )
    )[0]!.id;
  systemId = await system("Postgres target (test)", "postgres", { url: TARGET_PG_URL });
  brokenSystemId = await system("Postgres unreachable (test)", "postgres", {
    url: "postgres://postgres@127.0.0.1:1/none",
  });
  manualSystemId = await system("Vendor portal (test)", "manual", {});
});
afterAll(async () => {
  for (const r of roles.reverse()) await target.unsafe(`DROP ROLE IF EXISTS "${r}"`).catch(() => {});
  await target.end({ timeout: 2 });
});

/** An identity owned by Olivia in `system`, with one Steward entitlement per group. */
async function identityIn(
  system: string,
  account: string,
  groups: string[] = [],
): Promise<{ id: string; entitlements: Record<string, string> }> {
  const [row] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, team_id, purpose, status, origin, external_id, credential_type)
        SELECT ${account}, 'service_account', ${system}::uuid, 'production', u.id, u.team_id, 'Reads the ledger for the nightly report', 'active', 'discovered', ${account}, 'static_secret'
        FROM users u WHERE u.id = ${actors.olivia.personId}::uuid RETURNING id`,
  );
  const entitlements: Record<string, string> = {};
  for (const g of groups) {
    entitlements[g] = (
      await queryRows<{ id: string }>(
        conn.db,
        sql`INSERT INTO entitlements (identity_id, resource, permission, privileged) VALUES (${row!.id}::uuid, ${g}, 'member', false) RETURNING id`,
      )
    )[0]!.id;
  }
  return { id: row!.id, entitlements };
}

/** A login role with a password, member of `groups` (created too), on the target server. */
async function loginRole(groups: string[]): Promise<{ role: string; password: string }> {
  const role = `steward_t_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  for (const g of groups) {
    await target.unsafe(`CREATE ROLE "${g}" NOLOGIN`);
    roles.push(g);
  }
  await target.unsafe(
    `CREATE ROLE "${role}" LOGIN PASSWORD '${password}'${groups.length ? ` IN ROLE ${groups.map((g) => `"${g}"`).join(", ")}` : ""}`,
  );
  roles.push(role);
  return { role, password };
}

const canConnect = (role: string, password: string) => connectAs(TARGET_PG_URL, role, password);

const revocation = async (id: string) =>
  (
    await queryRows<{
      status: string;
      attempts: number;
      next_attempt_at: string | null;
      last_error: string | null;
      connector_result: unknown;
      evidence: unknown;
    }>(
      conn.db,
      sql`SELECT status, attempts, next_attempt_at::text, last_error, connector_result, evidence FROM revocations WHERE id = ${id}::uuid`,
    )
  )[0]!;
const statusOf = async (table: "identities" | "entitlements", id: string) =>
  (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM ${sql.raw(table)} WHERE id = ${id}::uuid`))[0]!
    .status;

describe("revocation through the PostgreSQL connector", () => {
  it.runIf(targetUp)(
    "revokes an identity: the role cannot log in, its memberships are gone, and Steward says so only after reading it back",
    async () => {
      const g = `steward_t_${randomBytes(3).toString("hex")}_readers`;
      const { role, password } = await loginRole([g]);
      expect(await canConnect(role, password)).toBe(true);
      const identity = await identityIn(systemId, role, [g]);

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
    const identity = await identityIn(systemId, role, [keep, drop]);
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

describe("when the target system fails", () => {
  it("fails, retries after 1, 2, 4, 8 minutes, then gives up and is flagged; nothing is revoked in Steward", async () => {
    const identity = await identityIn(brokenSystemId, "ledger_unreachable");
    const asked = await requestRevocation(conn.db, actors.sam, {
      identityId: identity.id,
      reason: "Owner left; nobody uses it",
    });
    let at = new Date("2026-11-27T12:00:00.000Z");
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await runRevocations(conn.db, JOB, at, { ids: [asked.id] })).toMatchObject({
        claimed: 1,
        failed: 1,
        gaveUp: attempt === MAX_ATTEMPTS ? 1 : 0,
      });
      const r = await revocation(asked.id);
      expect(r).toMatchObject({ status: "failed", attempts: attempt });
      expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
      if (attempt < MAX_ATTEMPTS) {
        const due = new Date(at.getTime() + backoffMs(attempt));
        expect(new Date(r.next_attempt_at!).getTime()).toBe(due.getTime());
        // Not due a millisecond before its time.
        expect((await runRevocations(conn.db, JOB, new Date(due.getTime() - 1), { ids: [asked.id] })).claimed).toBe(0);
        at = due;
      } else {
        expect(r.next_attempt_at).toBeNull();
      }
    }
    expect((await runRevocations(conn.db, JOB, new Date(at.getTime() + 86_400_000), { ids: [asked.id] })).claimed).toBe(
      0,
    );
    expect(await statusOf("identities", identity.id)).toBe("active");
    expect(await auditCount(conn.db, "revocation.failed")).toBeGreaterThanOrEqual(MAX_ATTEMPTS - 1);
    expect(await auditCount(conn.db, "revocation.gave_up")).toBe(1);
  });
});

describe("manual systems", () => {
  it("wait as executed until a person confirms with evidence; only those who may revoke confirm", async () => {
    const identity = await identityIn(manualSystemId, "vendor-portal-bot");
    const asked = await requestRevocation(conn.db, actors.olivia, {
      identityId: identity.id,
      reason: "The vendor contract ended",
    });
    expect(await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] })).toMatchObject({
      awaitingConfirmation: 1,
      verified: 0,
    });
    expect((await revocation(asked.id)).status).toBe("executed");
    expect(await statusOf("identities", identity.id)).toBe("active");
    // Running again does not touch it: it waits for a person.
    expect((await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] })).claimed).toBe(0);

    for (const who of ["omar", "ari", "ada"] as const) {
      const e = await refusal(
        confirmManualRevocation(conn.db, actors[who], {
          revocationId: asked.id,
          evidence: "Removed the user in the vendor portal",
        }),
      );
      expect(["forbidden", "not_found"], who).toContain(e.code);
    }
    expect(
      (await refusal(confirmManualRevocation(conn.db, actors.olivia, { revocationId: asked.id, evidence: "done" })))
        .code,
    ).toBe("invalid");
    expect((await revocation(asked.id)).status).toBe("executed");

    await confirmManualRevocation(conn.db, actors.olivia, {
      revocationId: asked.id,
      evidence: "Removed the bot user in the vendor portal, ticket OPS-4411",
    });
    const r = await revocation(asked.id);
    expect(r.status).toBe("verified");
    expect(r.evidence).toMatchObject({
      confirmedBy: actors.olivia.email,
      note: "Removed the bot user in the vendor portal, ticket OPS-4411",
    });
    expect(await statusOf("identities", identity.id)).toBe("revoked");
    expect(
      (
        await refusal(
          confirmManualRevocation(conn.db, actors.olivia, {
            revocationId: asked.id,
            evidence: "Removed it twice, to be sure",
          }),
        )
      ).code,
    ).toBe("conflict");
  });
});

describe("who may revoke", () => {
  it("owners, their managers and security; nobody else, and a refusal writes nothing", async () => {
    const identity = await identityIn(manualSystemId, "payments-report-bot");
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          conn.db,
          sql`SELECT count(*)::int AS n FROM revocations WHERE identity_id = ${identity.id}::uuid`,
        )
      )[0]!.n;
    const events = await auditCount(conn.db);
    for (const who of ["omar", "ari", "ada"] as const) {
      const e = await refusal(
        requestRevocation(conn.db, actors[who], { identityId: identity.id, reason: "Not mine to revoke" }),
      );
      expect(["forbidden", "not_found"], who).toContain(e.code);
    }
    for (const bad of [
      { identityId: identity.id },
      { identityId: identity.id, reason: "no" },
      { identityId: "x", reason: "A good enough reason" },
      { identityId: identity.id, entitlementId: "nope", reason: "A good enough reason" },
    ]) {
      expect((await refusal(requestRevocation(conn.db, actors.sam, bad))).code).toBe("invalid");
    }
    expect(await count()).toBe(0);
    expect(await auditCount(conn.db)).toBe(events);
    for (const who of ["olivia", "maya", "sam"] as const) {
      const asked = await requestRevocation(conn.db, actors[who], {
        identityId: identity.id,
        reason: `${who} revokes it`,
      });
      expect(asked.status, who).toBe("requested");
    }
    expect(await count()).toBe(1);
  });
});

describe("bulk revocation", () => {
  it("all or nothing: one identity the actor may not revoke refuses the whole selection; in-flight ones keep their revocation", async () => {
    const a = await identityIn(manualSystemId, "bulk-bot-a");
    const b = await identityIn(manualSystemId, "bulk-bot-b");
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          conn.db,
          sql`SELECT count(*)::int AS n FROM revocations WHERE identity_id IN (${a.id}::uuid, ${b.id}::uuid)`,
        )
      )[0]!.n;
    // Omar (same team, not the owner) and the auditor may not; nothing is asked.
    for (const who of ["omar", "ari", "ada"] as const) {
      expect(["forbidden", "not_found"], who).toContain(
        (await refusal(bulkRevoke(conn.db, actors[who], { ids: [a.id, b.id], reason: "Clean-up of old bots" }))).code,
      );
    }
    expect((await refusal(bulkRevoke(conn.db, actors.sam, { ids: [a.id, b.id] }))).code).toBe("invalid");
    expect((await refusal(bulkRevoke(conn.db, actors.sam, { ids: [], reason: "Clean-up of old bots" }))).code).toBe(
      "invalid",
    );
    expect(await count()).toBe(0);
    await requestRevocation(conn.db, actors.olivia, { identityId: a.id, reason: "Asked on its own first" });
    const out = await bulkRevoke(conn.db, actors.sam, { ids: [a.id, b.id], reason: "Clean-up of old bots" });
    expect(out).toMatchObject({ alreadyInFlight: 1 });
    expect(out.requested).toHaveLength(1);
    expect(await count()).toBe(2);
  });
});

describe("discovery through the PostgreSQL connector", () => {
  it.runIf(targetUp)(
    "login roles become identities of the system, memberships entitlements; run again, only what is new is added",
    async () => {
      const g = `steward_t_${randomBytes(3).toString("hex")}_admin`;
      const { role } = await loginRole([g]);
      const first = await discoverSystem(conn.db, actors.sam, systemId);
      expect(first.found).toBeGreaterThan(0);
      const [found] = await queryRows<{ id: string; owner_id: string | null; origin: string }>(
        conn.db,
        sql`SELECT id, owner_id, origin FROM identities WHERE system_id = ${systemId}::uuid AND external_id = ${role}`,
      );
      expect(found).toMatchObject({ owner_id: null, origin: "discovered" });
      const grants = await queryRows<{ resource: string; permission: string; privileged: boolean }>(
        conn.db,
        sql`SELECT resource, permission, privileged FROM entitlements WHERE identity_id = ${found!.id}::uuid`,
      );
      expect(grants).toEqual([{ resource: g, permission: "member", privileged: true }]); // "*admin*" is privileged
      const again = await discoverSystem(conn.db, actors.sam, systemId);
      expect(again).toMatchObject({ newIdentities: 0, newEntitlements: 0 });
      const extra = `steward_t_${randomBytes(3).toString("hex")}_readers`;
      await target.unsafe(`CREATE ROLE "${extra}" NOLOGIN`);
      roles.push(extra);
      await target.unsafe(`GRANT "${extra}" TO "${role}"`);
      expect(await discoverSystem(conn.db, actors.sam, systemId)).toMatchObject({
        newIdentities: 0,
        newEntitlements: 1,
      });
      for (const who of ["olivia", "maya", "ari"] as const)
        expect((await refusal(discoverSystem(conn.db, actors[who], systemId))).code).toBe("forbidden");
      expect((await refusal(discoverSystem(conn.db, actors.sam, manualSystemId))).message).toMatch(
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
      const identities = await Promise.all(made.map((m, i) => identityIn(systemId, m.role, i === 0 ? [g] : [])));
      const gone = await identityIn(systemId, `steward_t_${randomBytes(3).toString("hex")}_never_existed`);
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
