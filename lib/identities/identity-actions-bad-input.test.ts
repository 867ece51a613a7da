import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actorOf, auditCount, curatedId, personaIdOf, refusal, testDatabase } from "@/lib/testing";
import { setClock } from "@/lib/clock";
import { attestIdentity, bulkAttest, editPurpose, handOverIdentity, shortenExpiry } from "./identity-actions";

import { identityRow } from "./identity-actions-test-kit";

// Bad input to the owner actions is refused with the reason and changes nothing: no row, no audit event.

const T = new Date("2026-06-15T12:00:00.000Z");

const conn = testDatabase({ identities: 400, seedAt: T });
beforeEach(() => setClock(() => T));
afterEach(() => setClock(undefined));
const row = (key: string) => identityRow(conn.db, key);

describe("bad input changes nothing", () => {
  async function expectNothingChanged(key: string, act: () => Promise<unknown>) {
    const before = await row(key);
    const seq = await auditCount(conn.db);
    const e = await refusal(act());
    expect(await row(key)).toEqual(before);
    expect(await auditCount(conn.db)).toBe(seq);
    return e;
  }

  it("ids that are not ids, purposes too short or too long, dates that are not dates", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    const id = curatedId("olivia-ledger-key");
    for (const bad of ["not-a-uuid", "'; DROP TABLE identities; --", "", 42, null]) {
      const e = await refusal(attestIdentity(conn.db, olivia, bad));
      expect(e).toMatchObject({
        code: "invalid",
        message: "That identity id is not valid.",
        fieldErrors: { id: ["That identity id is not valid."] },
      });
    }
    let e = await expectNothingChanged("olivia-ledger-key", () =>
      editPurpose(conn.db, olivia, { id, purpose: "  short  " }),
    );
    expect(e).toMatchObject({
      code: "invalid",
      fieldErrors: { purpose: [expect.stringMatching(/at least 10 characters/)] },
    });
    e = await expectNothingChanged("olivia-ledger-key", () =>
      editPurpose(conn.db, olivia, { id, purpose: "x".repeat(501) }),
    );
    expect(e.fieldErrors?.purpose).toEqual(["Purpose is at most 500 characters."]);
    for (const expiresOn of ["2026-02-30", "31/12/2026", "tomorrow", ""]) {
      e = await expectNothingChanged("olivia-ledger-key", () => shortenExpiry(conn.db, olivia, { id, expiresOn }));
      expect(e.code, expiresOn).toBe("invalid");
      expect(e.fieldErrors?.expiresOn?.[0], expiresOn).toMatch(/^Use a (real )?date like 2026-12-31\.$/);
    }
  });

  it("an expiry in the past, today, or not earlier than the current one is refused with the reason", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    const id = curatedId("olivia-ledger-key"); // expires in 12 days: 2026-06-27T12:00Z
    for (const expiresOn of ["2026-06-01", "2026-06-15"]) {
      const e = await expectNothingChanged("olivia-ledger-key", () =>
        shortenExpiry(conn.db, olivia, { id, expiresOn }),
      );
      expect(e).toMatchObject({
        code: "invalid",
        message: expect.stringMatching(/must be in the future/),
        fieldErrors: { expiresOn: ["Choose a date after today."] },
      });
    }
    for (const expiresOn of ["2026-06-28", "2027-01-01"]) {
      const e = await expectNothingChanged("olivia-ledger-key", () =>
        shortenExpiry(conn.db, olivia, { id, expiresOn }),
      );
      expect(e).toMatchObject({
        code: "invalid",
        message: expect.stringMatching(/not earlier than its current expiry \(2026-06-27\); extending needs a request/),
      });
    }
    // The same day as the current expiry is earlier (its start, UTC), so it is allowed.
    expect(await shortenExpiry(conn.db, olivia, { id, expiresOn: "2026-06-27" })).toEqual({
      expiresAt: "2026-06-27T00:00:00.000Z",
    });
  });

  it("handing over to someone who left, to an auditor, to nobody, or to the current owner is refused", async () => {
    const maya = await actorOf(conn.db, "maya");
    const id = curatedId("omar-payouts-key");
    const toAuditor = await expectNothingChanged("omar-payouts-key", () =>
      handOverIdentity(conn.db, maya, { id, newOwnerId: personaIdOf("ari") }),
    );
    expect(toAuditor).toMatchObject({
      code: "invalid",
      fieldErrors: { newOwnerId: ["Ari Auditor is an auditor and cannot own an identity."] },
    });
    let e = await expectNothingChanged("omar-payouts-key", () =>
      handOverIdentity(conn.db, maya, { id, newOwnerId: personaIdOf("dan") }),
    );
    expect(e).toMatchObject({
      code: "invalid",
      message: "Dan Departed has left; choose someone still here.",
      fieldErrors: { newOwnerId: ["Dan Departed has left; choose someone still here."] },
    });
    e = await expectNothingChanged("omar-payouts-key", () =>
      handOverIdentity(conn.db, maya, { id, newOwnerId: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(e).toMatchObject({ code: "invalid", message: "That person was not found." });
    e = await expectNothingChanged("omar-payouts-key", () =>
      handOverIdentity(conn.db, maya, { id, newOwnerId: personaIdOf("omar") }),
    );
    expect(e).toMatchObject({ code: "invalid", message: "That person already owns it." });
    e = await expectNothingChanged("omar-payouts-key", () =>
      handOverIdentity(conn.db, maya, { id, newOwnerId: "omar" }),
    );
    expect(e).toMatchObject({ code: "invalid", fieldErrors: { newOwnerId: ["Choose the person who takes it over."] } });
  });

  it("expired and revoked identities cannot be attested or changed (conflict)", async () => {
    const omar = await actorOf(conn.db, "omar");
    const sam = await actorOf(conn.db, "sam");
    await conn.db.execute(
      sql`UPDATE identities SET status = 'revoked' WHERE id = ${curatedId("omar-sandbox-bot")}::uuid`,
    );
    for (const key of ["omar-gh-actions", "omar-sandbox-bot"]) {
      const id = curatedId(key);
      expect((await expectNothingChanged(key, () => attestIdentity(conn.db, omar, id))).code).toBe("conflict");
      expect(
        (
          await expectNothingChanged(key, () =>
            editPurpose(conn.db, omar, { id, purpose: "Something else entirely now" }),
          )
        ).code,
      ).toBe("conflict");
      expect(
        (await expectNothingChanged(key, () => shortenExpiry(conn.db, sam, { id, expiresOn: "2026-06-20" }))).code,
      ).toBe("conflict");
      expect(
        (
          await expectNothingChanged(key, () =>
            handOverIdentity(conn.db, sam, { id, newOwnerId: personaIdOf("olivia") }),
          )
        ).code,
      ).toBe("conflict");
    }
    const e = await expectNothingChanged("omar-settlement-exporter", () =>
      bulkAttest(conn.db, omar, [curatedId("omar-settlement-exporter"), curatedId("omar-gh-actions")]),
    );
    expect(e).toMatchObject({
      code: "conflict",
      message: "payments-gh-actions is no longer active; nothing was attested.",
    });
  });

  it("bulk attest needs one to 500 ids", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    expect(await refusal(bulkAttest(conn.db, olivia, []))).toMatchObject({
      code: "invalid",
      fieldErrors: { ids: ["Select at least one identity."] },
    });
    expect((await refusal(bulkAttest(conn.db, olivia, ["nope"]))).code).toBe("invalid");
    expect(
      (
        await refusal(
          bulkAttest(
            conn.db,
            olivia,
            Array.from({ length: 501 }, () => curatedId("olivia-ledger-key")),
          ),
        )
      ).fieldErrors,
    ).toEqual({ ids: ["Attest at most 500 identities at once."] });
  });
});

// Concurrent attests and bulk attests: identity-actions-concurrency.test.ts, on a PostgreSQL server
// (here, one transaction at a time, they could not fail).
