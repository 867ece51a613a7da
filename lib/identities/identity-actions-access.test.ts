import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows, type Database } from "@/db";
import { actorOf, auditCount, curatedId, personaIdOf, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import type { PersonaKey } from "@/lib/auth/personas";
import { DomainError } from "@/lib/errors";
import { attestIdentity, bulkAttest, editPurpose, handOverIdentity, shortenExpiry } from "./identity-actions";

// Who may do what to an identity: every owner action × every persona × identities that put the
// personas in every relation. Refusals change nothing; allowed calls run in a transaction that is
// rolled back, so each cell starts from the same data.

const conn = testDatabase({ identities: 400 });

type Rel = "owner" | "backup" | "manager" | "security" | "auditor" | "team" | "none";
type Outcome = "ok" | "forbidden" | "not_found";
const PERSONAS = ["olivia", "omar", "maya", "sam", "ari", "ada"] as const;

// How each persona stands to each identity (DESIGN.md §1 and the curated seed).
const RELATIONS: Record<string, Record<(typeof PERSONAS)[number], Rel[]>> = {
  "olivia-payments-api": {
    olivia: ["owner"],
    omar: ["backup", "team"],
    maya: ["manager", "team"],
    sam: ["security"],
    ari: ["auditor"],
    ada: ["none"],
  },
  "omar-settlement-exporter": {
    olivia: ["team"],
    omar: ["owner"],
    maya: ["manager", "team"],
    sam: ["security"],
    ari: ["auditor"],
    ada: ["none"],
  },
  "dan-batch-loader": {
    olivia: ["team"],
    omar: ["team"],
    maya: ["manager", "team"],
    sam: ["security"],
    ari: ["auditor"],
    ada: ["none"],
  },
  "sam-security-scanner": {
    olivia: ["none"],
    omar: ["none"],
    maya: ["none"],
    sam: ["owner", "security"],
    ari: ["auditor"],
    ada: ["none"],
  },
  "unowned-s3-reader": {
    olivia: ["none"],
    omar: ["none"],
    maya: ["none"],
    sam: ["security"],
    ari: ["auditor"],
    ada: ["none"],
  },
  "ada-terraform-ci": {
    olivia: ["none"],
    omar: ["none"],
    maya: ["none"],
    sam: ["security"],
    ari: ["auditor"],
    ada: ["owner"],
  },
};

// The rules of the issue, per action: who may act; anyone else who can see the identity is forbidden; the rest learn nothing.
const ALLOWED: Record<string, Rel[]> = {
  attest: ["owner", "backup", "manager"],
  editPurpose: ["owner", "backup", "manager", "security"],
  shortenExpiry: ["owner", "backup", "manager", "security"],
  handOver: ["manager", "security"],
};
const VISIBLE: Rel[] = ["owner", "backup", "manager", "security", "auditor", "team"];

function expected(action: string, rels: Rel[]): Outcome {
  if (rels.some((r) => ALLOWED[action]!.includes(r))) return "ok";
  return rels.some((r) => VISIBLE.includes(r)) ? "forbidden" : "not_found";
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const ACTIONS: Record<string, (db: Database, actor: Actor, id: string) => Promise<unknown>> = {
  attest: (db, actor, id) => attestIdentity(db, actor, id),
  editPurpose: (db, actor, id) => editPurpose(db, actor, { id, purpose: "A new purpose stated by the matrix test" }),
  // Every identity in the matrix expires in 45 days or more, or never.
  shortenExpiry: (db, actor, id) => shortenExpiry(db, actor, { id, expiresOn: inDays(3) }),
  // To Omar, or to Olivia for the one Omar already owns.
  handOver: (db, actor, id) =>
    handOverIdentity(db, actor, {
      id,
      newOwnerId: personaIdOf(id === curatedId("omar-settlement-exporter") ? "olivia" : "omar"),
    }),
};

class Rollback extends Error {}

/** Runs the action in a transaction that is always rolled back; returns the outcome and the audit events it wrote. */
async function tryAction(
  action: string,
  actor: Actor,
  id: string,
): Promise<{ outcome: Outcome; events: { action: string; actor_label: string; subject_id: string }[] }> {
  let events: { action: string; actor_label: string; subject_id: string }[] = [];
  try {
    await conn.db.transaction(async (tx) => {
      const [last] = await queryRows<{ seq: number | string }>(
        tx,
        sql`SELECT coalesce(max(seq), 0) AS seq FROM audit_events`,
      );
      await ACTIONS[action]!(tx, actor, id);
      events = await queryRows(
        tx,
        sql`SELECT action, actor_label, subject_id FROM audit_events WHERE seq > ${Number(last!.seq)} ORDER BY seq`,
      );
      throw new Rollback();
    });
  } catch (e) {
    if (e instanceof Rollback) return { outcome: "ok", events };
    if (e instanceof DomainError && (e.code === "forbidden" || e.code === "not_found"))
      return { outcome: e.code, events };
    throw e;
  }
  throw new Error("unreachable");
}

const snapshot = async (id: string) =>
  JSON.stringify(await queryRows(conn.db, sql`SELECT * FROM identities WHERE id = ${id}::uuid`));
const EVENT: Record<string, string> = {
  attest: "identity.attested",
  editPurpose: "identity.purpose_changed",
  shortenExpiry: "identity.expiry_shortened",
  handOver: "identity.owner_changed",
};

describe("owner actions × personas", () => {
  for (const action of Object.keys(ACTIONS)) {
    it(`${action}: only the allowed relations succeed; everyone else is refused and nothing changes`, async () => {
      const tally: Record<Outcome, number> = { ok: 0, forbidden: 0, not_found: 0 };
      for (const [key, relations] of Object.entries(RELATIONS)) {
        const id = curatedId(key);
        for (const persona of PERSONAS) {
          const actor = await actorOf(conn.db, persona as PersonaKey);
          const want = expected(action, relations[persona]);
          const before = await snapshot(id);
          const auditBefore = await auditCount(conn.db);
          const { outcome, events } = await tryAction(action, actor, id);
          expect(outcome, `${action} ${key} by ${persona}`).toBe(want);
          tally[outcome]++;
          if (outcome === "ok")
            expect(events, `${action} ${key} by ${persona}`).toEqual([
              { action: EVENT[action], actor_label: actor.email, subject_id: id },
            ]);
          expect(await snapshot(id), `${action} ${key} by ${persona}`).toBe(before);
          expect(await auditCount(conn.db)).toBe(auditBefore);
        }
      }
      // The matrix exercises every outcome.
      expect(tally.ok).toBeGreaterThan(0);
      expect(tally.forbidden).toBeGreaterThan(0);
      expect(tally.not_found).toBeGreaterThan(0);
    });
  }

  it("owners asking to hand over are pointed to a transfer request", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    await expect(
      handOverIdentity(conn.db, olivia, { id: curatedId("olivia-payments-api"), newOwnerId: personaIdOf("omar") }),
    ).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/transfer request/) });
  });
});

describe("bulk attest", () => {
  const cases: [PersonaKey, string[], Outcome][] = [
    ["olivia", ["olivia-payments-api", "olivia-ledger-key", "olivia-refund-worker"], "ok"],
    ["omar", ["olivia-payments-api", "omar-settlement-exporter"], "ok"], // backup owner of the first
    ["olivia", ["olivia-payments-api", "omar-settlement-exporter"], "forbidden"], // one is her teammate's
    ["maya", ["omar-settlement-exporter"], "forbidden"], // managers attest one at a time, not in bulk
    ["maya", ["maya-dashboard-bot"], "ok"],
    ["sam", ["olivia-payments-api"], "forbidden"], // security sees it but does not own it
    ["sam", ["sam-security-scanner"], "ok"],
    ["ari", ["olivia-payments-api"], "forbidden"],
    ["ada", ["ada-terraform-ci", "olivia-payments-api"], "forbidden"],
  ];
  for (const [persona, keys, want] of cases) {
    it(`${persona} bulk-attesting ${keys.join(", ")}: ${want}`, async () => {
      const actor = await actorOf(conn.db, persona);
      const ids = keys.map(curatedId);
      const before = await Promise.all(ids.map(snapshot));
      const auditBefore = await auditCount(conn.db);
      let events: { action: string; actor_label: string; subject_id: string }[] = [];
      let outcome: Outcome = "ok";
      try {
        await conn.db.transaction(async (tx) => {
          const r = await bulkAttest(tx, actor, ids);
          expect(r).toEqual({ count: ids.length });
          events = await queryRows(
            tx,
            sql`SELECT action, actor_label, subject_id FROM audit_events WHERE seq > ${auditBefore} ORDER BY seq`,
          );
          throw new Rollback();
        });
      } catch (e) {
        if (e instanceof DomainError) outcome = e.code as Outcome;
        else if (!(e instanceof Rollback)) throw e;
      }
      expect(outcome).toBe(want);
      if (want === "ok") expect(events.map((e) => e.subject_id).sort()).toEqual([...ids].sort());
      if (want === "ok")
        for (const e of events) expect(e).toMatchObject({ action: "identity.attested", actor_label: actor.email });
      expect(await Promise.all(ids.map(snapshot))).toEqual(before);
      expect(await auditCount(conn.db)).toBe(auditBefore);
    });
  }
});
