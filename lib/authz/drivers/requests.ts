import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { queryRows } from "@/db";
import { approveStandardInBulk, cancelRequest, decideStage } from "@/lib/requests/decide";
import { syncCurrentStage } from "@/lib/requests/stages";
import { submitRequest } from "@/lib/requests/submit";

import {
  actors,
  ids,
  dayFromNow,
  PAYMENTS_API,
  LEDGER_KEY,
  EXTEND_LEDGER,
  GRANT_ARTIFACTS,
  driver,
  exec,
  identities,
  managerStageRequest,
  one,
  expectApprovedBy,
  inAuditorCell,
  type Ctx,
  type Driver,
} from "./kit";

// How the matrix tries each request row: the target, the call, what an allowed call changes.

/** The cell's actor approves the stage the request waits for. */
const approveStage = (requestId: string, comment: string) => (c: Ctx) =>
  decideStage(c.tx, c.actor, { requestId, decision: "approve", comment });

export const REQUEST_DRIVERS: Record<string, Driver> = {
  "submitRequest (a new identity)": driver({
    setup: async () => {},
    // Owned by the requester (no ownerId given); in a production system, so it waits for approval.
    call: (c) =>
      submitRequest(c.tx, c.actor, {
        type: "new_identity",
        name: `matrix-${c.relation}-bot`,
        kind: "bot",
        systemId: ids.slack,
        environment: "production",
        purpose: "Posts the matrix test's results to a channel",
        expiresOn: dayFromNow(30),
        credentialType: "short_lived_token",
        justification: "The authorization matrix needs a bot",
        entitlements: [],
      }),
    async verify(c) {
      const rows = await queryRows(
        c.tx,
        sql`SELECT type, payload->>'ownerId' AS owner FROM requests WHERE requester_id = ${c.actor.personId}::uuid AND payload->>'name' = ${`matrix-${c.relation}-bot`}`,
      );
      expect(rows).toEqual([{ type: "new_identity", owner: c.actor.personId }]);
    },
    events: ["request.submitted"],
  }),
  "submitRequest (about an identity)": driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) =>
      submitRequest(c.tx, c.actor, {
        type: "extend_expiry",
        identityId: PAYMENTS_API,
        expiresOn: dayFromNow(80),
        justification: "Payments still run on it this quarter",
      }),
    async verify(c) {
      const rows = await queryRows(
        c.tx,
        sql`SELECT type FROM requests WHERE requester_id = ${c.actor.personId}::uuid AND subject_identity_id = ${PAYMENTS_API}::uuid AND type = 'extend_expiry'`,
      );
      expect(rows).toEqual([{ type: "extend_expiry" }]);
    },
    events: ["request.submitted"],
  }),
  "decideStage (the manager stage)": driver({
    setup: (c) => managerStageRequest(c, EXTEND_LEDGER, LEDGER_KEY),
    call: approveStage(EXTEND_LEDGER, "Still needed (the matrix)"),
    async verify(c) {
      await expectApprovedBy(c, EXTEND_LEDGER, 1);
    },
    events: ["request.stage_approved"],
  }),
  "decideStage (the security stage)": driver({
    async setup(c) {
      await identities({ ...c, relation: "owner" }, [PAYMENTS_API]);
      // Maya approved the first stage: the request now waits for security.
      await exec(
        c.tx,
        sql`INSERT INTO stage_decisions (stage_id, decided_by, decision) SELECT id, ${actors.ownerManager.personId}::uuid, 'approve' FROM approval_stages WHERE request_id = ${GRANT_ARTIFACTS}::uuid AND position = 1`,
      );
      await syncCurrentStage(c.tx, sql`r2.id = ${GRANT_ARTIFACTS}::uuid`);
    },
    call: approveStage(GRANT_ARTIFACTS, "Privileged, and justified (the matrix)"),
    async verify(c) {
      await expectApprovedBy(c, GRANT_ARTIFACTS, 2);
    },
    events: ["request.stage_approved"],
  }),
  approveStandardInBulk: driver({
    setup: (c) => managerStageRequest(c, EXTEND_LEDGER, LEDGER_KEY),
    call: (c) => approveStandardInBulk(c.tx, c.actor, { requestIds: [EXTEND_LEDGER] }),
    async verify(c, _t, out) {
      expect(out).toMatchObject({ approved: 1 });
      await expectApprovedBy(c, EXTEND_LEDGER, 1);
    },
    events: ["request.stage_approved", "request.bulk_approved"],
  }),
  cancelRequest: driver({
    async setup(c) {
      await identities({ ...c, relation: "owner" }, [LEDGER_KEY]);
      // The auditor's cell: Ari made the request.
      await inAuditorCell(
        c,
        sql`UPDATE requests SET requester_id = ${actors.auditor.personId}::uuid WHERE id = ${EXTEND_LEDGER}::uuid`,
      );
    },
    call: (c) => cancelRequest(c.tx, c.actor, EXTEND_LEDGER),
    async verify(c) {
      expect(
        (await one<{ status: string }>(c.tx, sql`SELECT status FROM requests WHERE id = ${EXTEND_LEDGER}::uuid`))
          .status,
      ).toBe("cancelled");
    },
    events: ["request.cancelled"],
  }),
};
