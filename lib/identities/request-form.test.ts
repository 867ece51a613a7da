import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { curatedId, refusal, testDatabase, walkInventory } from "@/lib/testing";
import { listRevocations } from "@/lib/revocations/list";
import { getIdentityDetail } from "./identity-detail";
import { identityForRequestForm, requestFormIdentities } from "./request-form";

// Reads by id go through the inventory's scope: the new-request form's prefill (?identity=<id>)
// shows an identity's name and environment only to those whose inventory lists it. Out of scope,
// unknown and malformed ids are all the same "not found".

const conn = testDatabase({ identities: 60 });
const actors = conn.personas;

describe("identityForRequestForm", () => {
  it("answers exactly for the identities each persona's inventory lists, and 'not found' for the rest", async () => {
    const keys = [
      "olivia-payments-api",
      "omar-payouts-key",
      "sam-security-scanner",
      "ada-terraform-ci",
      "unowned-s3-reader",
      "dan-test-key",
    ];
    for (const [persona, actor] of Object.entries(actors)) {
      const visible = new Set((await walkInventory(conn.db, actor)).map((r) => r.id));
      for (const key of keys) {
        const id = curatedId(key);
        if (visible.has(id)) {
          expect(await identityForRequestForm(conn.db, actor, id), `${persona} ${key}`).toMatchObject({
            id,
            name: expect.any(String),
            environment: expect.any(String),
          });
        } else {
          const e = await refusal(identityForRequestForm(conn.db, actor, id));
          expect(e.code, `${persona} ${key}`).toBe("not_found");
        }
      }
    }
    // The case of the defect: Olivia (a member of Payments) asks about Security's scanner.
    const e = await refusal(identityForRequestForm(conn.db, actors.olivia, curatedId("sam-security-scanner")));
    expect(e.message).toBe("That identity was not found.");
    expect(e.message).not.toMatch(/security-scanner|production/);
  });

  it("a malformed or unknown id reads as not found, never a database error", async () => {
    for (const raw of [
      "not-a-uuid",
      "",
      "' OR 1=1 --",
      "00000000-0000-0000-0000-00000000000g",
      "------------------------------------",
      ["a", "b"],
      undefined,
      42,
    ]) {
      expect((await refusal(identityForRequestForm(conn.db, actors.sam, raw))).code, JSON.stringify(raw)).toBe(
        "not_found",
      );
    }
    expect(
      (await refusal(identityForRequestForm(conn.db, actors.sam, "6f1c0b1e-0000-4000-8000-000000000000"))).code,
    ).toBe("not_found");
  });

  it("a visible identity that is revoked is a conflict with its name: nothing can be asked for it", async () => {
    const id = curatedId("omar-sandbox-bot");
    await conn.db.execute(sql`UPDATE identities SET status = 'revoked' WHERE id = ${id}::uuid`);
    const e = await refusal(identityForRequestForm(conn.db, actors.omar, id));
    expect(e.code).toBe("conflict");
    expect(e.message).toBe("omar-sandbox-bot is revoked: nothing can be requested for it.");
    // Someone who cannot see it learns nothing, not even that it is revoked.
    expect((await refusal(identityForRequestForm(conn.db, actors.ada, id))).code).toBe("not_found");
  });

  it("the form's own choices are the live identities the person owns or backs up", async () => {
    const names = (await requestFormIdentities(conn.db, actors.omar)).map((i) => i.name);
    expect(names).toContain("payouts-metrics-key");
    expect(names).toContain("payments-api-prod"); // Omar backs it up
    expect(names).not.toContain("omar-sandbox-bot"); // revoked above
    expect(names).not.toContain("ledger-reconciler-key"); // Olivia's alone
  });
});

describe("the other reads by id", () => {
  it("the identity page and its revocations: out of scope and malformed are not found or nothing", async () => {
    const scanner = curatedId("sam-security-scanner");
    expect((await refusal(getIdentityDetail(conn.db, actors.olivia, scanner))).code).toBe("not_found");
    expect((await refusal(getIdentityDetail(conn.db, actors.olivia, "x'; --"))).code).toBe("not_found");
    expect((await getIdentityDetail(conn.db, actors.sam, scanner)).name).toBe("security-scanner");
    await conn.db.execute(sql`INSERT INTO revocations (target_type, identity_id, reason, requested_by, status)
      VALUES ('identity', ${scanner}::uuid, 'Scanner replaced', ${actors.sam.personId}::uuid, 'requested')`);
    expect(await listRevocations(conn.db, actors.sam, {}, scanner)).toHaveLength(1);
    expect(await listRevocations(conn.db, actors.olivia, {}, scanner)).toEqual([]);
    expect((await refusal(listRevocations(conn.db, actors.sam, {}, "not-a-uuid"))).code).toBe("not_found");
  });
});
