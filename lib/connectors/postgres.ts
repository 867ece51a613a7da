import postgres from "postgres";
import { z } from "zod";
import { ConnectorError, type Connector, type RevokeTarget, type SystemTarget } from "./types";

/**
 * PostgreSQL databases: the login roles are the identities, their role memberships the
 * entitlements (resource = the granted role). Revoking an identity sets its role NOLOGIN, removes
 * every membership and ends its open sessions; revoking an entitlement removes one membership.
 * Verification reads pg_roles and pg_auth_members back. Settings: `url` (a role allowed to ALTER
 * ROLE and REVOKE: a superuser or one with CREATEROLE and ADMIN OPTION on the groups).
 */
const settingsSchema = z.object({ url: z.string().regex(/^postgres(ql)?:\/\//, "url must be a postgres:// connection string") });

function connect(system: SystemTarget) {
  const parsed = settingsSchema.safeParse(system.settings);
  if (!parsed.success) throw new ConnectorError(`${system.name} has no PostgreSQL connection configured (settings.url).`);
  return postgres(parsed.data.url, { max: 1, connect_timeout: 5, idle_timeout: 1, onnotice: () => {} });
}

async function withTarget<T>(system: SystemTarget, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = connect(system);
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

const memberships = (sql: postgres.Sql, role: string) =>
  sql<{ granted: string }[]>`SELECT g.rolname AS granted FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ${role} ORDER BY 1`;

export const postgresConnector: Connector = {
  async discover(system) {
    return withTarget(system, async (sql) => {
      // Login roles, except the server's own (pg_*) and superusers, each with its memberships.
      const rows = await sql<{ rolname: string; rolcanlogin: boolean; granted: string[] | null }[]>`
        SELECT u.rolname, u.rolcanlogin, array_remove(array_agg(g.rolname ORDER BY g.rolname), NULL) AS granted
        FROM pg_roles u LEFT JOIN pg_auth_members m ON m.member = u.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
        WHERE u.rolcanlogin AND NOT u.rolsuper AND u.rolname NOT LIKE 'pg\_%'
        GROUP BY u.rolname, u.rolcanlogin ORDER BY u.rolname`;
      return rows.map((r) => ({ account: r.rolname, canLogin: r.rolcanlogin, grants: (r.granted ?? []).map((g) => ({ resource: g, permission: "member" })) }));
    });
  },
  async revoke(system, target) {
    return withTarget(system, async (sql) => {
      const [role] = await sql<{ rolcanlogin: boolean }[]>`SELECT rolcanlogin FROM pg_roles WHERE rolname = ${target.account}`;
      if (!role) return { state: "done", evidence: { role: target.account, note: "The role does not exist in the database." } };
      if (target.kind === "entitlement") {
        const granted = target.entitlement!.resource;
        const held = (await memberships(sql, target.account)).some((m) => m.granted === granted);
        if (held) await sql`REVOKE ${sql(granted)} FROM ${sql(target.account)}`;
        return { state: "done", evidence: { role: target.account, revokedMembership: granted, wasMember: held } };
      }
      await sql`ALTER ROLE ${sql(target.account)} NOLOGIN`;
      const removed: string[] = [];
      for (const m of await memberships(sql, target.account)) {
        await sql`REVOKE ${sql(m.granted)} FROM ${sql(target.account)}`;
        removed.push(m.granted);
      }
      // Setting NOLOGIN stops new sessions; the open ones end here.
      const ended = await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${target.account} AND pid <> pg_backend_pid()`;
      return { state: "done", evidence: { role: target.account, nologin: true, removedMemberships: removed, endedSessions: ended.length } };
    });
  },
  async verify(system, target) {
    return withTarget(system, async (sql) => {
      const [role] = await sql<{ rolcanlogin: boolean }[]>`SELECT rolcanlogin FROM pg_roles WHERE rolname = ${target.account}`;
      if (!role) return { verified: true, evidence: { role: target.account, exists: false } };
      const held = (await memberships(sql, target.account)).map((m) => m.granted);
      if (target.kind === "entitlement") {
        const granted = target.entitlement!.resource;
        return held.includes(granted)
          ? { verified: false, evidence: { role: target.account, memberships: held }, reason: `${target.account} is still a member of ${granted}.` }
          : { verified: true, evidence: { role: target.account, memberships: held } };
      }
      const evidence = { role: target.account, canLogin: role.rolcanlogin, memberships: held, readAt: "pg_roles, pg_auth_members" };
      if (role.rolcanlogin) return { verified: false, evidence, reason: `${target.account} can still log in.` };
      if (held.length) return { verified: false, evidence, reason: `${target.account} is still a member of ${held.join(", ")}.` };
      return { verified: true, evidence };
    });
  },
};

export type { RevokeTarget };
