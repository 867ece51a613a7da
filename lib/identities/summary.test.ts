import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, testDatabase } from "@/lib/testing";
import { orphanTotal, ownedSummary } from "./summary";

const conn = testDatabase({ identities: 300 });

describe("the overview's figures", () => {
  it("security and auditors see the estate's orphans, the same total the inventory's Orphaned view shows", async () => {
    const [truth] = await queryRows<{ n: number }>(
      conn.db,
      sql`SELECT count(*)::int AS n FROM identities i WHERE i.owner_id IS NULL OR i.owner_id IN (SELECT id FROM users WHERE status = 'departed')`,
    );
    expect(truth!.n).toBeGreaterThan(0);
    for (const key of ["sam", "ari"] as const)
      expect(await orphanTotal(conn.db, await actorOf(conn.db, key))).toEqual({ kind: "exact", value: truth!.n });
    for (const key of ["olivia", "maya", "ada"] as const)
      expect(await orphanTotal(conn.db, await actorOf(conn.db, key))).toBeNull();
  });

  it("counts the actor's own live identities by state", async () => {
    const summary = await ownedSummary(conn.db, await actorOf(conn.db, "olivia"));
    // Olivia's six curated identities (lib/seed/curated-olivia-omar.ts): one expiring, one expired, one dormant, two reviews overdue, one without expiry.
    expect(summary).toEqual({ owned: 6, expiring: 1, expired: 1, dormant: 1, reviewOverdue: 2, noExpiry: 1 });
  });
});
