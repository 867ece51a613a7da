import "server-only";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import { queryRows } from "@/db";
import { connectAs, TARGET_PG_URL, testDatabase } from "@/lib/testing";

// What the revocation tests share (each file still gets its own database): three systems (a real
// PostgreSQL target, an unreachable one, a manual one), identities in them, and login roles on the
// target server, dropped when the file ends.

export const JOB = { type: "job" as const, id: null, label: "test revocation runner" };

export function revocationsEstate() {
  const conn = testDatabase({ identities: 60 });
  const actors = conn.personas;
  const target = postgres(TARGET_PG_URL, { max: 2, connect_timeout: 3, onnotice: () => {} });
  const roles: string[] = [];
  const systems = { postgres: "", broken: "", manual: "" };
  beforeAll(async () => {
    const system = async (name: string, connector: string, settings: Record<string, unknown>) =>
      (
        await queryRows<{ id: string }>(
          conn.db,
          sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${name}, 'postgres_database', ${connector}::connector_kind, ${JSON.stringify(settings)}::jsonb) RETURNING id`,
        )
      )[0]!.id;
    systems.postgres = await system("Postgres target (test)", "postgres", { url: TARGET_PG_URL });
    systems.broken = await system("Postgres unreachable (test)", "postgres", {
      url: "postgres://postgres@127.0.0.1:1/none",
    });
    systems.manual = await system("Vendor portal (test)", "manual", {});
  });
  afterAll(async () => {
    for (const r of roles.reverse()) await target.unsafe(`DROP ROLE IF EXISTS "${r}"`).catch(() => {});
    await target.end({ timeout: 2 });
  });

  /** An identity owned by Olivia in `system`, with one Steward entitlement per group. */
  async function identityIn(
    system: string,
    account: string,
    groups: string[] = [],
  ): Promise<{ id: string; entitlements: Record<string, string> }> {
    const [row] = await queryRows<{ id: string }>(
      conn.db,
      sql`INSERT INTO identities (name, kind, system_id, environment, owner_id, team_id, purpose, status, origin, external_id, credential_type)
          SELECT ${account}, 'service_account', ${system}::uuid, 'production', u.id, u.team_id, 'Reads the ledger for the nightly report', 'active', 'discovered', ${account}, 'static_secret'
          FROM users u WHERE u.id = ${actors.olivia.personId}::uuid RETURNING id`,
    );
    const entitlements: Record<string, string> = {};
    for (const g of groups) {
      entitlements[g] = (
        await queryRows<{ id: string }>(
          conn.db,
          sql`INSERT INTO entitlements (identity_id, resource, permission, privileged) VALUES (${row!.id}::uuid, ${g}, 'member', false) RETURNING id`,
        )
      )[0]!.id;
    }
    return { id: row!.id, entitlements };
  }

  /** A login role with a password, member of `groups` (created too), on the target server. */
  async function loginRole(groups: string[]): Promise<{ role: string; password: string }> {
    const role = `steward_t_${randomBytes(4).toString("hex")}`;
    const password = randomBytes(12).toString("hex");
    for (const g of groups) {
      await target.unsafe(`CREATE ROLE "${g}" NOLOGIN`);
      roles.push(g);
    }
    await target.unsafe(
      `CREATE ROLE "${role}" LOGIN PASSWORD '${password}'${groups.length ? ` IN ROLE ${groups.map((g) => `"${g}"`).join(", ")}` : ""}`,
    );
    roles.push(role);
    return { role, password };
  }

  const canConnect = (role: string, password: string) => connectAs(TARGET_PG_URL, role, password);

  const revocation = async (id: string) =>
    (
      await queryRows<{
        status: string;
        attempts: number;
        next_attempt_at: string | null;
        last_error: string | null;
        connector_result: unknown;
        evidence: unknown;
      }>(
        conn.db,
        sql`SELECT status, attempts, next_attempt_at::text, last_error, connector_result, evidence FROM revocations WHERE id = ${id}::uuid`,
      )
    )[0]!;
  const statusOf = async (table: "identities" | "entitlements", id: string) =>
    (await queryRows<{ status: string }>(conn.db, sql`SELECT status FROM ${sql.raw(table)} WHERE id = ${id}::uuid`))[0]!
      .status;

  return { conn, actors, systems, target, roles, identityIn, loginRole, canConnect, revocation, statusOf };
}
