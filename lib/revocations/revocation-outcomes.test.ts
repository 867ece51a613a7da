import type { Actor } from "@/lib/auth/actor";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, refusal } from "@/lib/testing";
import { bulkRevoke } from "./bulk";
import { confirmManualRevocation } from "./confirm";
import { requestRevocation } from "./request";
import { JOB, revocationsEstate } from "./revocations-test-estate";
import { backoffMs, MAX_ATTEMPTS, runRevocations } from "./run";

// Revocation when the target fails (retried with backoff until it gives up), on manual systems (a
// person's evidence), who may revoke, and bulk revocation (all or nothing).

const { conn, actors, systems, identityIn, revocation, statusOf } = revocationsEstate();

/** `actor`'s request to revoke `identity`. */
const askRevocation = (actor: Actor, identity: { id: string }, reason: string) =>
  requestRevocation(conn.db, actor, { identityId: identity.id, reason });

describe("when the target system fails", () => {
  it("fails, retries after 1, 2, 4, 8 minutes, then gives up and is flagged; nothing is revoked in Steward", async () => {
    const identity = await identityIn(systems.broken, "ledger_unreachable");
    const asked = await askRevocation(actors.sam, identity, "Owner left; nobody uses it");
    let at = new Date("2026-11-27T12:00:00.000Z");
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      expect(await runRevocations(conn.db, JOB, at, { ids: [asked.id] })).toMatchObject({
        claimed: 1,
        failed: 1,
        gaveUp: attempt === MAX_ATTEMPTS ? 1 : 0,
      });
      const r = await revocation(asked.id);
      expect(r).toMatchObject({ status: "failed", attempts: attempt });
      expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
      if (attempt < MAX_ATTEMPTS) {
        const due = new Date(at.getTime() + backoffMs(attempt));
        expect(new Date(r.next_attempt_at!).getTime()).toBe(due.getTime());
        // Not due a millisecond before its time.
        expect((await runRevocations(conn.db, JOB, new Date(due.getTime() - 1), { ids: [asked.id] })).claimed).toBe(0);
        at = due;
      } else {
        expect(r.next_attempt_at).toBeNull();
      }
    }
    expect((await runRevocations(conn.db, JOB, new Date(at.getTime() + 86_400_000), { ids: [asked.id] })).claimed).toBe(
      0,
    );
    expect(await statusOf("identities", identity.id)).toBe("active");
    expect(await auditCount(conn.db, "revocation.failed")).toBeGreaterThanOrEqual(MAX_ATTEMPTS - 1);
    expect(await auditCount(conn.db, "revocation.gave_up")).toBe(1);
  });
});

describe("manual systems", () => {
  it("wait as executed until a person confirms with evidence; only those who may revoke confirm", async () => {
    const identity = await identityIn(systems.manual, "vendor-portal-bot");
    const asked = await askRevocation(actors.olivia, identity, "The vendor contract ended");
    expect(await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] })).toMatchObject({
      awaitingConfirmation: 1,
      verified: 0,
    });
    expect((await revocation(asked.id)).status).toBe("executed");
    expect(await statusOf("identities", identity.id)).toBe("active");
    // Running again does not touch it: it waits for a person.
    expect((await runRevocations(conn.db, JOB, new Date(), { ids: [asked.id] })).claimed).toBe(0);

    for (const who of ["omar", "ari", "ada"] as const) {
      const e = await refusal(
        confirmManualRevocation(conn.db, actors[who], {
          revocationId: asked.id,
          evidence: "Removed the user in the vendor portal",
        }),
      );
      expect(["forbidden", "not_found"], who).toContain(e.code);
    }
    expect(
      (await refusal(confirmManualRevocation(conn.db, actors.olivia, { revocationId: asked.id, evidence: "done" })))
        .code,
    ).toBe("invalid");
    expect((await revocation(asked.id)).status).toBe("executed");

    await confirmManualRevocation(conn.db, actors.olivia, {
      revocationId: asked.id,
      evidence: "Removed the bot user in the vendor portal, ticket OPS-4411",
    });
    const r = await revocation(asked.id);
    expect(r.status).toBe("verified");
    expect(r.evidence).toMatchObject({
      confirmedBy: actors.olivia.email,
      note: "Removed the bot user in the vendor portal, ticket OPS-4411",
    });
    expect(await statusOf("identities", identity.id)).toBe("revoked");
    expect(
      (
        await refusal(
          confirmManualRevocation(conn.db, actors.olivia, {
            revocationId: asked.id,
            evidence: "Removed it twice, to be sure",
          }),
        )
      ).code,
    ).toBe("conflict");
  });
});

describe("who may revoke", () => {
  it("owners, their managers and security; nobody else, and a refusal writes nothing", async () => {
    const identity = await identityIn(systems.manual, "payments-report-bot");
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          conn.db,
          sql`SELECT count(*)::int AS n FROM revocations WHERE identity_id = ${identity.id}::uuid`,
        )
      )[0]!.n;
    const events = await auditCount(conn.db);
    for (const who of ["omar", "ari", "ada"] as const) {
      const e = await refusal(
        requestRevocation(conn.db, actors[who], { identityId: identity.id, reason: "Not mine to revoke" }),
      );
      expect(["forbidden", "not_found"], who).toContain(e.code);
    }
    for (const bad of [
      { identityId: identity.id },
      { identityId: identity.id, reason: "no" },
      { identityId: "x", reason: "A good enough reason" },
      { identityId: identity.id, entitlementId: "nope", reason: "A good enough reason" },
    ]) {
      expect((await refusal(requestRevocation(conn.db, actors.sam, bad))).code).toBe("invalid");
    }
    expect(await count()).toBe(0);
    expect(await auditCount(conn.db)).toBe(events);
    for (const who of ["olivia", "maya", "sam"] as const) {
      const asked = await requestRevocation(conn.db, actors[who], {
        identityId: identity.id,
        reason: `${who} revokes it`,
      });
      expect(asked.status, who).toBe("requested");
    }
    expect(await count()).toBe(1);
  });
});

describe("bulk revocation", () => {
  it("all or nothing: one identity the actor may not revoke refuses the whole selection; in-flight ones keep their revocation", async () => {
    const a = await identityIn(systems.manual, "bulk-bot-a");
    const b = await identityIn(systems.manual, "bulk-bot-b");
    const count = async () =>
      (
        await queryRows<{ n: number }>(
          conn.db,
          sql`SELECT count(*)::int AS n FROM revocations WHERE identity_id IN (${a.id}::uuid, ${b.id}::uuid)`,
        )
      )[0]!.n;
    // Omar (same team, not the owner) and the auditor may not; nothing is asked.
    for (const who of ["omar", "ari", "ada"] as const) {
      expect(["forbidden", "not_found"], who).toContain(
        (await refusal(bulkRevoke(conn.db, actors[who], { ids: [a.id, b.id], reason: "Clean-up of old bots" }))).code,
      );
    }
    expect((await refusal(bulkRevoke(conn.db, actors.sam, { ids: [a.id, b.id] }))).code).toBe("invalid");
    expect((await refusal(bulkRevoke(conn.db, actors.sam, { ids: [], reason: "Clean-up of old bots" }))).code).toBe(
      "invalid",
    );
    expect(await count()).toBe(0);
    await requestRevocation(conn.db, actors.olivia, { identityId: a.id, reason: "Asked on its own first" });
    const out = await bulkRevoke(conn.db, actors.sam, { ids: [a.id, b.id], reason: "Clean-up of old bots" });
    expect(out).toMatchObject({ alreadyInFlight: 1 });
    expect(out.requested).toHaveLength(1);
    expect(await count()).toBe(2);
  });
});
