import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { auditCount, refusal } from "@/lib/testing";
import { cancelRequest, decideStage } from "./decide";
import { expireStaleRequests } from "./expire";
import { cursorAfter, QUEUE_SORTS, inbox, listRequests, parseQueueFilter, SERVICE_LEVEL_HOURS } from "./queue";
import { requestsEstate } from "./requests-test-estate";
import { requestsOutOfSync } from "./stages";
import { submitRequest } from "./submit";

// Deciding and expiring requests, and the queues that list them: the bell, keyset paging, filters,
// and the kept columns that say who a request waits for.

const { conn, systems, newIdentity } = requestsEstate();
let olivia: Actor, omar: Actor, maya: Actor, sam: Actor, ari: Actor;
beforeAll(() => void ({ olivia, omar, maya, sam, ari } = conn.personas));

describe("requests", () => {
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
    const byCreated = cursorAfter(
      {
        type: "new_identity",
        status: "pending",
        createdAt: "2026-11-27T12:00:00.000Z",
        id: "00000000-0000-4000-8000-000000000000",
      },
      "created",
    );
    expect(() => parseQueueFilter({ sort: "type", after: byCreated })).toThrow(/not valid/);
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
    // This file's requests: the tests above denied and expired some; policy carries one out, one is cancelled.
    await submitRequest(
      conn.db,
      omar,
      newIdentity({ systemId: systems.awsSandbox, entitlements: [{ resource: "reports", permission: "read" }] }),
    );
    await cancelRequest(conn.db, olivia, (await submitRequest(conn.db, olivia, newIdentity())).id);
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
