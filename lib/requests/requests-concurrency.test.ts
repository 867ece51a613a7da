import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { seedUuid } from "@/lib/seed/sql-util";
import { actorOf, auditCount, pgServerTests, testDatabase } from "@/lib/testing";
import { decideStage } from "./decide";

// Approvers deciding one stage at once, on a PostgreSQL server whatever DATABASE_URL says: the
// embedded database runs one transaction at a time, so there the request row's lock is never
// contended and this could not fail. Here fifty transactions truly race for it.

const onServer = await pgServerTests("requests-concurrency.test (50 approvers at once)");

describe.runIf(onServer)("deciding under concurrency", () => {
  const conn = testDatabase({ identities: 60, server: true });

  it("50 approvers deciding one stage at once record one decision, one audit event and one grant [PostgreSQL: real concurrency]", async () => {
    expect(conn.kind).toBe("postgres");
    // The seeded grant on Olivia's payments API: Maya's stage, then security's.
    const requestId = seedUuid("request", 1, "olivia-grant-artifacts");
    const maya = await actorOf(conn.db, "maya");
    const sam = await actorOf(conn.db, "sam");
    await decideStage(conn.db, maya, { requestId, decision: "approve" });
    const before = {
      approved: await auditCount(conn.db, "request.stage_approved"),
      fulfilled: await auditCount(conn.db, "request.fulfilled"),
    };

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => decideStage(conn.db, sam, { requestId, decision: "approve" })),
    );
    expect(results.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    for (const x of results)
      if (x.status === "rejected")
        expect(String((x.reason as Error).message)).toMatch(
          /already fulfilled \(Sam Security decided first: approve\)/,
        );

    expect(await auditCount(conn.db, "request.stage_approved")).toBe(before.approved + 1);
    expect(await auditCount(conn.db, "request.fulfilled")).toBe(before.fulfilled + 1);
    const [decisions] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM stage_decisions sd JOIN approval_stages s ON s.id = sd.stage_id WHERE s.request_id = ${requestId}::uuid`,
    );
    expect(decisions!.n).toBe(2);
    expect(
      await queryRows(conn.db, sql`SELECT 1 FROM entitlements WHERE granted_by_request_id = ${requestId}::uuid`),
    ).toHaveLength(1);
    const [status] = await queryRows<{ status: string }>(
      conn.db,
      sql`SELECT status FROM requests WHERE id = ${requestId}::uuid`,
    );
    expect(status!.status).toBe("fulfilled");
  });
});
