import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { setClock } from "@/lib/clock";
import { runRevocations } from "@/lib/revocations";
import { JOB, revocationsEstate } from "@/lib/revocations/revocations-test-estate";
import { pgServerTests, refusal, TARGET_PG_URL } from "@/lib/testing";
import { completePostUseReview, decideBreakGlass, endBreakGlass } from "./change";
import { runBreakGlassClock } from "./clock";
import { breakGlassBoard, breakGlassSummary, getBreakGlass } from "./read";
import { requestBreakGlass } from "./request";

// Break-glass from request to look back: Omar (on call) opens elevated access on a production
// identity at once and security is told; the elevated role is granted on a real PostgreSQL server
// and read back; with the clock moved (never slept) the job ends it at its hard end, revokes the
// role (read back again) and opens a post-use review for Sam and Maya. Olivia (not on call) waits
// for security; nobody approves their own; an overdue review blocks the next one until security
// overrides; bad input is refused in words and writes nothing.

const targetUp = await pgServerTests("break-glass.test (real roles through the PostgreSQL connector)", TARGET_PG_URL);
const { conn, actors, systems, target, roles, identityIn, loginRole, revocation } = revocationsEstate();
const T0 = new Date("2026-12-03T10:00:00.000Z");
const HOUR = 3_600_000;
const at = (d: Date) => {
  setClock(() => d);
  return d;
};
afterEach(() => setClock(undefined));

const role = async () => {
  const g = `steward_t_${randomBytes(3).toString("hex")}_dba`;
  await target.unsafe(`CREATE ROLE "${g}" NOLOGIN`);
  roles.push(g);
  return g;
};
const isMember = async (member: string, of: string) =>
  (
    await target`SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
      WHERE u.rolname = ${member} AND g.rolname = ${of}`
  ).length === 1;
const row = async (id: string) =>
  (
    await queryRows<{
      status: string;
      grant_op_id: string | null;
      revoke_op_id: string | null;
      end_reason: string | null;
    }>(
      conn.db,
      sql`SELECT status::text, grant_op_id, revoke_op_id, end_reason FROM break_glass_grants WHERE id = ${id}::uuid`,
    )
  )[0]!;
const notified = async (email: string, id: string) =>
  (
    await queryRows<{ text: string }>(
      conn.db,
      sql`SELECT n.text FROM notifications n JOIN users u ON u.id = n.recipient_id WHERE u.email = ${email} AND n.href = ${`/break-glass/${id}`} ORDER BY n.created_at`,
    )
  ).map((n) => n.text);
const count = async (table: string) =>
  (await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}`))[0]!.n;

/** An identity Olivia owns in the Payments team (Omar's team), in `system`, bound to `account`. */
async function paymentsIdentity(system: string, account: string) {
  const identity = await identityIn(system, account);
  await conn.db.execute(
    sql`UPDATE identities SET team_id = (SELECT team_id FROM users WHERE id = ${actors.omar.personId}::uuid) WHERE id = ${identity.id}::uuid`,
  );
  return identity.id;
}

const ask = (identityId: string, extra: Record<string, unknown> = {}) => ({
  identityId,
  justification: "Payments are failing: the ledger needs a manual fix",
  incidentRef: "INC-2041",
  hours: "2",
  ...extra,
});

describe("break-glass on call, through the PostgreSQL connector", () => {
  it.runIf(targetUp)(
    "Omar opens it at once; the role is granted and read back; at its hard end the job revokes it and opens the look back",
    async () => {
      const elevated = await role();
      const { role: account } = await loginRole([]);
      const identityId = await paymentsIdentity(systems.postgres, account);

      at(T0);
      const opened = await requestBreakGlass(
        conn.db,
        actors.omar,
        ask(identityId, { resource: elevated, permission: "member" }),
      );
      expect(opened.status).toBe("active");
      expect(await notified("sam.security@example.com", opened.id)).toEqual([
        expect.stringMatching(/Omar Owner \(on call\) opened break-glass on .* for INC-2041 \(2 h\)/),
      ]);
      // Sam sees it at once, with its hard end.
      const board = await breakGlassBoard(conn.db, actors.sam);
      const shown = board.active.find((g) => g.id === opened.id)!;
      expect(shown).toMatchObject({
        holder: "Omar Owner",
        onCall: true,
        hardEndAt: new Date(T0.getTime() + 2 * HOUR).toISOString(),
      });
      expect(shown.can.end).toBe(true);

      // The grant is carried out and confirmed by the server.
      await runRevocations(conn.db, JOB, T0, { ids: [opened.grantId!] });
      expect(await isMember(account, elevated)).toBe(true);
      expect((await revocation(opened.grantId!)).status).toBe("verified");

      // A minute before the end nothing happens; at the end the job ends it and queues the revocation.
      expect(await runBreakGlassClock(conn.db, JOB, at(new Date(T0.getTime() + 2 * HOUR - 60_000)))).toMatchObject({
        ended: 0,
      });
      const endAt = at(new Date(T0.getTime() + 2 * HOUR + 20_000));
      expect(await runBreakGlassClock(conn.db, JOB, endAt)).toMatchObject({ ended: 1 });
      const ended = await row(opened.id);
      expect(ended).toMatchObject({ status: "ended", end_reason: "time" });
      await runRevocations(conn.db, JOB, endAt, { ids: [ended.revoke_op_id!] });
      expect(await isMember(account, elevated)).toBe(false);
      expect((await revocation(ended.revoke_op_id!)).status).toBe("verified");

      // The look back waits for Sam and Maya, with the grant's and the revocation's verification.
      expect(await notified("sam.security@example.com", opened.id)).toContainEqual(
        expect.stringMatching(/has ended: look back on it by 2026-12-06/),
      );
      expect(await notified("maya.manager@example.com", opened.id)).toHaveLength(1);
      const detail = await getBreakGlass(conn.db, actors.maya, opened.id);
      expect(detail.can.review).toBe(true);
      expect(detail.grant).toMatchObject({ operation: "grant", status: "verified" });
      expect(detail.revocation).toMatchObject({ operation: "revoke", status: "verified" });
      expect(detail.timeline.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          "break_glass.requested",
          "break_glass.activated",
          "grant.verified",
          "break_glass.ended",
          "revocation.verified",
        ]),
      );
      expect((await breakGlassSummary(conn.db, actors.maya)).reviewsOpen).toBeGreaterThanOrEqual(1);

      // The holder does not review their own; Maya does, requiring the credential's rotation.
      expect(
        (await refusal(completePostUseReview(conn.db, actors.omar, { id: opened.id, comment: "All fine, trust me" })))
          .code,
      ).toBe("forbidden");
      await completePostUseReview(conn.db, actors.maya, {
        id: opened.id,
        comment: "Used to fix two ledger rows only, as the incident notes say",
        requireRotation: "on",
      });
      expect((await row(opened.id)).status).toBe("reviewed");
      const [identity] = await queryRows<{ overdue: boolean; factors: string[] }>(
        conn.db,
        sql`SELECT rotation_required_at IS NOT NULL AS overdue, risk_factors AS factors FROM identities WHERE id = ${identityId}::uuid`,
      );
      expect(identity!.overdue).toBe(true);
      expect(identity!.factors).toContain("rotation_overdue");
    },
  );
});

describe("break-glass that waits for security", () => {
  it("Olivia (not on call) waits for one security approval; nobody approves their own", async () => {
    const identityId = await paymentsIdentity(systems.manual, `ledger-fixer-${randomBytes(3).toString("hex")}`);
    at(T0);
    const asked = await requestBreakGlass(conn.db, actors.olivia, ask(identityId));
    expect(asked.status).toBe("requested");
    expect(await notified("sam.security@example.com", asked.id)).toEqual([
      expect.stringMatching(/asks for break-glass on .* for INC-2041: approve or deny/),
    ]);
    const waiting = (await breakGlassBoard(conn.db, actors.sam)).waiting.find((g) => g.id === asked.id)!;
    expect(waiting.can.decide).toBe(true);
    expect((await breakGlassSummary(conn.db, actors.sam)).waiting).toBeGreaterThanOrEqual(1);
    // Olivia can neither approve her own nor see the decision form.
    expect((await getBreakGlass(conn.db, actors.olivia, asked.id)).can.decide).toBe(false);
    expect((await refusal(decideBreakGlass(conn.db, actors.olivia, { id: asked.id, decision: "approve" }))).code).toBe(
      "forbidden",
    );

    // Sam asks for his own: he cannot approve it.
    const own = await requestBreakGlass(conn.db, actors.sam, ask(identityId, { incidentRef: "INC-2042" }));
    expect((await refusal(decideBreakGlass(conn.db, actors.sam, { id: own.id, decision: "approve" }))).message).toMatch(
      /Nobody approves their own/,
    );

    const approved = await decideBreakGlass(conn.db, actors.sam, { id: asked.id, decision: "approve", comment: "Go" });
    expect(approved.status).toBe("active");
    // Decided once: a second click is told it is decided.
    expect((await refusal(decideBreakGlass(conn.db, actors.sam, { id: asked.id, decision: "deny" }))).message).toMatch(
      /already active/,
    );
    // The identity itself (no entitlement): nothing to grant, nothing to revoke; ended by hand by the holder.
    expect((await row(asked.id)).grant_op_id).toBeNull();
    await endBreakGlass(conn.db, actors.olivia, { id: asked.id });
    expect(await row(asked.id)).toMatchObject({ status: "ended", end_reason: "hand", revoke_op_id: null });
    expect((await refusal(endBreakGlass(conn.db, actors.olivia, { id: asked.id }))).code).toBe("conflict");
  });

  it("an overdue look back of one's own sends the next one to security, whose approval is an audited override", async () => {
    const identityId = await paymentsIdentity(systems.manual, `ledger-overdue-${randomBytes(3).toString("hex")}`);
    at(T0);
    const first = await requestBreakGlass(conn.db, actors.omar, ask(identityId, { hours: "1" }));
    expect(first.status).toBe("active");
    await runBreakGlassClock(conn.db, JOB, at(new Date(T0.getTime() + HOUR)));
    // Four days later (review due after three), the review is overdue and everyone is told once.
    const late = at(new Date(T0.getTime() + 4 * 24 * HOUR));
    expect((await runBreakGlassClock(conn.db, JOB, late)).overdue).toBeGreaterThanOrEqual(1);
    expect(await notified("omar.owner@example.com", first.id)).toContainEqual(expect.stringMatching(/is overdue/));
    expect((await runBreakGlassClock(conn.db, JOB, late)).overdue).toBe(0);

    const next = await requestBreakGlass(conn.db, actors.omar, ask(identityId, { incidentRef: "INC-2050" }));
    expect(next.status).toBe("requested");
    expect(next.decision.rules.find((r) => r.rule === "break-glass-on-call")?.reason).toMatch(
      /post-use review is overdue/,
    );
    await decideBreakGlass(conn.db, actors.sam, { id: next.id, decision: "approve" });
    const [event] = await queryRows<{ after: { override: boolean } }>(
      conn.db,
      sql`SELECT after FROM audit_events WHERE action = 'break_glass.approved' AND subject_id = ${next.id}`,
    );
    expect(event!.after.override).toBe(true);
  });

  it("a later start opens it at that time, from the job", async () => {
    const identityId = await paymentsIdentity(systems.manual, `ledger-later-${randomBytes(3).toString("hex")}`);
    at(T0);
    const later = await requestBreakGlass(
      conn.db,
      actors.omar,
      ask(identityId, { startsAt: "2026-12-03T13:30", incidentRef: "CHG-88" }),
    );
    expect(later.status).toBe("requested");
    expect(await runBreakGlassClock(conn.db, JOB, at(new Date("2026-12-03T13:29:00Z")))).toMatchObject({ started: 0 });
    expect(await runBreakGlassClock(conn.db, JOB, at(new Date("2026-12-03T13:30:30Z")))).toMatchObject({ started: 1 });
    expect((await row(later.id)).status).toBe("active");
  });

  it("the app stopped past a grant's end: the first job run after the restart ends it", async () => {
    const identityId = await paymentsIdentity(systems.manual, `ledger-down-${randomBytes(3).toString("hex")}`);
    at(T0);
    const opened = await requestBreakGlass(
      conn.db,
      actors.omar,
      ask(identityId, { hours: "1", incidentRef: "INC-3000" }),
    );
    // Down from T0 + 30 min to T0 + 5 h: the first pass after it ends what came due meanwhile.
    const restart = at(new Date(T0.getTime() + 5 * HOUR));
    expect((await runBreakGlassClock(conn.db, JOB, restart)).ended).toBeGreaterThanOrEqual(1);
    expect((await row(opened.id)).status).toBe("ended");
  });
});

describe("bad input and who may", () => {
  it("a duration over the maximum, a half-named entitlement, no incident: refused in words, nothing written", async () => {
    const identityId = await paymentsIdentity(systems.manual, `ledger-bad-${randomBytes(3).toString("hex")}`);
    const before = { grants: await count("break_glass_grants"), events: await count("audit_events") };
    const tooLong = await refusal(requestBreakGlass(conn.db, actors.omar, ask(identityId, { hours: "9" })));
    expect(tooLong.message).toMatch(/at most 4 hours/);
    expect(tooLong.fieldErrors?.hours?.[0]).toMatch(/At most 4 hours/);
    const half = await refusal(requestBreakGlass(conn.db, actors.omar, ask(identityId, { resource: "payments-db" })));
    expect(half.fieldErrors?.permission?.[0]).toMatch(/both the resource and the permission/);
    const noIncident = await refusal(requestBreakGlass(conn.db, actors.omar, ask(identityId, { incidentRef: "" })));
    expect(noIncident.fieldErrors?.incidentRef?.[0]).toMatch(/Name the incident/);
    const badStart = await refusal(requestBreakGlass(conn.db, actors.omar, ask(identityId, { startsAt: "soon" })));
    expect(badStart.fieldErrors?.startsAt?.[0]).toMatch(/date and time/);
    expect(
      (await refusal(requestBreakGlass(conn.db, actors.omar, ask("not-an-id")))).fieldErrors?.identityId,
    ).toBeDefined();
    expect({ grants: await count("break_glass_grants"), events: await count("audit_events") }).toEqual(before);
  });

  it("someone who may not see the identity is told it is not found; an auditor changes nothing", async () => {
    const identityId = await paymentsIdentity(systems.manual, `ledger-hidden-${randomBytes(3).toString("hex")}`);
    await conn.db.execute(sql`UPDATE identities SET team_id = NULL WHERE id = ${identityId}::uuid`);
    expect((await refusal(requestBreakGlass(conn.db, actors.omar, ask(identityId)))).code).toBe("not_found");
    expect((await refusal(requestBreakGlass(conn.db, actors.ari, ask(identityId)))).code).toBe("forbidden");
  });
});
