import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { curatedId, refusal, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { retireSystem } from "@/lib/systems/systems";
import { decideStage } from "./decide";
import { submitRequest } from "./submit";

// README: the final approval "after policy looks once more at the facts and settings of that
// moment: if … the system retired while it waited, it is closed as denied". Retired here the way an
// admin does it, on the Systems page.

const conn = testDatabase({ identities: 60 });
const actors = conn.personas;

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

async function retire(admin: Actor, systemId: string) {
  const [live] = await queryRows<{ n: number }>(
    conn.db,
    sql`SELECT count(*)::int AS n FROM identities WHERE system_id = ${systemId}::uuid AND status IN ('pending', 'active', 'suspended')`,
  );
  await retireSystem(conn.db, admin, { systemId, confirmCount: live!.n, reason: "The cluster is decommissioned" });
}

describe("policy's second look when the system retired while the request waited", () => {
  it("a new identity in it is closed as denied at the final approval: nothing created, the reason in the trace's recheck, the denial audited", async () => {
    const [system] = await queryRows<{ id: string; name: string }>(
      conn.db,
      sql`SELECT id, name FROM systems WHERE name LIKE 'Kubernetes staging%'`,
    );
    const submitted = await submitRequest(conn.db, actors.olivia, {
      type: "new_identity",
      name: "smoke-runner-retired",
      kind: "service_account",
      systemId: system!.id,
      purpose: "Runs the staging smoke tests after each deploy",
      expiresOn: inDays(30),
      credentialType: "federated",
      entitlements: [{ resource: "staging-cluster", permission: "read" }],
      justification: "Smoke tests need their own identity",
    });
    expect(submitted.status).toBe("pending");

    await retire(actors.ada, system!.id);
    const out = await decideStage(conn.db, actors.maya, { requestId: submitted.id, decision: "approve" });
    expect(out.status).toBe("denied");
    expect(out.policyDenials?.join(" ")).toMatch(/retired/);

    expect(await queryRows(conn.db, sql`SELECT id FROM identities WHERE name = 'smoke-runner-retired'`)).toEqual([]);
    const [r] = await queryRows<{
      status: string;
      decided_at: unknown;
      awaiting_approver_id: string | null;
      recheck: { outcome: string; rules: { result: string; reason: string }[] };
    }>(
      conn.db,
      sql`SELECT status, decided_at, awaiting_approver_id, decision_trace->'recheck' AS recheck FROM requests WHERE id = ${submitted.id}::uuid`,
    );
    expect(r).toMatchObject({ status: "denied", awaiting_approver_id: null, recheck: { outcome: "deny" } });
    expect(r!.decided_at).not.toBeNull();
    expect(
      r!.recheck.rules
        .filter((rule) => rule.result === "deny")
        .map((rule) => rule.reason)
        .join(" "),
    ).toMatch(/system is retired/);

    const trail = await queryRows<{
      action: string;
      actor_type: string;
      after: { atFinalApproval?: boolean; reasons?: string[] } | null;
    }>(
      conn.db,
      sql`SELECT action, actor_type, after FROM audit_events WHERE subject_type = 'request' AND subject_id = ${submitted.id} ORDER BY seq`,
    );
    expect(trail.map((e) => [e.action, e.actor_type])).toEqual([
      ["request.submitted", "person"],
      ["request.stage_approved", "person"],
      ["request.denied", "system"],
    ]);
    expect(trail[2]!.after).toMatchObject({ atFinalApproval: true });
    expect(trail[2]!.after!.reasons!.join(" ")).toMatch(/system is retired/);
  });

  it("a grant on an identity of it is closed as denied too, and nothing new is asked of it afterwards", async () => {
    const identityId = curatedId("olivia-refund-worker"); // Kubernetes prod-eu-west-1
    const submitted = await submitRequest(conn.db, actors.olivia, {
      type: "grant_entitlement",
      identityId,
      resource: "namespace/ledger",
      permission: "get",
      expiresOn: inDays(20),
      justification: "Reads the ledger namespace's pods",
    });
    expect(submitted.status).toBe("pending");
    const [system] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT system_id AS id FROM identities WHERE id = ${identityId}::uuid`,
    );
    await retire(actors.ada, system!.id);
    const out = await decideStage(conn.db, actors.maya, { requestId: submitted.id, decision: "approve" });
    expect(out.status).toBe("denied");
    expect(out.policyDenials?.join(" ")).toMatch(/is retired/);
    expect(
      await queryRows(
        conn.db,
        sql`SELECT id FROM entitlements WHERE identity_id = ${identityId}::uuid AND resource = 'namespace/ledger'`,
      ),
    ).toEqual([]);
    const again = await refusal(
      submitRequest(conn.db, actors.olivia, {
        type: "extend_expiry",
        identityId,
        expiresOn: inDays(40),
        justification: "Needs a little longer",
      }),
    );
    expect(again.fieldErrors?.identityId?.[0]).toMatch(/is retired/);
  });
});
