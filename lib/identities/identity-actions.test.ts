import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { fixedTeamId } from "@/lib/seed/people";
import { actorOf, auditCount, curatedId, personaIdOf, refusal, useTestDatabase } from "@/lib/testing";
import { setClock } from "@/lib/clock";
import { attestIdentity, bulkAttest, editPurpose, handOverIdentity, shortenExpiry } from "./identity-actions";
import { pgArray } from "./inventory";
import { scoreOf } from "./risk";

// What the allowed owner actions change (row, risk, audit), what bad input gets, and how they
// behave when fired at once (that part on a PostgreSQL server, in identity-actions-concurrency.test.ts).

const DAY = 86_400_000;
const T = new Date("2026-06-15T12:00:00.000Z");

const conn = useTestDatabase({ identities: 400, seedAt: T });
beforeEach(() => setClock(() => T));
afterEach(() => setClock(undefined));

type Row = {
  owner_id: string | null;
  backup_owner_id: string | null;
  team_id: string | null;
  purpose: string | null;
  expires_at: Date | string | null;
  next_review_at: Date | string | null;
  risk_score: number;
};
async function row(key: string): Promise<Row & { risk_factors: string[] }> {
  const [r] = await queryRows<Row & { risk_factors: string[] | string }>(
    conn.db,
    sql`SELECT owner_id, backup_owner_id, team_id, purpose, expires_at, next_review_at, risk_score, risk_factors FROM identities WHERE id = ${curatedId(key)}::uuid`,
  );
  return { ...r!, risk_factors: pgArray(r!.risk_factors) };
}
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

async function eventsSince(seq: number) {
  return queryRows<{
    action: string;
    actor_label: string;
    subject_type: string;
    subject_id: string;
    before: unknown;
    after: unknown;
  }>(
    conn.db,
    sql`SELECT action, actor_label, subject_type, subject_id, before, after FROM audit_events WHERE seq > ${seq} ORDER BY seq`,
  );
}

describe("allowed owner actions", () => {
  it("attesting moves the next review to now + the policy's review period, clears review_overdue and is audited once", async () => {
    await conn.db.execute(sql`UPDATE settings SET value = '45'::jsonb WHERE key = 'policy.review_period_days'`);
    const before = await row("olivia-fraud-agent");
    expect(before.risk_factors).toContain("review_overdue");
    const seq = await auditCount(conn.db);
    const olivia = await actorOf(conn.db, "olivia");
    expect(await attestIdentity(conn.db, olivia, curatedId("olivia-fraud-agent"))).toEqual({
      nextReviewAt: new Date(T.getTime() + 45 * DAY).toISOString(),
    });
    const after = await row("olivia-fraud-agent");
    expect(iso(after.next_review_at)).toBe(new Date(T.getTime() + 45 * DAY).toISOString());
    expect(after.risk_factors).not.toContain("review_overdue");
    expect(after.risk_factors).toEqual(before.risk_factors.filter((f) => f !== "review_overdue"));
    expect(after.risk_score).toBe(before.risk_score - 5);
    expect(after.risk_score).toBe(scoreOf(after.risk_factors));
    const events = await eventsSince(seq);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "identity.attested",
      actor_label: "olivia.owner@example.com",
      subject_type: "identity",
      subject_id: curatedId("olivia-fraud-agent"),
      before: { nextReviewAt: iso(before.next_review_at) },
      after: { nextReviewAt: iso(after.next_review_at) },
    });
    await conn.db.execute(sql`UPDATE settings SET value = '90'::jsonb WHERE key = 'policy.review_period_days'`);
  });

  it("a manager attests a report's identity, and a backup owner attests too", async () => {
    const maya = await actorOf(conn.db, "maya");
    await attestIdentity(conn.db, maya, curatedId("omar-settlement-exporter"));
    expect(iso((await row("omar-settlement-exporter")).next_review_at)).toBe(
      new Date(T.getTime() + 90 * DAY).toISOString(),
    );
    setClock(() => new Date(T.getTime() + DAY));
    await attestIdentity(conn.db, await actorOf(conn.db, "omar"), curatedId("olivia-refund-worker"));
    expect(iso((await row("olivia-refund-worker")).next_review_at)).toBe(
      new Date(T.getTime() + 91 * DAY).toISOString(),
    );
  });

  it("editing the purpose stores the trimmed text, drops no_purpose from the risk and is audited", async () => {
    const before = await row("unowned-s3-reader");
    expect(before.purpose).toBeNull();
    expect(before.risk_factors).toContain("no_purpose");
    const seq = await auditCount(conn.db);
    await editPurpose(conn.db, await actorOf(conn.db, "sam"), {
      id: curatedId("unowned-s3-reader"),
      purpose: "  Reads the billing exports bucket for the finance job  ",
    });
    const after = await row("unowned-s3-reader");
    expect(after.purpose).toBe("Reads the billing exports bucket for the finance job");
    expect(after.risk_factors).toEqual(before.risk_factors.filter((f) => f !== "no_purpose"));
    expect(after.risk_score).toBe(before.risk_score - 5);
    expect(await eventsSince(seq)).toEqual([
      {
        action: "identity.purpose_changed",
        actor_label: "sam.security@example.com",
        subject_type: "identity",
        subject_id: curatedId("unowned-s3-reader"),
        before: { purpose: null },
        after: { purpose: "Reads the billing exports bucket for the finance job" },
      },
    ]);
    // Saving the same text again changes nothing and records nothing.
    await editPurpose(conn.db, await actorOf(conn.db, "sam"), {
      id: curatedId("unowned-s3-reader"),
      purpose: "Reads the billing exports bucket for the finance job",
    });
    expect(await auditCount(conn.db)).toBe(seq + 1);
  });

  it("handing an orphan to an active owner moves owner and team, removes 'orphaned' and lowers the score", async () => {
    const before = await row("dan-batch-loader");
    expect(before.risk_factors[0]).toBe("orphaned");
    const seq = await auditCount(conn.db);
    await handOverIdentity(conn.db, await actorOf(conn.db, "maya"), {
      id: curatedId("dan-batch-loader"),
      newOwnerId: personaIdOf("omar"),
    });
    const after = await row("dan-batch-loader");
    expect(after.owner_id).toBe(personaIdOf("omar"));
    expect(after.team_id).toBe(fixedTeamId(1, "Payments"));
    expect(after.risk_factors).toEqual(before.risk_factors.filter((f) => f !== "orphaned"));
    expect(after.risk_score).toBeLessThan(before.risk_score);
    expect(after.risk_score).toBe(scoreOf(after.risk_factors));
    expect(await eventsSince(seq)).toEqual([
      {
        action: "identity.owner_changed",
        actor_label: "maya.manager@example.com",
        subject_type: "identity",
        subject_id: curatedId("dan-batch-loader"),
        before: { ownerId: personaIdOf("dan"), teamId: fixedTeamId(1, "Payments") },
        after: { ownerId: personaIdOf("omar"), teamId: fixedTeamId(1, "Payments") },
      },
    ]);
  });

  it("security hands a discovered identity to someone: it joins their team; a backup owner who takes over is no longer backup", async () => {
    await handOverIdentity(conn.db, await actorOf(conn.db, "sam"), {
      id: curatedId("unowned-cluster-admin"),
      newOwnerId: personaIdOf("olivia"),
    });
    const taken = await row("unowned-cluster-admin");
    expect(taken).toMatchObject({ owner_id: personaIdOf("olivia"), team_id: fixedTeamId(1, "Payments") });
    expect(taken.risk_factors).not.toContain("orphaned");
    await handOverIdentity(conn.db, await actorOf(conn.db, "maya"), {
      id: curatedId("olivia-payments-api"),
      newOwnerId: personaIdOf("omar"),
    });
    expect(await row("olivia-payments-api")).toMatchObject({ owner_id: personaIdOf("omar"), backup_owner_id: null });
  });

  it("shortening the expiry sets the start of that day (UTC), clears no_expiry and is audited", async () => {
    const before = await row("omar-finance-oauth");
    expect(before.expires_at).toBeNull();
    expect(before.risk_factors).toContain("no_expiry");
    const seq = await auditCount(conn.db);
    expect(
      await shortenExpiry(conn.db, await actorOf(conn.db, "maya"), {
        id: curatedId("omar-finance-oauth"),
        expiresOn: "2026-07-01",
      }),
    ).toEqual({ expiresAt: "2026-07-01T00:00:00.000Z" });
    const after = await row("omar-finance-oauth");
    expect(iso(after.expires_at)).toBe("2026-07-01T00:00:00.000Z");
    expect(after.risk_factors).toEqual(before.risk_factors.filter((f) => f !== "no_expiry"));
    expect(after.risk_score).toBe(before.risk_score - 15);
    expect(await eventsSince(seq)).toEqual([
      {
        action: "identity.expiry_shortened",
        actor_label: "maya.manager@example.com",
        subject_type: "identity",
        subject_id: curatedId("omar-finance-oauth"),
        before: { expiresAt: null },
        after: { expiresAt: "2026-07-01T00:00:00.000Z" },
      },
    ]);
  });
});

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
