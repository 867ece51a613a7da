import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { curatedId, refusal } from "@/lib/testing";
import { decideStage } from "./decide";
import { inDays, requestsEstate } from "./requests-test-estate";
import { previewRequest, submitRequest } from "./submit";

// Requesting a new identity, end to end in the domain: policy decides, people approve in order, the
// final approval carries the request out, and every step is in the audit log. Refusals change nothing.

const { conn, systems, newIdentity, countRows, written } = requestsEstate();
let olivia: Actor, omar: Actor, maya: Actor, sam: Actor, ari: Actor;
beforeAll(() => void ({ olivia, omar, maya, sam, ari } = conn.personas));

describe("requests", () => {
  it("Olivia's privileged production identity: Maya approves first, then Sam, and it is active with its birth certificate", async () => {
    const preview = await previewRequest(conn.db, olivia, newIdentity());
    expect(preview.outcome).toBe("needs_approval");
    const submitted = await submitRequest(conn.db, olivia, newIdentity({ name: "settlements-recon" }));
    expect(submitted.status).toBe("pending");
    const stages = await queryRows<{ approver_rule: string; approver_id: string | null }>(
      conn.db,
      sql`SELECT approver_rule, approver_id FROM approval_stages WHERE request_id = ${submitted.id}::uuid ORDER BY position`,
    );
    expect(stages).toEqual([
      { approver_rule: "owner_manager", approver_id: maya.personId },
      { approver_rule: "security", approver_id: null },
    ]);

    // Olivia cannot approve her own request, nor Sam the manager's stage, nor an auditor anything.
    expect((await refusal(decideStage(conn.db, olivia, { requestId: submitted.id, decision: "approve" }))).code).toBe(
      "forbidden",
    );
    expect(
      (await refusal(decideStage(conn.db, sam, { requestId: submitted.id, decision: "approve" }))).message,
    ).toMatch(/owner's manager/);
    expect((await refusal(decideStage(conn.db, ari, { requestId: submitted.id, decision: "approve" }))).code).toBe(
      "forbidden",
    );
    expect(await countRows("stage_decisions")).toBe(0);

    expect(await decideStage(conn.db, maya, { requestId: submitted.id, decision: "approve" })).toMatchObject({
      status: "pending",
    });
    expect(
      (await refusal(decideStage(conn.db, maya, { requestId: submitted.id, decision: "approve" }))).message,
    ).toMatch(/security team/);
    const done = await decideStage(conn.db, sam, {
      requestId: submitted.id,
      decision: "approve",
      comment: "Scoped to the settlements role",
    });
    expect(done.status).toBe("fulfilled");

    const [identity] = await queryRows<{
      status: string;
      owner_id: string;
      purpose: string;
      expires_at: string;
      origin: string;
      created_by_request_id: string;
    }>(
      conn.db,
      sql`SELECT status, owner_id, purpose, expires_at::text, origin, created_by_request_id FROM identities WHERE id = ${done.identityId}::uuid`,
    );
    expect(identity).toMatchObject({
      status: "active",
      owner_id: olivia.personId,
      purpose: "Reconciles card settlements every night",
      origin: "requested",
      created_by_request_id: submitted.id,
    });
    const [grant] = await queryRows<{ privileged: boolean; permission: string }>(
      conn.db,
      sql`SELECT privileged, permission FROM entitlements WHERE identity_id = ${done.identityId}::uuid`,
    );
    expect(grant).toEqual({ privileged: true, permission: "AdministratorAccess" });
    const trail = await queryRows<{ action: string; actor_label: string }>(
      conn.db,
      sql`SELECT action, actor_label FROM audit_events WHERE (subject_type = 'request' AND subject_id = ${submitted.id}) OR (subject_type = 'identity' AND subject_id = ${done.identityId}) ORDER BY seq`,
    );
    expect(trail).toEqual([
      { action: "request.submitted", actor_label: olivia.email },
      { action: "request.stage_approved", actor_label: maya.email },
      { action: "request.stage_approved", actor_label: sam.email },
      { action: "identity.created", actor_label: sam.email },
      { action: "request.fulfilled", actor_label: sam.email },
    ]);
  });

  it("the standard baseline is approved by policy at once, and recorded", async () => {
    const r = await submitRequest(
      conn.db,
      omar,
      newIdentity({
        systemId: systems.awsSandbox,
        entitlements: [{ resource: "reports", permission: "read" }],
        expiresOn: inDays(30),
      }),
    );
    expect(r.status).toBe("fulfilled");
    const [row] = await queryRows<{ status: string; decision_trace: { outcome: string } }>(
      conn.db,
      sql`SELECT status, decision_trace FROM requests WHERE id = ${r.id}::uuid`,
    );
    expect(row).toMatchObject({ status: "fulfilled", decision_trace: { outcome: "allow" } });
    const [event] = await queryRows<{ actor_label: string }>(
      conn.db,
      sql`SELECT actor_label FROM audit_events WHERE action = 'request.fulfilled' AND subject_id = ${r.id}`,
    );
    expect(event!.actor_label).toMatch(/^policy /);
  });

  it("takes the environment from the system, never from the form: a production identity labelled development is not auto-approved", async () => {
    const labelled = newIdentity({
      environment: "development",
      entitlements: [{ resource: "reports", permission: "read" }],
      expiresOn: inDays(30),
    });
    const preview = await previewRequest(conn.db, omar, labelled);
    expect(preview.outcome).toBe("needs_approval");
    expect(preview.rules.find((r) => r.rule === "manager-approves-first")?.result).toBe("needs_approval");
    const r = await submitRequest(conn.db, omar, labelled);
    expect(r.status).toBe("pending");
    const [row] = await queryRows<{ payload: { environment: string } }>(
      conn.db,
      sql`SELECT payload FROM requests WHERE id = ${r.id}::uuid`,
    );
    expect(row!.payload.environment).toBe("production");
    await decideStage(conn.db, maya, { requestId: r.id, decision: "approve" });
    const [created] = await queryRows<{ environment: string }>(
      conn.db,
      sql`SELECT i.environment FROM identities i JOIN requests r ON r.subject_identity_id = i.id WHERE r.id = ${r.id}::uuid`,
    );
    expect(created!.environment).toBe("production");
  });

  it("an auditor requests nothing, and owns nothing: not as owner, backup owner or new owner", async () => {
    const before = await written();
    const sandboxBaseline = newIdentity({ systemId: systems.awsSandbox, entitlements: [], expiresOn: inDays(30) });
    expect((await refusal(submitRequest(conn.db, ari, sandboxBaseline))).message).toMatch(
      /Auditors read everything and change nothing/,
    );
    expect((await refusal(previewRequest(conn.db, ari, sandboxBaseline))).code).toBe("forbidden");
    expect(
      (await refusal(submitRequest(conn.db, olivia, { ...sandboxBaseline, ownerId: ari.personId }))).fieldErrors
        ?.ownerId?.[0],
    ).toMatch(/auditor/);
    expect(
      (await refusal(submitRequest(conn.db, olivia, { ...sandboxBaseline, backupOwnerId: ari.personId }))).fieldErrors
        ?.backupOwnerId?.[0],
    ).toMatch(/auditor/);
    const transfer = {
      type: "transfer_ownership",
      identityId: curatedId("olivia-payments-api"),
      newOwnerId: ari.personId,
      justification: "Ari takes it over for the audit",
    };
    expect((await refusal(submitRequest(conn.db, olivia, transfer))).fieldErrors?.newOwnerId?.[0]).toMatch(/auditor/);
    expect(await written()).toEqual(before);
  });

  it("refuses a name that a live identity of the system already has, by name or external id", async () => {
    const [taken] = await queryRows<{ name: string; external_id: string }>(
      conn.db,
      sql`SELECT name, external_id FROM identities WHERE system_id = ${systems.awsSandbox}::uuid AND status = 'active' AND external_id IS NOT NULL LIMIT 1`,
    );
    const before = await countRows("requests");
    expect(
      (await refusal(submitRequest(conn.db, omar, newIdentity({ systemId: systems.awsSandbox, name: taken!.name }))))
        .fieldErrors?.name?.[0],
    ).toMatch(/taken/);
    expect(
      (
        await refusal(
          submitRequest(
            conn.db,
            omar,
            newIdentity({
              systemId: systems.awsSandbox,
              name: taken!.external_id.split("/").pop() === taken!.name ? taken!.name : taken!.external_id,
            }),
          ),
        )
      ).code,
    ).toBe("invalid");
    expect(await countRows("requests")).toBe(before);
  });
});
