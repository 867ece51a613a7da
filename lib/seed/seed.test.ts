import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Connection, Database } from "@/db";
import { CREDENTIAL_TYPES, ENVIRONMENTS, IDENTITY_KINDS, IDENTITY_ORIGINS, SYSTEM_KINDS } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit/verify";
import { PERSONAS } from "@/lib/auth/personas";
import { DERIVED_STATES } from "@/lib/identities/derived-states";
import { derivedStatePredicate } from "@/lib/identities/derived-states-sql";
import { riskFactorsSql, riskScoreSql } from "@/lib/identities/risk";
import { peoplePlan } from "./people";
import { seedDatabase } from "./seed";
import { AT, count, one, rows, seedTestDatabases } from "./seed-test-support";

const freshDatabase = seedTestDatabases();

describe("the default demo seed (2,000 identities)", () => {
  let conn: Connection;
  let db: Database;
  let message = "";

  beforeAll(async () => {
    conn = await freshDatabase();
    db = conn.db;
    const logs: string[] = [];
    const result = await seedDatabase(conn, {
      identities: 2000,
      seed: 1,
      ifEmpty: false,
      compareCopy: true,
      log: (s) => logs.push(s),
    });
    message = result.message;
    expect(result.identities).toBe(2000);
    if (conn.kind === "postgres") expect(result.copyMs).toBeGreaterThan(0);
    const metric = JSON.parse(logs.find((l) => l.startsWith("{"))!);
    expect(metric).toMatchObject({ metric: "seed", identities: 2000 });
  });

  it("reports what it seeded", () => {
    expect(message).toMatch(/^Seeded 2,000 identities \([\d,]+ entitlements\) in 15 systems/);
    expect(message).toMatch(/COPY/);
  });

  it("creates the personas with their roles, teams and managers; Dan has left", async () => {
    const people = await rows<{
      email: string;
      roles: string | string[];
      team: string;
      manager: string | null;
      status: string;
      departed_at: unknown;
    }>(
      db,
      sql`SELECT u.email, u.roles::text[] AS roles, t.name AS team, m.email AS manager, u.status, u.departed_at
        FROM users u JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id WHERE u.email LIKE '%@example.com'`,
    );
    const byEmail = new Map(people.map((p) => [p.email, p]));
    for (const p of PERSONAS) {
      const row = byEmail.get(p.email);
      expect(row, p.email).toBeDefined();
      expect(pgArray(row!.roles)).toEqual([...p.roles]);
      expect(row!.team).toBe(p.team);
      expect(row!.manager).toBe(p.manager ? PERSONAS.find((q) => q.key === p.manager)!.email : null);
      expect(row!.status).toBe("departed" in p && p.departed ? "departed" : "active");
    }
    expect(byEmail.get("dan.departed@example.com")!.departed_at).not.toBeNull();
  });

  it("generates about one person per 100 identities (at least 40) in teams led by managers", async () => {
    const generated = await count(
      db,
      sql`SELECT count(*) AS n FROM users WHERE email NOT IN (${sql.join(
        PERSONAS.map((p) => sql`${p.email}`),
        sql`, `,
      )})`,
    );
    expect(generated).toBeGreaterThanOrEqual(40);
    expect(peoplePlan(1_000_000).people / 1_000_000).toBeCloseTo(0.01, 3); // at scale, one per 100
    expect(await count(db, sql`SELECT count(*) AS n FROM users WHERE 'manager' = ANY(roles)`)).toBeGreaterThanOrEqual(
      5,
    );
    // Everyone generated who is not a lead reports to a manager in their own team.
    expect(
      await count(
        db,
        sql`SELECT count(*) AS n FROM users u JOIN users m ON m.id = u.manager_id WHERE u.team_id <> m.team_id OR NOT ('manager' = ANY(m.roles))`,
      ),
    ).toBe(0);
    expect(await count(db, sql`SELECT count(*) AS n FROM users WHERE status = 'departed'`)).toBeGreaterThan(1);
  });

  it("spreads identities over at least 8 systems of every kind, and every identity kind, environment, credential type and origin", async () => {
    expect(await count(db, sql`SELECT count(*) AS n FROM systems`)).toBeGreaterThanOrEqual(8);
    const distinct = async (expr: string, table = "identities") =>
      (await rows<{ v: string }>(db, sql.raw(`SELECT DISTINCT ${expr}::text AS v FROM ${table} ORDER BY 1`))).map(
        (r) => r.v,
      );
    expect(await distinct("kind", "systems")).toEqual([...SYSTEM_KINDS].sort());
    expect(await distinct("kind")).toEqual([...IDENTITY_KINDS].sort());
    expect(await distinct("environment")).toEqual([...ENVIRONMENTS].sort());
    expect(await distinct("credential_type")).toEqual([...CREDENTIAL_TYPES].sort());
    expect(await distinct("origin")).toEqual([...IDENTITY_ORIGINS].sort());
    expect(await count(db, sql`SELECT count(DISTINCT system_id) AS n FROM identities`)).toBeGreaterThanOrEqual(8);
  });

  it("represents every derived state", async () => {
    for (const state of DERIVED_STATES) {
      const n = await count(db, sql`SELECT count(*) AS n FROM identities i WHERE ${derivedStatePredicate(state, AT)}`);
      expect(n, state).toBeGreaterThan(0);
    }
    // Orphans of both sorts: discovered without an owner, and owned by someone who left.
    expect(
      await count(db, sql`SELECT count(*) AS n FROM identities WHERE owner_id IS NULL AND origin = 'discovered'`),
    ).toBeGreaterThan(0);
    expect(
      await count(
        db,
        sql`SELECT count(*) AS n FROM identities i JOIN users u ON u.id = i.owner_id WHERE u.email = 'dan.departed@example.com'`,
      ),
    ).toBeGreaterThanOrEqual(2);
  });

  it("gives Olivia and Omar a handful of identities across several derived states", async () => {
    for (const email of ["olivia.owner@example.com", "omar.owner@example.com"]) {
      const owned = await count(
        db,
        sql`SELECT count(*) AS n FROM identities i JOIN users u ON u.id = i.owner_id WHERE u.email = ${email}`,
      );
      expect(owned, email).toBeGreaterThanOrEqual(4);
      expect(owned, email).toBeLessThanOrEqual(10);
      const states = [];
      for (const state of DERIVED_STATES) {
        const n = await count(
          db,
          sql`SELECT count(*) AS n FROM identities i JOIN users u ON u.id = i.owner_id WHERE u.email = ${email} AND ${derivedStatePredicate(state, AT)}`,
        );
        if (n > 0) states.push(state);
      }
      expect(states.length, `${email}: ${states.join(", ")}`).toBeGreaterThanOrEqual(4);
    }
  });

  it("keeps the birth certificate: every requested identity has owner, purpose and expiry", async () => {
    expect(await count(db, sql`SELECT count(*) AS n FROM identities WHERE origin = 'requested'`)).toBeGreaterThan(0);
    expect(
      await count(
        db,
        sql`SELECT count(*) AS n FROM identities WHERE origin = 'requested' AND (owner_id IS NULL OR purpose IS NULL OR btrim(purpose) = '' OR expires_at IS NULL)`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        sql`SELECT count(*) AS n FROM pg_constraint WHERE conname = 'identities_birth_certificate' AND convalidated`,
      ),
    ).toBe(1);
  });

  it("grants entitlements, some privileged (write/admin in production)", async () => {
    const e = await one<{ total: string; identities: string; privileged: string; prod_priv: string }>(
      db,
      sql`SELECT count(*) AS total, count(DISTINCT identity_id) AS identities, count(*) FILTER (WHERE privileged) AS privileged,
        count(*) FILTER (WHERE privileged AND i.environment = 'production') AS prod_priv
        FROM entitlements e JOIN identities i ON i.id = e.identity_id`,
    );
    expect(Number(e.total) / 2000).toBeGreaterThan(1);
    expect(Number(e.total) / 2000).toBeLessThan(2);
    expect(Number(e.privileged)).toBeGreaterThan(0);
    expect(Number(e.prod_priv)).toBeGreaterThan(0);
    expect(await count(db, sql`SELECT count(DISTINCT status) AS n FROM entitlements`)).toBe(3);
  });

  it("queues a few pending requests by Olivia and Omar with decision traces and approval stages", async () => {
    const reqs = await rows<{
      type: string;
      requester: string;
      policy_version: string;
      decision_trace: unknown;
      stages: number;
      first_rule: string;
      first_approver: string | null;
    }>(
      db,
      sql`SELECT r.type, u.email AS requester, r.policy_version, r.decision_trace,
          (SELECT count(*)::int FROM approval_stages s WHERE s.request_id = r.id) AS stages,
          (SELECT s.approver_rule::text FROM approval_stages s WHERE s.request_id = r.id AND s.position = 1) AS first_rule,
          (SELECT a.email FROM approval_stages s JOIN users a ON a.id = s.approver_id WHERE s.request_id = r.id AND s.position = 1) AS first_approver
        FROM requests r JOIN users u ON u.id = r.requester_id WHERE r.status = 'pending'`,
    );
    expect(reqs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(reqs.map((r) => r.type))).toEqual(new Set(["new_identity", "grant_entitlement", "extend_expiry"]));
    for (const r of reqs) {
      expect(["olivia.owner@example.com", "omar.owner@example.com"]).toContain(r.requester);
      expect(r.policy_version).toBe("2026-11-seed");
      const trace = (typeof r.decision_trace === "string" ? JSON.parse(r.decision_trace) : r.decision_trace) as Record<
        string,
        unknown
      >;
      expect(trace.outcome).toBe("needs_approval");
      expect(Array.isArray(trace.rules) && trace.rules.length > 0).toBe(true);
      expect(Array.isArray(trace.stages) && trace.stages.length).toBe(r.stages);
      expect(r.first_rule).toBe("owner_manager");
      expect(r.first_approver).toBe("maya.manager@example.com");
    }
  });

  it("stores each identity's risk as risk.ts computes it from its rows and entitlements (scored at insert, not rescored)", async () => {
    const mismatched = await rows<{ name: string }>(
      db,
      sql`SELECT i.name FROM identities i WHERE i.risk_score IS DISTINCT FROM ${riskScoreSql(AT)} OR i.risk_factors IS DISTINCT FROM ${riskFactorsSql(AT)}`,
    );
    expect(mismatched).toEqual([]);
    expect(
      await count(db, sql`SELECT count(*) AS n FROM identities WHERE 'privileged' = ANY (risk_factors)`),
    ).toBeGreaterThan(0);
  });

  it("writes the default policy settings", async () => {
    const settings = await rows<{ key: string; value: unknown }>(db, sql`SELECT key, value FROM settings ORDER BY key`);
    const byKey = Object.fromEntries(
      settings.map((s) => [s.key, typeof s.value === "string" ? JSON.parse(s.value) : s.value]),
    );
    expect(byKey).toMatchObject({
      "policy.max_ttl_days": { production: 90, staging: 180, development: 365 },
      "policy.dormant_days": 90,
      "policy.stale_request_days": 14,
      "policy.break_glass_max_hours": 4,
      "policy.review_period_days": 90,
    });
  });

  it("records exactly one system.seeded audit event and the chain verifies", async () => {
    const events = await rows<{
      action: string;
      actor_type: string;
      actor_id: string | null;
      actor_label: string;
      after: unknown;
    }>(db, sql`SELECT action, actor_type, actor_id, actor_label, after FROM audit_events`);
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e).toMatchObject({
      action: "system.seeded",
      actor_type: "system",
      actor_id: null,
      actor_label: "steward db seed",
    });
    const after = (typeof e!.after === "string" ? JSON.parse(e!.after) : e!.after) as Record<string, number>;
    expect(after).toMatchObject({ seed: 1, identities: 2000, systems: 15 });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 1 });
  });
});

/** text[] comes back as an array from postgres.js and as "{a,b}" from some paths; accept both. */
function pgArray(v: string | string[]): string[] {
  return Array.isArray(v)
    ? v
    : v
        .replace(/^\{|\}$/g, "")
        .split(",")
        .filter(Boolean);
}
