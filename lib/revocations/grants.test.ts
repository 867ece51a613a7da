import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { setClock } from "@/lib/clock";
import { endExpiredGrants } from "@/lib/jobs/lifecycle";
import { decideStage, submitRequest } from "@/lib/requests";
import { pgServerTests, refusal, TARGET_PG_URL } from "@/lib/testing";
import { confirmManualRevocation } from "./confirm";
import { grantsOfRequests } from "./queue";
import { JOB, revocationsEstate } from "./revocations-test-estate";
import { runRevocations } from "./run";

// Grants carried out in the target system, the mirror of revocations: an approved entitlement
// request leaves the real PostgreSQL role a member of the granted role, and Steward shows it
// granted only once it has read that back; a manual system waits for a person's confirmation; an
// unbound account is never acted on; a grant with a duration ends by itself through the
// revocation flow when its time is up, also after downtime.

const targetUp = await pgServerTests("grants.test (real roles through the PostgreSQL connector)", TARGET_PG_URL);
const { conn, actors, systems, target, roles, identityIn, loginRole, revocation, statusOf } = revocationsEstate();

const group = async () => {
  const g = `steward_t_${randomBytes(3).toString("hex")}_ledger`;
  await target.unsafe(`CREATE ROLE "${g}" NOLOGIN`);
  roles.push(g);
  return g;
};
const isMember = async (role: string, of: string) =>
  (
    await target`SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
      WHERE u.rolname = ${role} AND g.rolname = ${of}`
  ).length === 1;
const entitlementOf = async (requestId: string) =>
  (
    await queryRows<{ id: string; status: string; expires_at: string | null }>(
      conn.db,
      sql`SELECT id, status, expires_at::text FROM entitlements WHERE granted_by_request_id = ${requestId}::uuid`,
    )
  )[0]!;
const trail = async (identityId: string) =>
  (
    await queryRows<{ action: string }>(
      conn.db,
      sql`SELECT action FROM audit_events WHERE subject_type = 'identity' AND subject_id = ${identityId} ORDER BY seq`,
    )
  ).map((e) => e.action);

/** Olivia asks for `resource` on her identity; Maya (her manager) approves. */
async function approvedGrant(identityId: string, resource: string, extra: Record<string, unknown> = {}) {
  const submitted = await submitRequest(conn.db, actors.olivia, {
    type: "grant_entitlement",
    identityId,
    resource,
    permission: "member",
    justification: "The nightly report reads the ledger tables",
    ...extra,
  });
  expect(submitted.status).toBe("pending");
  const decided = await decideStage(conn.db, actors.maya, { requestId: submitted.id, decision: "approve" });
  expect(decided.status).toBe("fulfilled");
  return submitted.id;
}

describe("grants through the PostgreSQL connector", () => {
  it.runIf(targetUp)(
    "an approved request leaves the real role a member of the granted role, shown granted only after reading it back",
    async () => {
      const g = await group();
      const { role } = await loginRole([]);
      const identity = await identityIn(systems.postgres, role);
      const requestId = await approvedGrant(identity.id, g);

      // Approved is not granted: the entitlement waits for the system.
      expect((await entitlementOf(requestId)).status).toBe("pending");
      expect(await isMember(role, g)).toBe(false);
      const ids = await grantsOfRequests(conn.db, [requestId]);
      expect(ids).toHaveLength(1);

      const run = await runRevocations(conn.db, JOB, new Date(), { ids });
      expect(run).toMatchObject({ claimed: 1, verified: 1, failed: 0 });
      expect(await isMember(role, g)).toBe(true);
      expect((await entitlementOf(requestId)).status).toBe("active");
      const op = await revocation(ids[0]!);
      expect(op.status).toBe("verified");
      expect(op.connector_result).toMatchObject({
        grant: { role, grantedMembership: g, wasMember: false },
        verify: { memberships: [g] },
      });
      expect(await trail(identity.id)).toEqual([
        "grant.requested",
        "grant.claimed",
        "grant.executed",
        "entitlement.granted",
        "grant.verified",
      ]);

      // Its revocation is the mirror: the membership goes, read back the same way.
      const { requestRevocation } = await import("./request");
      const asked = await requestRevocation(conn.db, actors.olivia, {
        identityId: identity.id,
        entitlementId: (await entitlementOf(requestId)).id,
        reason: "The report no longer reads the ledger",
      });
      expect((await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] })).verified).toBe(1);
      expect(await isMember(role, g)).toBe(false);
      expect((await entitlementOf(requestId)).status).toBe("revoked");
    },
  );

  it.runIf(targetUp)("many grants go through in one session and are read back together", async () => {
    const groups = [await group(), await group(), await group()];
    const ids: string[] = [];
    const members: { role: string; g: string }[] = [];
    for (const g of groups) {
      const { role } = await loginRole([]);
      const identity = await identityIn(systems.postgres, role);
      ids.push(...(await grantsOfRequests(conn.db, [await approvedGrant(identity.id, g)])));
      members.push({ role, g });
    }
    const run = await runRevocations(conn.db, JOB, new Date(), { ids });
    expect(run).toMatchObject({ claimed: 3, verified: 3, failed: 0 });
    for (const m of members) expect(await isMember(m.role, m.g)).toBe(true);
    for (const id of ids) expect((await revocation(id)).connector_result).toMatchObject({ batch: true });
  });

  it.runIf(targetUp)(
    "a role that does not exist, or one too powerful to hand out, is not granted: the grant fails with the reason",
    async () => {
      const { role } = await loginRole([]);
      const identity = await identityIn(systems.postgres, role);
      const ids = await grantsOfRequests(conn.db, [await approvedGrant(identity.id, "steward_no_such_role_x")]);
      const run = await runRevocations(conn.db, JOB, new Date(), { ids });
      expect(run).toMatchObject({ claimed: 1, verified: 0, failed: 1 });
      const op = await revocation(ids[0]!);
      expect(op.status).toBe("failed");
      expect(op.last_error).toMatch(/no role steward_no_such_role_x/);
      expect(op.next_attempt_at).not.toBeNull(); // retried with backoff (the role may be created meanwhile)

      const identity2 = await identityIn(systems.postgres, (await loginRole([])).role);
      const superIds = await grantsOfRequests(conn.db, [await approvedGrant(identity2.id, "postgres")]);
      await runRevocations(conn.db, JOB, new Date(), { ids: superIds });
      expect((await revocation(superIds[0]!)).last_error).toMatch(/postgres is too powerful to grant .*a superuser/);

      // Nor one of the server's own roles (this one runs programs on the server), nor a role that
      // reaches CREATEROLE through another: followed up its memberships.
      const admins = await group();
      await target.unsafe(`ALTER ROLE "${admins}" CREATEROLE`);
      const wrapper = await group();
      await target.unsafe(`GRANT "${admins}" TO "${wrapper}"`);
      for (const [role, why] of [
        ["pg_execute_server_program", /pg_execute_server_program is one of the server's own roles/],
        [wrapper, new RegExp(`${admins} may create roles`)],
      ] as const) {
        const who = await identityIn(systems.postgres, (await loginRole([])).role);
        const ids3 = await grantsOfRequests(conn.db, [await approvedGrant(who.id, role)]);
        await runRevocations(conn.db, JOB, new Date(), { ids: ids3 });
        expect((await revocation(ids3[0]!)).last_error).toMatch(why);
      }
    },
  );
});

describe("grants that wait or cannot be carried out", () => {
  it("an account not bound to the identity is never acted on: the grant gives up at once, saying why", async () => {
    const identity = await identityIn(systems.postgres, `steward_unbound_${randomBytes(3).toString("hex")}`);
    await conn.db.execute(sql`UPDATE identities SET external_id = NULL WHERE id = ${identity.id}::uuid`);
    const requestId = await approvedGrant(identity.id, "ledger_readers");
    const ids = await grantsOfRequests(conn.db, [requestId]);
    const run = await runRevocations(conn.db, JOB, new Date(), { ids });
    expect(run).toMatchObject({ claimed: 1, failed: 1, gaveUp: 1 });
    const op = await revocation(ids[0]!);
    expect(op).toMatchObject({ status: "failed", next_attempt_at: null });
    expect(op.last_error).toMatch(/not bound to an account/);
    // Never granted, so never pending for ever: it ends revoked, and the log says why.
    expect((await entitlementOf(requestId)).status).toBe("revoked");
    expect(await trail(identity.id)).toEqual(expect.arrayContaining(["grant.gave_up", "entitlement.grant_abandoned"]));
  });

  it("a manual system waits for a person's confirmation with evidence; only then is the entitlement active", async () => {
    const identity = await identityIn(systems.manual, `portal-bot-${randomBytes(3).toString("hex")}`);
    const requestId = await approvedGrant(identity.id, "billing-exports");
    const ids = await grantsOfRequests(conn.db, [requestId]);
    expect((await runRevocations(conn.db, JOB, new Date(), { ids })).awaitingConfirmation).toBe(1);
    const op = await revocation(ids[0]!);
    expect(op.status).toBe("executed");
    expect(JSON.stringify(op.connector_result)).toMatch(/Grant member on billing-exports to portal-bot/);
    expect((await entitlementOf(requestId)).status).toBe("pending");

    // An auditor may not confirm it; the refusal changes nothing.
    const e = await refusal(
      confirmManualRevocation(conn.db, actors.ari, { revocationId: ids[0], evidence: "Granted in the vendor portal" }),
    );
    expect(e.code).toBe("forbidden");
    expect((await revocation(ids[0]!)).status).toBe("executed");

    await confirmManualRevocation(conn.db, actors.olivia, {
      revocationId: ids[0],
      evidence: "Granted in the vendor portal, ticket OPS-4411",
    });
    expect((await revocation(ids[0]!)).status).toBe("verified");
    expect((await entitlementOf(requestId)).status).toBe("active");
    expect(await trail(identity.id)).toEqual(
      expect.arrayContaining(["grant.confirmed", "entitlement.granted", "grant.verified"]),
    );
  });

  it("a grant confirmed after its entitlement was revoked is removed again, not left in place", async () => {
    const identity = await identityIn(systems.manual, `portal-race-${randomBytes(3).toString("hex")}`);
    const requestId = await approvedGrant(identity.id, "billing-exports");
    const ids = await grantsOfRequests(conn.db, [requestId]);
    await runRevocations(conn.db, JOB, new Date(), { ids });
    // While the person is still granting it by hand, the owner revokes the pending entitlement.
    const { requestRevocation } = await import("./request");
    const entitlement = await entitlementOf(requestId);
    const asked = await requestRevocation(conn.db, actors.olivia, {
      identityId: identity.id,
      entitlementId: entitlement.id,
      reason: "Not needed after all",
    });
    await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] });
    await confirmManualRevocation(conn.db, actors.olivia, {
      revocationId: asked.id,
      evidence: "Nothing to remove yet, OPS-9",
    });
    expect((await entitlementOf(requestId)).status).toBe("revoked");
    // Then the grant is confirmed: the access exists again, so it is revoked again.
    await confirmManualRevocation(conn.db, actors.olivia, { revocationId: ids[0], evidence: "Granted by hand, OPS-8" });
    expect((await entitlementOf(requestId)).status).toBe("revoked");
    const again = await queryRows<{ status: string; reason: string }>(
      conn.db,
      sql`SELECT status::text, reason FROM revocations WHERE entitlement_id = ${entitlement.id}::uuid AND operation = 'revoke' AND id <> ${asked.id}::uuid`,
    );
    expect(again).toEqual([{ status: "requested", reason: "Granted after its revocation: removed again" }]);
    expect(await trail(identity.id)).toContain("grant.overtaken");
  });

  it("what the identity already holds is not asked for again", async () => {
    const identity = await identityIn(systems.manual, `portal-twice-${randomBytes(3).toString("hex")}`, ["ledger"]);
    const e = await refusal(
      submitRequest(conn.db, actors.olivia, {
        type: "grant_entitlement",
        identityId: identity.id,
        resource: "ledger",
        permission: "member",
        justification: "The nightly report reads the ledger tables",
      }),
    );
    expect(e.message).toMatch(/already holds member on ledger/);
  });

  it("a grant overtaken by the identity's revocation is not carried out", async () => {
    const identity = await identityIn(systems.manual, `portal-late-${randomBytes(3).toString("hex")}`);
    const requestId = await approvedGrant(identity.id, "billing-exports");
    await conn.db.execute(sql`UPDATE identities SET status = 'revoked' WHERE id = ${identity.id}::uuid`);
    const ids = await grantsOfRequests(conn.db, [requestId]);
    expect(await runRevocations(conn.db, JOB, new Date(), { ids })).toMatchObject({ failed: 1, gaveUp: 1 });
    expect((await revocation(ids[0]!)).last_error).toMatch(/is revoked: nothing is granted/);
  });
});

describe("temporary grants", () => {
  it("a duration runs from when the system confirms the grant; at its end the job removes it through the revocation flow", async () => {
    const t0 = new Date("2026-12-03T09:00:00.000Z");
    setClock(() => t0);
    try {
      const identity = await identityIn(systems.manual, `jit-agent-${randomBytes(3).toString("hex")}`);
      const requestId = await approvedGrant(identity.id, "warehouse-readers", { duration: "2", durationUnit: "hours" });
      const ids = await grantsOfRequests(conn.db, [requestId]);
      await runRevocations(conn.db, JOB, t0, { ids });
      // Confirmed half an hour later: the two hours start then.
      const confirmedAt = new Date(t0.getTime() + 30 * 60_000);
      setClock(() => confirmedAt);
      await confirmManualRevocation(conn.db, actors.olivia, {
        revocationId: ids[0],
        evidence: "Granted by hand, OPS-1",
      });
      const granted = await entitlementOf(requestId);
      expect(granted.status).toBe("active");
      expect(new Date(granted.expires_at!).toISOString()).toBe("2026-12-03T11:30:00.000Z");

      // Before its end nothing is due.
      expect(await endExpiredGrants(conn.db, JOB, new Date("2026-12-03T11:29:59.000Z"))).toEqual({ ended: 0 });
      // The app was down at its end: the first run after catches up, once.
      const late = new Date("2026-12-03T14:00:00.000Z");
      expect(await endExpiredGrants(conn.db, JOB, late)).toEqual({ ended: 1 });
      expect(await endExpiredGrants(conn.db, JOB, late)).toEqual({ ended: 0 });
      const [queued] = await queryRows<{ id: string; reason: string; operation: string }>(
        conn.db,
        sql`SELECT id, reason, operation FROM revocations WHERE entitlement_id = ${granted.id}::uuid AND operation = 'revoke'`,
      );
      expect(queued).toMatchObject({ reason: "The grant's time is up", operation: "revoke" });
      // A manual system: a person removes it and confirms; it is then expired, not revoked.
      await runRevocations(conn.db, JOB, late, { ids: [queued!.id] });
      setClock(() => late);
      await confirmManualRevocation(conn.db, actors.olivia, {
        revocationId: queued!.id,
        evidence: "Removed by hand, OPS-2",
      });
      expect((await entitlementOf(requestId)).status).toBe("expired");
      expect(await statusOf("identities", identity.id)).toBe("active");
    } finally {
      setClock(undefined);
    }
  });

  it("a duration is refused beside an end date, and beyond the environment's maximum, with the words why", async () => {
    const identity = await identityIn(systems.manual, `jit-bad-${randomBytes(3).toString("hex")}`);
    const base = {
      type: "grant_entitlement",
      identityId: identity.id,
      resource: "warehouse",
      permission: "member",
      justification: "Needed for the quarterly export",
    };
    const both = await refusal(
      submitRequest(conn.db, actors.olivia, { ...base, duration: "4", expiresOn: "2026-12-30" }),
    );
    expect(both.message).toMatch(/an end date or a duration, not both/);
    const tooLong = await refusal(
      submitRequest(conn.db, actors.olivia, { ...base, duration: "400", durationUnit: "days" }),
    );
    expect(tooLong.message).toMatch(/production allows at most 90 days/);
    const notNumber = await refusal(submitRequest(conn.db, actors.olivia, { ...base, duration: "soon" }));
    expect(notNumber.message + JSON.stringify(notNumber)).toMatch(/whole number/);
    const count = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM requests WHERE subject_identity_id = ${identity.id}::uuid`,
    );
    expect(count[0]!.n).toBe(0);
  });
});
