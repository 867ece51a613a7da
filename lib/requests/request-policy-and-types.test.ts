import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { auditCount, curatedId, refusal } from "@/lib/testing";
import { cancelRequest, decideStage } from "./decide";
import { inDays, requestsEstate } from "./requests-test-estate";
import { submitRequest } from "./submit";

// What a request policy denies writes nothing; each request type about an existing identity has its
// happy path and its denial; one pending request per identity and type.

const { conn, newIdentity, written } = requestsEstate();
let olivia: Actor, omar: Actor, maya: Actor, sam: Actor, ari: Actor;
beforeAll(() => void ({ olivia, omar, maya, sam, ari } = conn.personas));
/** Olivia's request, which must be refused: the refusal. */
const oliviaRefused = (input: Parameters<typeof submitRequest>[2]) => refusal(submitRequest(conn.db, olivia, input));

describe("requests", () => {
  it("a request policy denies, or one that does not parse, writes nothing", async () => {
    const before = await written();
    const denied = await oliviaRefused(newIdentity({ expiresOn: inDays(200) }));
    expect(denied.message).toMatch(/production allows at most 90 days/);
    expect(denied.fieldErrors?.policy).toHaveLength(1);
    const bad = await oliviaRefused({ type: "new_identity", name: "x y", expiresOn: "31/12/2026" });
    expect(bad.code).toBe("invalid");
    expect(Object.keys(bad.fieldErrors ?? {})).toEqual(
      expect.arrayContaining(["name", "kind", "systemId", "expiresOn", "justification"]),
    );
    expect(
      (await oliviaRefused(newIdentity({ systemId: "00000000-0000-4000-8000-000000000000" }))).fieldErrors?.systemId,
    ).toEqual(["That system was not found."]);
    expect(
      (await oliviaRefused(newIdentity({ backupOwnerId: olivia.personId }))).fieldErrors?.backupOwnerId,
    ).toBeDefined();
    expect(await written()).toEqual(before);
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
        await oliviaRefused({
          type: "extend_expiry",
          identityId: key,
          expiresOn: inDays(400),
          justification: "Forever please",
        })
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
        await oliviaRefused({
          type: "policy_exception",
          identityId: key,
          endsOn: inDays(200),
          justification: "The bank's SFTP cannot take short-lived keys",
        })
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
    const again = await oliviaRefused({
      type: "extend_expiry",
      identityId: key,
      expiresOn: inDays(70),
      justification: "Another quarter",
    });
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
});
