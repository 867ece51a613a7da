import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, curatedId, refusal, testDatabase } from "@/lib/testing";
import { changePolicySetting } from "@/lib/policy/settings-admin";
import { DEFAULT_POLICY_SETTINGS } from "@/lib/policy/settings";
import { approveStandardInBulk, BULK_LIMIT, decideStage } from "./decide";
import { listRequests, parseQueueFilter } from "./queue";
import { requestsOutOfSync } from "./stages";
import { previewRequest, submitRequest } from "./submit";

// Bulk approval of standard requests, policy's second look at the final approval, and policy
// exceptions that later requests can lean on. Each test leaves the people and settings as it
// found them; the database is this file's own.

let k8sStaging: string;
const conn = testDatabase({ identities: 60 });
const actors = conn.personas;
beforeAll(async () => {
  k8sStaging = (
    await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM systems WHERE name LIKE 'Kubernetes staging%'`)
  )[0]!.id;
});

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
const stagingIdentity = (over: Record<string, unknown> = {}) => ({
  type: "new_identity",
  name: `svc-${Math.random().toString(36).slice(2, 8)}`,
  kind: "service_account",
  systemId: k8sStaging,
  purpose: "Runs the staging smoke tests after each deploy",
  expiresOn: inDays(30),
  credentialType: "federated",
  entitlements: [{ resource: "staging-cluster", permission: "read" }],
  justification: "Smoke tests need their own identity",
  ...over,
});
const decisions = async () =>
  (await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM stage_decisions`))[0]!.n;
const statusOf = async (id: string) =>
  (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM requests WHERE id = ${id}::uuid`))[0]!.status;

describe("bulk approval of standard requests", () => {
  it("approves only the standard requests waiting for the approver; everyone else approves nothing", async () => {
    const standard = await submitRequest(conn.db, actors.olivia, stagingIdentity());
    expect(standard.decision.standard).toBe(true);
    const privileged = await submitRequest(
      conn.db,
      actors.olivia,
      stagingIdentity({ entitlements: [{ resource: "staging-cluster", permission: "cluster-admin" }] }),
    );
    expect(privileged.decision.standard).toBe(false);
    const waiting = await listRequests(
      conn.db,
      actors.maya,
      parseQueueFilter({ queue: "decide", size: "200" }),
      new Date(),
    );
    const ids = waiting.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([standard.id, privileged.id]));
    const standardIds = waiting.filter((r) => r.standard).map((r) => r.id);
    expect(standardIds.length).toBeGreaterThanOrEqual(2); // the seed's extensions and grant, and Olivia's new one
    expect(
      (
        await listRequests(
          conn.db,
          actors.maya,
          parseQueueFilter({ queue: "decide", standard: "1", size: "200" }),
          new Date(),
        )
      )
        .map((r) => r.id)
        .sort(),
    ).toEqual([...standardIds].sort());

    // Wrong actors: the requester, a member, security (the stages are the manager's), the auditor, the admin.
    const before = await decisions();
    for (const who of ["olivia", "omar", "sam", "ada"] as const) {
      const out = await approveStandardInBulk(conn.db, actors[who], { requestIds: ids });
      expect(out.approved, who).toBe(0);
      expect(out.skipped).toHaveLength(ids.length);
    }
    // The auditor is refused outright: auditors change nothing.
    expect((await refusal(approveStandardInBulk(conn.db, actors.ari, { requestIds: ids }))).code).toBe("forbidden");
    expect(await decisions()).toBe(before);
    expect(await auditCount(conn.db, "request.bulk_approved")).toBe(0);

    const out = await approveStandardInBulk(conn.db, actors.maya, { requestIds: ids });
    expect(out.approved).toBe(standardIds.length);
    expect(out.skipped.map((s) => s.id).sort()).toEqual(ids.filter((id) => !standardIds.includes(id)).sort());
    expect(out.skipped.find((s) => s.id === privileged.id)?.reason).toMatch(/not mark it standard/);
    expect(await statusOf(standard.id)).toBe("fulfilled");
    expect(await statusOf(privileged.id)).toBe("pending");
    expect(await decisions()).toBe(before + standardIds.length);
    expect(await auditCount(conn.db, "request.bulk_approved")).toBe(1);
    const [created] = await queryRows<{ status: string; owner_id: string }>(
      conn.db,
      sql`SELECT i.status, i.owner_id FROM identities i JOIN requests r ON r.subject_identity_id = i.id WHERE r.id = ${standard.id}::uuid`,
    );
    expect(created).toEqual({ status: "active", owner_id: actors.olivia.personId });
    // Gone from Maya's queue and her bell; the privileged one is still hers to decide alone.
    const after = await listRequests(
      conn.db,
      actors.maya,
      parseQueueFilter({ queue: "decide", size: "200" }),
      new Date(),
    );
    expect(after.filter((r) => r.standard)).toEqual([]);
    expect(after.map((r) => r.id)).toContain(privileged.id);
  });

  it("refuses bad input with a clear message and approves nothing", async () => {
    const before = await decisions();
    const cases: [unknown, RegExp][] = [
      [{}, /Choose the requests to approve/],
      [{ requestIds: [] }, /Choose at least one request/],
      [{ requestIds: ["not-an-id"] }, /That request id is not valid/],
      [
        { requestIds: Array.from({ length: BULK_LIMIT + 1 }, () => crypto.randomUUID()) },
        new RegExp(`At most ${BULK_LIMIT} at a time`),
      ],
    ];
    for (const [bad, message] of cases) {
      const e = await refusal(approveStandardInBulk(conn.db, actors.maya, bad));
      expect(e.code).toBe("invalid");
      expect([e.message, ...Object.values(e.fieldErrors ?? {}).flat()].join(" ")).toMatch(message);
    }
    expect(await decisions()).toBe(before);
  });
});

describe("policy's second look at the final approval", () => {
  it("denies, unfulfilled, a request whose owner left while it waited", async () => {
    const submitted = await submitRequest(conn.db, actors.olivia, stagingIdentity({ name: "smoke-runner-left" }));
    await conn.db.execute(sql`UPDATE users SET status = 'departed' WHERE id = ${actors.olivia.personId}::uuid`);
    try {
      const out = await decideStage(conn.db, actors.maya, { requestId: submitted.id, decision: "approve" });
      expect(out.status).toBe("denied");
      expect(out.policyDenials?.join(" ")).toMatch(/left the company/);
    } finally {
      await conn.db.execute(sql`UPDATE users SET status = 'active' WHERE id = ${actors.olivia.personId}::uuid`);
    }
    expect(await queryRows(conn.db, sql`SELECT id FROM identities WHERE name = 'smoke-runner-left'`)).toEqual([]);
    const [r] = await queryRows<{ status: string; recheck: { outcome: string }; awaiting_approver_id: string | null }>(
      conn.db,
      sql`SELECT status, decision_trace->'recheck' AS recheck, awaiting_approver_id FROM requests WHERE id = ${submitted.id}::uuid`,
    );
    expect(r).toMatchObject({ status: "denied", recheck: { outcome: "deny" }, awaiting_approver_id: null });
    const trail = await queryRows<{ action: string; actor_type: string }>(
      conn.db,
      sql`SELECT action, actor_type FROM audit_events WHERE subject_type = 'request' AND subject_id = ${submitted.id} ORDER BY seq`,
    );
    expect(trail).toEqual([
      { action: "request.submitted", actor_type: "person" },
      { action: "request.stage_approved", actor_type: "person" },
      { action: "request.denied", actor_type: "system" },
    ]);
  });

  it("adds the security stage when a permission became privileged while the request waited", async () => {
    const ledger = curatedId("olivia-ledger-key"); // production, owned by Olivia
    const submitted = await submitRequest(conn.db, actors.olivia, {
      type: "grant_entitlement",
      identityId: ledger,
      resource: "ledger-db",
      permission: "vacuum",
      expiresOn: inDays(20),
      justification: "Nightly maintenance of the ledger tables",
    });
    expect(submitted.decision.stages.map((s) => s.rule)).toEqual(["owner_manager"]);
    await changePolicySetting(conn.db, actors.sam, {
      field: "privilegedPermissions",
      value: JSON.stringify([...DEFAULT_POLICY_SETTINGS.privilegedPermissions, "vacuum"]),
    });
    try {
      const out = await decideStage(conn.db, actors.maya, { requestId: submitted.id, decision: "approve" });
      expect(out).toMatchObject({ status: "pending", addedStages: ["security"] });
      const [r] = await queryRows<{
        awaiting_security: boolean;
        awaiting_approver_id: string | null;
        current_stage: number;
        standard: boolean;
      }>(
        conn.db,
        sql`SELECT awaiting_security, awaiting_approver_id, current_stage, standard FROM requests WHERE id = ${submitted.id}::uuid`,
      );
      expect(r).toEqual({ awaiting_security: true, awaiting_approver_id: null, current_stage: 2, standard: false });
      expect(
        (await listRequests(conn.db, actors.sam, parseQueueFilter({ queue: "decide", size: "200" }), new Date())).map(
          (x) => x.id,
        ),
      ).toContain(submitted.id);
      expect(
        await queryRows(conn.db, sql`SELECT id FROM entitlements WHERE granted_by_request_id = ${submitted.id}::uuid`),
      ).toEqual([]);
      expect((await decideStage(conn.db, actors.sam, { requestId: submitted.id, decision: "approve" })).status).toBe(
        "fulfilled",
      );
      const [grant] = await queryRows<{ privileged: boolean }>(
        conn.db,
        sql`SELECT privileged FROM entitlements WHERE granted_by_request_id = ${submitted.id}::uuid`,
      );
      expect(grant).toEqual({ privileged: true });
    } finally {
      await changePolicySetting(conn.db, actors.sam, {
        field: "privilegedPermissions",
        value: JSON.stringify(DEFAULT_POLICY_SETTINGS.privilegedPermissions),
      });
    }
  });
});

describe("policy exceptions", () => {
  it("an approved exception is stored, and lets a later extension go past the environment's maximum", async () => {
    const worker = curatedId("olivia-refund-worker"); // production: 90 days at most
    const longer = {
      type: "extend_expiry",
      identityId: worker,
      expiresOn: inDays(110),
      justification: "The replacement worker ships after the freeze",
    };
    expect((await previewRequest(conn.db, actors.olivia, longer)).outcome).toBe("deny");

    const ex = await submitRequest(conn.db, actors.olivia, {
      type: "policy_exception",
      identityId: worker,
      endsOn: inDays(30),
      justification: "The refund worker cannot be replaced before the January freeze ends",
    });
    expect(ex.decision.stages.map((s) => s.rule)).toEqual(["owner_manager", "security"]);
    await decideStage(conn.db, actors.maya, { requestId: ex.id, decision: "approve" });
    expect(await queryRows(conn.db, sql`SELECT id FROM policy_exceptions WHERE identity_id = ${worker}::uuid`)).toEqual(
      [],
    );
    await decideStage(conn.db, actors.sam, { requestId: ex.id, decision: "approve" });
    const [stored] = await queryRows<{ rule: string; ends_at: string; request_id: string }>(
      conn.db,
      sql`SELECT rule, ends_at::text, request_id FROM policy_exceptions WHERE identity_id = ${worker}::uuid`,
    );
    expect(stored).toMatchObject({ rule: "expiry-within-lifetime", request_id: ex.id });
    expect(new Date(stored!.ends_at).toISOString().slice(0, 10)).toBe(inDays(30));

    const preview = await previewRequest(conn.db, actors.olivia, longer);
    expect(preview.outcome).toBe("needs_approval");
    expect(preview.rules.find((r) => r.rule === "expiry-within-lifetime")?.reason).toMatch(/policy exception in force/);
    expect((await previewRequest(conn.db, actors.olivia, { ...longer, expiresOn: inDays(125) })).outcome).toBe("deny");
  });
});

describe("who a request waits for", () => {
  it("the columns the queues read agree, for every request, with its stages and decisions", async () => {
    const disagree = await requestsOutOfSync(conn.db);
    expect(disagree).toEqual([]);
    // And the test ran over requests in every state it can name.
    const states = (await queryRows<{ status: string }>(conn.db, sql`SELECT DISTINCT status FROM requests`))
      .map((r) => r.status)
      .sort();
    expect(states).toEqual(expect.arrayContaining(["denied", "fulfilled", "pending"]));
  });
});
