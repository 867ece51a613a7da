import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { pgServerTests, testDatabase } from "@/lib/testing";
import { retireSystem } from "@/lib/systems/systems";
import { decideStage } from "./decide";
import { submitRequest } from "./submit";

// Retiring a system and the final approval of a request that creates an identity in it, at the
// same moment, on a server where transactions truly run at once. Whichever commits first, no live
// identity is left in a retired system without its revocation under way.

const serverUp = await pgServerTests(
  "retire-race.test (retirement racing a fulfilment) [PostgreSQL: real concurrency]",
);

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

describe.runIf(serverUp)("a retirement racing a fulfilment [PostgreSQL: real concurrency]", () => {
  const conn = testDatabase({ identities: 30, server: true });
  const actors = conn.personas;

  it("never leaves a live identity in a retired system, whichever commits first", async () => {
    const outcomes = { retired: 0, fulfilled: 0 };
    for (let round = 0; round < 12; round++) {
      const [{ id: systemId }] = (await queryRows<{ id: string }>(
        conn.db,
        sql`INSERT INTO systems (name, kind, environment, connector) VALUES (${`Race target ${round}`}, 'saas_app', 'staging', 'manual') RETURNING id`,
      )) as [{ id: string }];
      const request = await submitRequest(conn.db, actors.olivia, {
        type: "new_identity",
        name: `race-svc-${round}`,
        kind: "service_account",
        systemId,
        purpose: "Runs the staging smoke tests after each deploy",
        expiresOn: inDays(30),
        credentialType: "federated",
        entitlements: [],
        justification: "Smoke tests need their own identity",
      });
      expect(request.status).toBe("pending");
      const [approval, retirement] = await Promise.allSettled([
        decideStage(conn.db, actors.maya, { requestId: request.id, decision: "approve" }),
        retireSystem(conn.db, actors.ada, { systemId, confirmCount: 0, reason: "The vendor contract ended" }),
      ]);
      if (retirement.status === "fulfilled") outcomes.retired++;
      if (approval.status === "fulfilled" && approval.value.status === "fulfilled") outcomes.fulfilled++;
      // Either the retirement came first (policy's second look denies the request) or the identity
      // came first (the retirement saw one live identity more than confirmed, and refused).
      expect(
        retirement.status === "fulfilled" && approval.status === "fulfilled" && approval.value.status === "fulfilled",
        `round ${round}`,
      ).toBe(false);
      const stranded = await queryRows<{ id: string }>(
        conn.db,
        sql`SELECT i.id FROM identities i JOIN systems s ON s.id = i.system_id
            WHERE s.id = ${systemId}::uuid AND s.status = 'retired' AND i.status IN ('pending', 'active', 'suspended')
              AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.identity_id = i.id AND r.status IN ('requested', 'executing', 'executed', 'failed'))`,
      );
      expect(stranded, `round ${round}`).toEqual([]);
    }
    expect(outcomes.retired + outcomes.fulfilled).toBe(12);
  });
});
