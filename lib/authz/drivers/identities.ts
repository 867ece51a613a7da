import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import {
  attestIdentity,
  bulkAttest,
  editPurpose,
  handOverIdentity,
  shortenExpiry,
} from "@/lib/identities/identity-actions";
import { bulkRevoke } from "@/lib/revocations/bulk";
import { confirmManualRevocation } from "@/lib/revocations/confirm";
import { requestRevocation } from "@/lib/revocations/request";
import { DAY } from "@/lib/clock";

import {
  actors,
  auditorManagesOwner,
  ids,
  dayFromNow,
  PAYMENTS_API,
  REFUND_WORKER,
  driver,
  identities,
  identityRow,
  ms,
  one,
  revocationsBy,
  type Driver,
} from "./kit";

// How the matrix tries each identity and revocation row: the target, the call, what an allowed call changes.

export const IDENTITY_DRIVERS: Record<string, Driver> = {
  attestIdentity: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) => attestIdentity(c.tx, c.actor, PAYMENTS_API),
    async verify(c) {
      // Its review was 45 days ahead; an attestation puts it a policy period (90 days) from now.
      expect(ms((await identityRow(c.tx, PAYMENTS_API)).next_review_at)).toBeGreaterThan(Date.now() + 85 * DAY);
    },
    events: ["identity.attested"],
  }),
  bulkAttest: driver({
    setup: (c) => identities(c, [PAYMENTS_API, REFUND_WORKER]),
    call: (c) => bulkAttest(c.tx, c.actor, [PAYMENTS_API, REFUND_WORKER]),
    async verify(c) {
      for (const id of [PAYMENTS_API, REFUND_WORKER])
        expect(ms((await identityRow(c.tx, id)).next_review_at)).toBeGreaterThan(Date.now() + 85 * DAY);
    },
    events: ["identity.attested"],
  }),
  editPurpose: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) =>
      editPurpose(c.tx, c.actor, {
        id: PAYMENTS_API,
        purpose: "Charges cards for the public payments API (restated by the matrix)",
      }),
    async verify(c) {
      expect((await identityRow(c.tx, PAYMENTS_API)).purpose).toBe(
        "Charges cards for the public payments API (restated by the matrix)",
      );
    },
    events: ["identity.purpose_changed"],
  }),
  shortenExpiry: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) => shortenExpiry(c.tx, c.actor, { id: PAYMENTS_API, expiresOn: dayFromNow(3) }),
    async verify(c) {
      expect(ms((await identityRow(c.tx, PAYMENTS_API)).expires_at)).toBe(
        new Date(`${dayFromNow(3)}T00:00:00Z`).getTime(),
      );
    },
    events: ["identity.expiry_shortened"],
  }),
  handOverIdentity: driver({
    async setup(c) {
      await identities({ ...c, relation: "owner" }, [PAYMENTS_API]);
      // The auditor's cell: Ari manages Olivia, the relation that lets a person hand over.
      await auditorManagesOwner(c);
    },
    call: (c) => handOverIdentity(c.tx, c.actor, { id: PAYMENTS_API, newOwnerId: ids.neutral }),
    async verify(c) {
      expect((await identityRow(c.tx, PAYMENTS_API)).owner_id).toBe(ids.neutral);
    },
    events: ["identity.owner_changed"],
  }),
  requestRevocation: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) =>
      requestRevocation(c.tx, c.actor, { identityId: PAYMENTS_API, reason: "No longer needed (the matrix asks)" }),
    async verify(c) {
      expect(await revocationsBy(c.tx, c.actor, PAYMENTS_API)).toEqual([{ status: "requested" }]);
    },
    events: ["revocation.requested"],
  }),
  bulkRevoke: driver({
    setup: (c) => identities(c, [PAYMENTS_API, REFUND_WORKER]),
    call: (c) =>
      bulkRevoke(c.tx, c.actor, { ids: [PAYMENTS_API, REFUND_WORKER], reason: "No longer needed (the matrix asks)" }),
    async verify(c) {
      for (const id of [PAYMENTS_API, REFUND_WORKER])
        expect(await revocationsBy(c.tx, c.actor, id)).toEqual([{ status: "requested" }]);
    },
    events: ["revocation.requested"],
  }),
  confirmManualRevocation: driver({
    async setup(c) {
      await identities(c, [REFUND_WORKER]);
      // Asked by Olivia and carried out by the manual connector: it waits for a person's evidence.
      return (
        await one<{ id: string }>(
          c.tx,
          sql`INSERT INTO revocations (target_type, identity_id, reason, requested_by, status, attempts, created_at, updated_at)
            VALUES ('identity', ${REFUND_WORKER}::uuid, 'The refunds move to the new platform', ${actors.owner.personId}::uuid, 'executed', 1, now(), now()) RETURNING id`,
        )
      ).id;
    },
    call: (c, revocationId) =>
      confirmManualRevocation(c.tx, c.actor, {
        revocationId,
        evidence: "Deleted the service account by hand: ticket OPS-1234",
      }),
    async verify(c, revocationId) {
      expect(
        (
          await one<{ status: string }>(
            c.tx,
            sql`SELECT status FROM revocations WHERE id = ${revocationId as string}::uuid`,
          )
        ).status,
      ).toBe("verified");
      expect((await identityRow(c.tx, REFUND_WORKER)).status).toBe("revoked");
    },
    events: ["revocation.confirmed"],
  }),
  "confirmManualRevocation (a grant)": driver({
    async setup(c) {
      await identities(c, [REFUND_WORKER]);
      // An approved grant the manual connector handed to a person: the entitlement waits, pending.
      const e = await one<{ id: string }>(
        c.tx,
        sql`INSERT INTO entitlements (identity_id, resource, permission, status) VALUES (${REFUND_WORKER}::uuid, 'refunds-ledger', 'read', 'pending') RETURNING id`,
      );
      const op = await one<{ id: string }>(
        c.tx,
        sql`INSERT INTO revocations (operation, target_type, identity_id, entitlement_id, reason, requested_by, status, attempts, created_at, updated_at)
          VALUES ('grant', 'entitlement', ${REFUND_WORKER}::uuid, ${e.id}::uuid, 'Approved request', ${actors.owner.personId}::uuid, 'executed', 0, now(), now()) RETURNING id`,
      );
      return { grantId: op.id, entitlementId: e.id };
    },
    call: (c, s) =>
      confirmManualRevocation(c.tx, c.actor, {
        revocationId: (s as { grantId: string }).grantId,
        evidence: "Granted read on the refunds ledger by hand: ticket OPS-4321",
      }),
    async verify(c, s) {
      const { entitlementId } = s as { entitlementId: string };
      expect(
        (await one<{ status: string }>(c.tx, sql`SELECT status FROM entitlements WHERE id = ${entitlementId}::uuid`))
          .status,
      ).toBe("active");
    },
    events: ["grant.confirmed"],
  }),
};
