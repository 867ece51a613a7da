import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, testDatabase } from "@/lib/testing";
import { DAY, setClock } from "@/lib/clock";
import { attestIdentity } from "@/lib/identities/identity-actions";
import { riskScoreSql } from "@/lib/identities/risk";
import { handleDepartedOwners } from "./lifecycle";
import { runDueJobs } from "./run";

// The lifecycle jobs act on what is due at the time they run: a run after downtime catches up,
// and a second run at the same time changes nothing. The clock is injected.

const conn = testDatabase({ identities: 60 });
const actors = conn.personas;
afterAll(async () => {
  setClock(undefined);
});

let T1: Date;
const snapshot = async () => ({
  identities: await queryRows(
    conn.db,
    sql`SELECT id, status, owner_id, backup_owner_id, attestation_due_at::text, risk_score FROM identities ORDER BY id`,
  ),
  revocations: await queryRows(conn.db, sql`SELECT id, status, attempts FROM revocations ORDER BY id`),
  requests: await queryRows(conn.db, sql`SELECT id, status FROM requests ORDER BY id`),
  audit: await auditCount(conn.db),
});

describe("lifecycle jobs", () => {
  it("expire identities at their expiry, to the millisecond, and ask for their revocation; a second run changes nothing", async () => {
    // The live identity that expires next; the run is at exactly its expiry (those already past it expire too).
    const [one] = await queryRows<{ id: string; expires_at: string }>(
      conn.db,
      sql`SELECT id, expires_at::text FROM identities WHERE status = 'active' AND expires_at > now() ORDER BY expires_at, id LIMIT 1`,
    );
    const T = new Date(one!.expires_at);
    T1 = T;
    // Pretend the app was down for a while: everything due before T is done first.
    await runDueJobs(conn.db, new Date(T.getTime() - 1));
    expect(
      (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM identities WHERE id = ${one!.id}::uuid`))[0]!
        .status,
    ).toBe("active");
    await runDueJobs(conn.db, T);
    const [after] = await queryRows<{ status: string; risk_score: number }>(
      conn.db,
      sql`SELECT status, risk_score FROM identities WHERE id = ${one!.id}::uuid`,
    );
    expect(after).toEqual({ status: "expired", risk_score: 0 });
    const [rev] = await queryRows<{ reason: string; status: string }>(
      conn.db,
      sql`SELECT reason, status FROM revocations WHERE identity_id = ${one!.id}::uuid`,
    );
    expect(rev!.reason).toBe("Expired");
    const events = await queryRows<{ action: string; actor_label: string }>(
      conn.db,
      sql`SELECT action, actor_label FROM audit_events WHERE subject_id = ${one!.id} AND action IN ('identity.expired', 'revocation.executed') ORDER BY seq`,
    );
    expect(events[0]).toEqual({ action: "identity.expired", actor_label: "job:expire-identities" });
    const before = await snapshot();
    await runDueJobs(conn.db, T);
    expect(await snapshot()).toEqual(before);
  });

  it("when an owner leaves: the backup owner, else the manager, takes over and must attest; unattested ones are suspended on the day", async () => {
    const T = T1;
    setClock(() => T);
    const olivias = await queryRows<{ id: string; backup_owner_id: string | null }>(
      conn.db,
      sql`SELECT id, backup_owner_id FROM identities WHERE owner_id = ${actors.olivia.personId}::uuid AND status IN ('pending', 'active', 'suspended') ORDER BY id`,
    );
    expect(olivias.length).toBeGreaterThan(1);
    expect(olivias.some((i) => i.backup_owner_id === actors.omar.personId)).toBe(true);
    await conn.db.execute(sql`UPDATE users SET status = 'departed' WHERE id = ${actors.olivia.personId}::uuid`);
    try {
      const [result] = (await runDueJobs(conn.db, T)).filter((r) => r.job === "departed-owners");
      expect(result!.summary.reassigned).toBe(olivias.length);
      const moved = await queryRows<{
        id: string;
        owner_id: string;
        backup_owner_id: string | null;
        attestation_due_at: string;
      }>(
        conn.db,
        sql`SELECT id, owner_id, backup_owner_id, attestation_due_at FROM identities WHERE id IN (${sql.join(
          olivias.map((o) => sql`${o.id}::uuid`),
          sql`, `,
        )}) ORDER BY id`,
      );
      for (const [i, m] of moved.entries()) {
        expect(m.owner_id).toBe(
          olivias[i]!.backup_owner_id === actors.omar.personId ? actors.omar.personId : actors.maya.personId,
        );
        expect(new Date(m.attestation_due_at).getTime()).toBe(T.getTime() + 14 * DAY);
        if (m.owner_id === actors.omar.personId) expect(m.backup_owner_id).toBeNull(); // no longer backup to himself
      }
      const before = await snapshot();
      await runDueJobs(conn.db, T);
      expect(await snapshot()).toEqual(before);

      // Maya attests one of hers; on the due day the others are suspended, that one is not.
      const mayas = moved.filter((m) => m.owner_id === actors.maya.personId);
      expect(mayas.length).toBeGreaterThan(0);
      await attestIdentity(conn.db, actors.maya, mayas[0]!.id);
      const due = new Date(T.getTime() + 14 * DAY);
      await runDueJobs(conn.db, new Date(due.getTime() - 1));
      const movedIds = sql.join(
        moved.map((m) => sql`${m.id}::uuid`),
        sql`, `,
      );
      expect(
        await queryRows(conn.db, sql`SELECT id FROM identities WHERE status = 'suspended' AND id IN (${movedIds})`),
      ).toEqual([]);
      await runDueJobs(conn.db, due);
      const statuses = await queryRows<{ id: string; status: string }>(
        conn.db,
        sql`SELECT id, status FROM identities WHERE id IN (${sql.join(
          moved.map((m) => sql`${m.id}::uuid`),
          sql`, `,
        )})`,
      );
      // Those that expired meanwhile stay expired; of the rest, only the attested one is still active.
      const live = statuses.filter((s) => ["active", "suspended"].includes(s.status));
      expect(live.find((s) => s.id === mayas[0]!.id)?.status).toBe("active");
      expect(live.filter((s) => s.id !== mayas[0]!.id).length).toBeGreaterThan(0);
      for (const s of live) if (s.id !== mayas[0]!.id) expect(s.status, s.id).toBe("suspended");
      const suspendedEvents = await queryRows<{ subject_id: string }>(
        conn.db,
        sql`SELECT subject_id FROM audit_events WHERE action = 'identity.suspended' AND actor_label = 'job:departed-owners'`,
      );
      for (const s of live) if (s.id !== mayas[0]!.id) expect(suspendedEvents.map((e) => e.subject_id)).toContain(s.id);
      const again = await snapshot();
      await runDueJobs(conn.db, due);
      expect(await snapshot()).toEqual(again);
    } finally {
      setClock(undefined);
      await conn.db.execute(sql`UPDATE users SET status = 'active' WHERE id = ${actors.olivia.personId}::uuid`);
    }
  });

  it("a suspension for want of an attestation is audited with its reason, and the identity's stored score is rescored with it", async () => {
    const at = new Date(T1.getTime() + 400 * DAY);
    const [row] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM identities WHERE status = 'active' AND owner_id = ${actors.omar.personId}::uuid ORDER BY id LIMIT 1`,
    );
    // A stale stored score: only a rescore with the suspension puts the live one back.
    await conn.db.execute(
      sql`UPDATE identities SET attestation_due_at = ${new Date(at.getTime() - DAY).toISOString()}::timestamptz, risk_score = 99, risk_factors = '{stale}' WHERE id = ${row!.id}::uuid`,
    );
    const out = await handleDepartedOwners(conn.db, { type: "job", id: null, label: "job:departed-owners" }, at);
    expect(out.suspended).toBeGreaterThanOrEqual(1);
    const [after] = await queryRows<{ status: string; stored: number; live: number; factors: string[] }>(
      conn.db,
      sql`SELECT i.status, i.risk_score AS stored, ${riskScoreSql(at)} AS live, i.risk_factors AS factors FROM identities i WHERE i.id = ${row!.id}::uuid`,
    );
    expect(after!.status).toBe("suspended");
    expect(after!.stored).toBe(after!.live);
    expect(after!.factors).not.toContain("stale");
    const [event] = await queryRows<{ after: { reason: string } }>(
      conn.db,
      sql`SELECT after FROM audit_events WHERE action = 'identity.suspended' AND subject_id = ${row!.id} ORDER BY seq DESC LIMIT 1`,
    );
    expect(event!.after.reason).toMatch(/Nobody attested/);
  });

  it("never hands a departed owner's identity to an auditor-only backup owner: the manager takes it", async () => {
    const [row] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM identities WHERE status = 'active' AND owner_id = ${actors.omar.personId}::uuid ORDER BY id DESC LIMIT 1`,
    );
    await conn.db.execute(
      sql`UPDATE identities SET backup_owner_id = ${actors.ari.personId}::uuid, attestation_due_at = NULL WHERE id = ${row!.id}::uuid`,
    );
    await conn.db.execute(sql`UPDATE users SET status = 'departed' WHERE id = ${actors.omar.personId}::uuid`);
    try {
      await handleDepartedOwners(
        conn.db,
        { type: "job", id: null, label: "job:departed-owners" },
        new Date(T1.getTime() + 500 * DAY),
      );
      const [after] = await queryRows<{ owner_id: string }>(
        conn.db,
        sql`SELECT owner_id FROM identities WHERE id = ${row!.id}::uuid`,
      );
      expect(after!.owner_id).toBe(actors.maya.personId);
    } finally {
      await conn.db.execute(sql`UPDATE users SET status = 'active' WHERE id = ${actors.omar.personId}::uuid`);
    }
  });
});
