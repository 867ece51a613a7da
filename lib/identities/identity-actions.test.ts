import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { fixedTeamId } from "@/lib/seed/people";
import { actorOf, auditCount, curatedId, personaIdOf, testDatabase } from "@/lib/testing";
import { DAY, setClock } from "@/lib/clock";
import { attestIdentity, editPurpose, handOverIdentity, shortenExpiry } from "./identity-actions";
import { scoreOf } from "./risk";

import { identityRow } from "./identity-actions-test-kit";

// What the allowed owner actions change (row, risk, audit), what bad input gets, and how they
// behave when fired at once (that part on a PostgreSQL server, in identity-actions-concurrency.test.ts).

const T = new Date("2026-06-15T12:00:00.000Z");

const conn = testDatabase({ identities: 400, seedAt: T });
beforeEach(() => setClock(() => T));
afterEach(() => setClock(undefined));
const row = (key: string) => identityRow(conn.db, key);

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

/** Since `seq`, the audit log holds exactly one event: `action` by `actor` on the identity `key`. */
async function expectOneEvent(seq: number, actor: Actor, action: string, key: string, before: unknown, after: unknown) {
  expect(await eventsSince(seq)).toEqual([
    { action, actor_label: actor.email, subject_type: "identity", subject_id: curatedId(key), before, after },
  ]);
}

type IdentityRow = Awaited<ReturnType<typeof row>>;
/** The change dropped the risk factor `factor`, and with it `points` from the score; nothing else. */
function expectDropped(before: IdentityRow, after: IdentityRow, factor: string, points: number) {
  expect(after.risk_factors).toEqual(before.risk_factors.filter((f) => f !== factor));
  expect(after.risk_score).toBe(before.risk_score - points);
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
    expectDropped(before, after, "review_overdue", 5);
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
    const [key, purpose] = ["unowned-s3-reader", "Reads the billing exports bucket for the finance job"];
    const before = await row(key);
    expect(before.purpose).toBeNull();
    expect(before.risk_factors).toContain("no_purpose");
    const seq = await auditCount(conn.db);
    const sam = await actorOf(conn.db, "sam");
    await editPurpose(conn.db, sam, { id: curatedId(key), purpose: `  ${purpose}  ` });
    const after = await row(key);
    expect(after.purpose).toBe(purpose);
    expectDropped(before, after, "no_purpose", 5);
    await expectOneEvent(seq, sam, "identity.purpose_changed", key, { purpose: null }, { purpose });
    // Saving the same text again changes nothing and records nothing.
    await editPurpose(conn.db, sam, { id: curatedId(key), purpose });
    expect(await auditCount(conn.db)).toBe(seq + 1);
  });

  it("handing an orphan to an active owner moves owner and team, removes 'orphaned' and lowers the score", async () => {
    const before = await row("dan-batch-loader");
    expect(before.risk_factors[0]).toBe("orphaned");
    const seq = await auditCount(conn.db);
    const maya = await actorOf(conn.db, "maya");
    await handOverIdentity(conn.db, maya, { id: curatedId("dan-batch-loader"), newOwnerId: personaIdOf("omar") });
    const after = await row("dan-batch-loader");
    expect(after.owner_id).toBe(personaIdOf("omar"));
    expect(after.team_id).toBe(fixedTeamId(1, "Payments"));
    expect(after.risk_factors).toEqual(before.risk_factors.filter((f) => f !== "orphaned"));
    expect(after.risk_score).toBeLessThan(before.risk_score);
    expect(after.risk_score).toBe(scoreOf(after.risk_factors));
    const ownedBy = (p: "dan" | "omar") => ({ ownerId: personaIdOf(p), teamId: fixedTeamId(1, "Payments") });
    await expectOneEvent(seq, maya, "identity.owner_changed", "dan-batch-loader", ownedBy("dan"), ownedBy("omar"));
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
    const key = "omar-finance-oauth";
    const before = await row(key);
    expect(before.expires_at).toBeNull();
    expect(before.risk_factors).toContain("no_expiry");
    const seq = await auditCount(conn.db);
    const maya = await actorOf(conn.db, "maya");
    const expiresAt = "2026-07-01T00:00:00.000Z";
    const id = curatedId(key);
    expect(await shortenExpiry(conn.db, maya, { id, expiresOn: "2026-07-01" })).toEqual({ expiresAt });
    const after = await row(key);
    expect(iso(after.expires_at)).toBe(expiresAt);
    expectDropped(before, after, "no_expiry", 15);
    await expectOneEvent(seq, maya, "identity.expiry_shortened", key, { expiresAt: null }, { expiresAt });
  });
});
