import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, auditCount, curatedId, refusal, useTestDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { cancelRequest, decideStage } from "./decide";
import { expireStaleRequests } from "./expire";
import { cursorAfter, QUEUE_SORTS, inbox, listRequests, parseQueueFilter, SERVICE_LEVEL_HOURS } from "./queue";
import { requestsOutOfSync } from "./stages";
import { previewRequest, submitRequest } from "./submit";

// Requests end to end in the domain: policy decides, people approve in order, the final approval
// carries the request out, and every step is in the audit log. Denials and refusals change nothing.

let olivia: Actor, omar: Actor, maya: Actor, sam: Actor, ari: Actor;
let awsProd: string, awsSandbox: string;
const conn = useTestDatabase({ identities: 60 });
beforeAll(async () => {
  olivia = await actorOf(conn.db, "olivia");
  omar = await actorOf(conn.db, "omar");
  maya = await actorOf(conn.db, "maya");
  sam = await actorOf(conn.db, "sam");
  ari = await actorOf(conn.db, "ari");
  awsProd = (
    await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM systems WHERE name LIKE 'AWS production%'`)
  )[0]!.id;
  awsSandbox = (
    await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM systems WHERE name LIKE 'AWS sandbox%'`)
  )[0]!.id;
});

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
const newIdentity = (over: Record<string, unknown> = {}) => ({
  type: "new_identity",
  name: `svc-${Math.random().toString(36).slice(2, 8)}`,
  kind: "service_account",
  systemId: awsProd,
  purpose: "Reconciles card settlements every night",
  expiresOn: inDays(60),
  credentialType: "federated",
  entitlements: [{ resource: "arn:aws:iam::4123:role/settlements", permission: "AdministratorAccess" }],
  justification: "The nightly settlement job moves to its own account",
  ...over,
});
const countRows = async (table: "requests" | "identities" | "stage_decisions") =>
  (await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}`))[0]!.n;

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
        systemId: awsSandbox,
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
    const before = {
      requests: await countRows("requests"),
      identities: await countRows("identities"),
      audit: await auditCount(conn.db),
    };
    const sandboxBaseline = newIdentity({ systemId: awsSandbox, entitlements: [], expiresOn: inDays(30) });
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
    expect({
      requests: await countRows("requests"),
      identities: await countRows("identities"),
      audit: await auditCount(conn.db),
    }).toEqual(before);
  });

  it("refuses a name that a live identity of the system already has, by name or external id", async () => {
    const [taken] = await queryRows<{ name: string; external_id: string }>(
      conn.db,
      sql`SELECT name, external_id FROM identities WHERE system_id = ${awsSandbox}::uuid AND status = 'active' AND external_id IS NOT NULL LIMIT 1`,
    );
    const before = await countRows("requests");
    expect(
      (await refusal(submitRequest(conn.db, omar, newIdentity({ systemId: awsSandbox, name: taken!.name }))))
        .fieldErrors?.name?.[0],
    ).toMatch(/taken/);
    expect(
      (
        await refusal(
          submitRequest(
            conn.db,
            omar,
            newIdentity({
              systemId: awsSandbox,
              name: taken!.external_id.split("/").pop() === taken!.name ? taken!.name : taken!.external_id,
            }),
          ),
        )
      ).code,
    ).toBe("invalid");
    expect(await countRows("requests")).toBe(before);
  });

  it("a request policy denies, or one that does not parse, writes nothing", async () => {
    const before = {
      requests: await countRows("requests"),
      identities: await countRows("identities"),
      audit: await auditCount(conn.db),
    };
    const denied = await refusal(submitRequest(conn.db, olivia, newIdentity({ expiresOn: inDays(200) })));
    expect(denied.message).toMatch(/production allows at most 90 days/);
    expect(denied.fieldErrors?.policy).toHaveLength(1);
    const bad = await refusal(
      submitRequest(conn.db, olivia, { type: "new_identity", name: "x y", expiresOn: "31/12/2026" }),
    );
    expect(bad.code).toBe("invalid");
    expect(Object.keys(bad.fieldErrors ?? {})).toEqual(
      expect.arrayContaining(["name", "kind", "systemId", "expiresOn", "justification"]),
    );
    expect(
      (await refusal(submitRequest(conn.db, olivia, newIdentity({ systemId: "00000000-0000-4000-8000-000000000000" }))))
        .fieldErrors?.systemId,
    ).toEqual(["That system was not found."]);
    expect(
      (await refusal(submitRequest(conn.db, olivia, newIdentity({ backupOwnerId: olivia.personId })))).fieldErrors
        ?.backupOwnerId,
    ).toBeDefined();
    expect({
      requests: await countRows("requests"),
      identities: await countRows("identities"),
      audit: await auditCount(conn.db),
    }).toEqual(before);
  });

  it("each request type about an existing identity: its happy path and its policy denial", async () => {
    const key = curatedId("olivia-refund-worker"); // production, owned by Olivia, expiring in 80 days
    const grant = await submitRequest(conn.db, olivia, {
      type: "grant_entitlement",
      identityId: key,
      resource: "ledger",
      permission: "SELECT",
      expiresOn: inDays(30),
      justification: "Needs to read the ledger",
    });
    expect(await decideStage(conn.db, maya, { requestId: grant.id, decision: "approve" })).toMatchObject({
      status: "fulfilled",
    });
    expect(
      (
        await queryRows(
          conn.db,
          sql`SELECT 1 FROM entitlements WHERE identity_id = ${key}::uuid AND permission = 'SELECT' AND granted_by_request_id = ${grant.id}::uuid`,
        )
      ).length,
    ).toBe(1);

    const extend = await submitRequest(conn.db, olivia, {
      type: "extend_expiry",
      identityId: key,
      expiresOn: inDays(88),
      justification: "Quarter-end reconciliation",
    });
    // Maya shortens what was asked, and may not lengthen it.
    expect(
      (await refusal(decideStage(conn.db, maya, { requestId: extend.id, decision: "approve", shortenTo: inDays(89) })))
        .message,
    ).toMatch(/never lengthen/);
    await decideStage(conn.db, maya, { requestId: extend.id, decision: "approve", shortenTo: inDays(85) });
    const [after] = await queryRows<{ d: string }>(
      conn.db,
      sql`SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d FROM identities WHERE id = ${key}::uuid`,
    );
    expect(after!.d).toBe(inDays(85));
    expect(
      (
        await refusal(
          submitRequest(conn.db, olivia, {
            type: "extend_expiry",
            identityId: key,
            expiresOn: inDays(400),
            justification: "Forever please",
          }),
        )
      ).fieldErrors?.policy?.[0],
    ).toMatch(/at most 90 days/);

    const exception = await submitRequest(conn.db, olivia, {
      type: "policy_exception",
      identityId: key,
      endsOn: inDays(60),
      justification: "The bank's SFTP cannot take short-lived keys until March",
    });
    await decideStage(conn.db, maya, { requestId: exception.id, decision: "approve" });
    expect(await decideStage(conn.db, sam, { requestId: exception.id, decision: "approve" })).toMatchObject({
      status: "fulfilled",
    });
    expect(await auditCount(conn.db, "policy.exception_granted")).toBe(1);
    expect(
      (
        await refusal(
          submitRequest(conn.db, olivia, {
            type: "policy_exception",
            identityId: key,
            endsOn: inDays(200),
            justification: "The bank's SFTP cannot take short-lived keys",
          }),
        )
      ).message,
    ).toMatch(/at most 90 days/);

    const transfer = await submitRequest(conn.db, olivia, {
      type: "transfer_ownership",
      identityId: key,
      newOwnerId: omar.personId,
      justification: "Omar runs reconciliation now",
    });
    await decideStage(conn.db, maya, { requestId: transfer.id, decision: "approve" });
    expect(
      (await queryRows<{ owner_id: string }>(conn.db, sql`SELECT owner_id FROM identities WHERE id = ${key}::uuid`))[0]!
        .owner_id,
    ).toBe(omar.personId);
    const dan = (
      await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM users WHERE email = 'dan.departed@example.com'`)
    )[0]!.id;
    expect(
      (
        await refusal(
          submitRequest(conn.db, omar, {
            type: "transfer_ownership",
            identityId: key,
            newOwnerId: dan,
            justification: "Give it back to Dan",
          }),
        )
      ).message,
    ).toMatch(/has left/);
  });

  it("refuses a second pending request for the same identity and type, and a request about someone else's identity", async () => {
    const key = curatedId("olivia-payments-api");
    const first = await submitRequest(conn.db, olivia, {
      type: "extend_expiry",
      identityId: key,
      expiresOn: inDays(80),
      justification: "Another quarter",
    });
    const again = await refusal(
      submitRequest(conn.db, olivia, {
        type: "extend_expiry",
        identityId: key,
        expiresOn: inDays(70),
        justification: "Another quarter",
      }),
    );
    expect(again.code).toBe("conflict");
    expect(again.message).toContain(`/requests/${first.id}`);
    expect(
      (
        await refusal(
          submitRequest(conn.db, ari, {
            type: "extend_expiry",
            identityId: key,
            expiresOn: inDays(70),
            justification: "Auditors change nothing",
          }),
        )
      ).code,
    ).toBe("forbidden");
    // Only the requester cancels; then a new request may be made.
    expect((await refusal(cancelRequest(conn.db, maya, first.id))).code).toBe("forbidden");
    await cancelRequest(conn.db, olivia, first.id);
    expect(
      (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM requests WHERE id = ${first.id}::uuid`))[0]!
        .status,
    ).toBe("cancelled");
    expect(
      (
        await submitRequest(conn.db, olivia, {
          type: "extend_expiry",
          identityId: key,
          expiresOn: inDays(70),
          justification: "Another quarter",
        })
      ).status,
    ).toBe("pending");
  });

  it("a denial needs a reason and ends the request", async () => {
    const r = await submitRequest(conn.db, omar, newIdentity({ name: "omar-admin" }));
    expect(
      (await refusal(decideStage(conn.db, maya, { requestId: r.id, decision: "deny" }))).fieldErrors?.comment,
    ).toBeDefined();
    expect(
      await decideStage(conn.db, maya, { requestId: r.id, decision: "deny", comment: "Use the shared deploy role" }),
    ).toMatchObject({ status: "denied" });
    expect((await refusal(decideStage(conn.db, sam, { requestId: r.id, decision: "approve" }))).message).toMatch(
      /already denied \(Maya Manager decided first: deny\)/,
    );
  });

  // Fifty approvers deciding one stage at once: requests-concurrency.test.ts, on a PostgreSQL server
  // (here, one transaction at a time, the row lock is never contended and it could not fail).

  it("pending requests older than the stale limit expire, once, each with an audit event", async () => {
    const r = await submitRequest(conn.db, olivia, newIdentity({ name: "stale-svc" }));
    await conn.db.execute(sql`UPDATE requests SET created_at = now() - interval '15 days' WHERE id = ${r.id}::uuid`);
    const pendingBefore = (
      await queryRows<{ n: number }>(
        conn.db,
        sql`SELECT count(*)::int AS n FROM requests WHERE status = 'pending' AND created_at < now() - interval '14 days'`,
      )
    )[0]!.n;
    const job = { type: "job" as const, id: null, label: "job requests.expire" };
    const first = await expireStaleRequests(conn.db, job, new Date());
    expect(first).toEqual({ expired: pendingBefore, staleDays: 14 });
    expect(
      (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM requests WHERE id = ${r.id}::uuid`))[0]!
        .status,
    ).toBe("expired");
    expect(await auditCount(conn.db, "request.expired")).toBe(pendingBefore);
    expect(await expireStaleRequests(conn.db, job, new Date())).toEqual({ expired: 0, staleDays: 14 });
    expect((await refusal(decideStage(conn.db, maya, { requestId: r.id, decision: "approve" }))).message).toMatch(
      /already expired/,
    );
  });

  it("the bell counts exactly what the Needs my decision queue lists, for every persona", async () => {
    await submitRequest(conn.db, olivia, newIdentity({ name: "inbox-svc" }));
    for (const actor of [olivia, omar, maya, sam, ari]) {
      const queue = await listRequests(conn.db, actor, parseQueueFilter({ queue: "decide", size: "200" }), new Date());
      const box = await inbox(conn.db, actor, new Date());
      expect(box.toDecide, actor.email).toBe(queue.length);
      expect(
        queue.every((r) => r.mine && r.status === "pending"),
        actor.email,
      ).toBe(true);
    }
    expect((await inbox(conn.db, maya, new Date())).toDecide).toBeGreaterThan(0);
    expect((await inbox(conn.db, olivia, new Date())).toDecide).toBe(0);
  });

  it("the queues page by keyset for every sort in both orders, each request once, and only security and auditors see all", async () => {
    for (const sort of QUEUE_SORTS) {
      for (const dir of ["asc", "desc"] as const) {
        const d = sql.raw(dir.toUpperCase());
        const lead = sort === "created" ? sql`` : sql`${sql.raw(sort)} ${d}, `;
        const truth = (
          await queryRows<{ id: string }>(
            conn.db,
            sql`SELECT id FROM requests ORDER BY ${lead}created_at ${d}, id ${d}`,
          )
        ).map((r) => r.id);
        const seen: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < 50; i++) {
          const page = await listRequests(
            conn.db,
            sam,
            parseQueueFilter({ queue: "all", sort, dir, size: "10", after }),
            new Date(),
          );
          seen.push(...page.map((r) => r.id));
          if (page.length < 10) break;
          after = cursorAfter(page.at(-1)!, sort);
        }
        expect(seen, `${sort} ${dir}`).toEqual(truth);
      }
    }
    // A cursor from one sort is refused by another: it would skip or repeat rows.
    expect(() =>
      parseQueueFilter({ sort: "type", after: "2026-11-27T12:00:00.000Z_00000000-0000-4000-8000-000000000000" }),
    ).toThrow(/not valid/);
    expect(await listRequests(conn.db, olivia, parseQueueFilter({ queue: "all" }), new Date())).toEqual([]);
    expect(
      (await listRequests(conn.db, ari, parseQueueFilter({ queue: "all", size: "200" }), new Date())).length,
    ).toBeGreaterThan(5);
    let broken: unknown;
    try {
      parseQueueFilter({ after: "not-a-cursor" });
    } catch (e) {
      broken = e;
    }
    expect((broken as { fieldErrors?: Record<string, string[]> }).fieldErrors?.after?.[0]).toMatch(
      /page link is broken/,
    );
  });

  it("leaves every request's kept columns (who it waits for) in agreement with its stages, after submit, decide, cancel and expiry", async () => {
    expect(await requestsOutOfSync(conn.db)).toEqual([]);
    const states = (await queryRows<{ status: string }>(conn.db, sql`SELECT DISTINCT status FROM requests`)).map(
      (r) => r.status,
    );
    expect(states).toEqual(expect.arrayContaining(["cancelled", "expired", "denied", "fulfilled", "pending"]));
  });

  it("filters: past the service level and standard only, each exactly what SQL says, for security's view of all", async () => {
    const at = new Date();
    const cutoff = new Date(at.getTime() - SERVICE_LEVEL_HOURS * 3_600_000).toISOString();
    const overdue = await listRequests(conn.db, sam, parseQueueFilter({ queue: "all", overdue: "1", size: "200" }), at);
    const overdueTruth = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM requests WHERE status = 'pending' AND created_at <= ${cutoff}::timestamptz ORDER BY created_at, id`,
    );
    expect(overdue.map((r) => r.id)).toEqual(overdueTruth.map((r) => r.id));
    expect(overdue.length).toBeGreaterThan(0); // the seed's requests are days old
    expect(overdue.every((r) => r.waitingHours >= SERVICE_LEVEL_HOURS)).toBe(true);
    const standard = await listRequests(
      conn.db,
      sam,
      parseQueueFilter({ queue: "all", standard: "1", size: "200" }),
      at,
    );
    const standardTruth = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM requests WHERE status = 'pending' AND standard ORDER BY created_at, id`,
    );
    expect(standard.map((r) => r.id)).toEqual(standardTruth.map((r) => r.id));
    expect(standard.length).toBeGreaterThan(0); // the seed's extensions and grant wait for Maya
    expect(standard.every((r) => r.standard)).toBe(true);
    expect(() => parseQueueFilter({ overdue: "yes" })).toThrow(/not valid/);
  });
});
