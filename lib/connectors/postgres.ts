import "server-only";
import postgres from "postgres";
import { z } from "zod";
import {
  ConnectorError,
  type BatchOutcome,
  type Connector,
  type GrantTarget,
  type RevokeTarget,
  type SystemTarget,
} from "./types";

/**
 * PostgreSQL databases: the login roles are the identities, their role memberships the
 * entitlements (resource = the granted role). Granting an entitlement is `GRANT role TO member`,
 * read back from pg_auth_members. Revoking an identity sets its role NOLOGIN, removes
 * every membership and ends its open sessions; revoking an entitlement removes one membership.
 * Verification reads pg_roles and pg_auth_members back. Settings: `url` (a role allowed to ALTER
 * ROLE and REVOKE: a superuser or one with CREATEROLE and ADMIN OPTION on the groups).
 */
const settingsSchema = z.object({
  url: z.string().regex(/^postgres(ql)?:\/\//, "url must be a postgres:// connection string"),
});

function connect(system: SystemTarget) {
  const parsed = settingsSchema.safeParse(system.settings);
  if (!parsed.success)
    throw new ConnectorError(`${system.name} has no PostgreSQL connection configured (settings.url).`);
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
  sql<
    { granted: string }[]
  >`SELECT g.rolname AS granted FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ${role} ORDER BY 1`;

/**
 * Roles Steward never changes, whatever an identity says: superusers, the server's own (pg_*) and
 * the role the connector itself signs in as. With the binding rule (only accounts discovery,
 * import or a confirmed provisioning bound are passed here), this is how the connector keeps to
 * roles it can show it governs. Returns why each protected account is protected.
 */
async function protectedAccounts(sql: postgres.Sql, accounts: string[]): Promise<Map<string, string>> {
  const rows = await sql<{ rolname: string; why: string }[]>`
    SELECT rolname, CASE WHEN rolsuper THEN 'is a superuser' WHEN left(rolname, 3) = 'pg_' THEN 'is one of the server''s own roles'
      ELSE 'is the role Steward connects as' END AS why
    FROM pg_roles WHERE rolname = ANY(${accounts}) AND (rolsuper OR left(rolname, 3) = 'pg_' OR rolname = current_user)`;
  return new Map(
    rows.map((r) => [
      r.rolname,
      `${r.rolname} ${r.why}: Steward never changes it. Remove the access by hand if it must go.`,
    ]),
  );
}

const unboundError = (t: Pick<RevokeTarget, "identityName">) =>
  `${t.identityName} is not bound to an account in this database; Steward does not act on a typed name.`;

/**
 * Why a grant may not be made: the member is not bound or is protected, or the role granted does
 * not exist or is too powerful to hand out by a request: a superuser, one of the server's own
 * roles (pg_execute_server_program and the like reach the server's files and shell), the role
 * Steward connects as, a role with CREATEROLE, BYPASSRLS or REPLICATION, or a role that is itself,
 * directly or through other roles, a member of any of those. Read in one query for many targets.
 */
async function grantRefusals(sql: postgres.Sql, targets: GrantTarget[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of targets) if (!t.bound) out.set(t.operationId, unboundError(t));
  const live = targets.filter((t) => t.bound);
  const guarded = await protectedAccounts(sql, [...new Set(live.map((t) => t.account))]);
  const accounts = new Set(
    (
      await sql<
        { rolname: string }[]
      >`SELECT rolname FROM pg_roles WHERE rolname = ANY(${[...new Set(live.map((t) => t.account))]})`
    ).map((r) => r.rolname),
  );
  const granted = [...new Set(live.map((t) => t.entitlement.resource))];
  // Each role asked for, and why it is too powerful (null: it may be granted), following its memberships up.
  const powers = new Map(
    (
      await sql<{ rolname: string; why: string | null }[]>`
        WITH RECURSIVE up(start, oid) AS (
          SELECT r.rolname, r.oid FROM pg_roles r WHERE r.rolname = ANY(${granted})
          UNION SELECT up.start, m.roleid FROM up JOIN pg_auth_members m ON m.member = up.oid
        )
        SELECT up.start AS rolname,
          (array_agg(CASE WHEN g.rolsuper THEN g.rolname || ' is a superuser'
            WHEN left(g.rolname, 3) = 'pg_' THEN g.rolname || ' is one of the server''s own roles'
            WHEN g.rolname = current_user THEN g.rolname || ' is the role Steward connects as'
            WHEN g.rolcreaterole OR g.rolbypassrls OR g.rolreplication THEN g.rolname || ' may create roles, bypass row security or replicate'
            END) FILTER (WHERE g.rolsuper OR left(g.rolname, 3) = 'pg_' OR g.rolname = current_user
              OR g.rolcreaterole OR g.rolbypassrls OR g.rolreplication))[1] AS why
        FROM up JOIN pg_roles g ON g.oid = up.oid GROUP BY up.start`
    ).map((r) => [r.rolname, r.why]),
  );
  for (const t of live) {
    const role = t.entitlement.resource;
    if (guarded.has(t.account)) out.set(t.operationId, guarded.get(t.account)!);
    else if (!accounts.has(t.account)) out.set(t.operationId, `There is no role ${t.account} in the database.`);
    else if (!powers.has(role)) out.set(t.operationId, `There is no role ${role} in the database to grant.`);
    else if (powers.get(role))
      out.set(
        t.operationId,
        `${role} is too powerful to grant through Steward (${powers.get(role) === `${role} is a superuser` ? "a superuser" : powers.get(role)}). Grant it by hand if it must be.`,
      );
  }
  return out;
}

const membershipsOf = async (sql: postgres.Sql, accounts: string[]) => {
  const held = new Map<string, string[]>();
  for (const m of await sql<
    { member: string; granted: string }[]
  >`SELECT u.rolname AS member, g.rolname AS granted FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ANY(${accounts})`) {
    held.set(m.member, [...(held.get(m.member) ?? []), m.granted]);
  }
  return held;
};

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const CHUNK = 500;

/**
 * Runs statements in chunks of CHUNK per round trip (simple protocol); a chunk that fails is
 * retried statement by statement, so one bad statement fails alone. Errors by the statement's key.
 */
async function runChunked(
  sql: postgres.Sql,
  statements: { key: string; text: string }[],
): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  for (let i = 0; i < statements.length; i += CHUNK) {
    const chunk = statements.slice(i, i + CHUNK);
    try {
      await sql.unsafe(chunk.map((s) => s.text).join(";\n")).simple();
    } catch {
      for (const s of chunk) {
        try {
          await sql.unsafe(s.text).simple();
        } catch (e) {
          errors.set(s.key, e instanceof Error ? e.message : String(e));
        }
      }
    }
  }
  return errors;
}

export const postgresConnector: Connector = {
  /**
   * Many grants in one session: refusals read in one query, the GRANT statements sent in chunks
   * of 500 per round trip (a failing chunk retried statement by statement), memberships read back
   * with one query.
   */
  async grantBatch(system, targets) {
    return withTarget(system, async (sql) => {
      const refused = await grantRefusals(sql, targets);
      const out = new Map<string, BatchOutcome>([...refused].map(([id, error]) => [id, { verified: false, error }]));
      const todo = targets.filter((t) => !refused.has(t.operationId));
      const before = await membershipsOf(sql, [...new Set(todo.map((t) => t.account))]);
      const statements = todo
        .filter((t) => !(before.get(t.account) ?? []).includes(t.entitlement.resource))
        .map((t) => ({ key: t.operationId, text: `GRANT ${ident(t.entitlement.resource)} TO ${ident(t.account)}` }));
      const errors = await runChunked(sql, statements);
      const after = await membershipsOf(sql, [...new Set(todo.map((t) => t.account))]);
      for (const t of todo) {
        const memberships = after.get(t.account) ?? [];
        const evidence = { role: t.account, granted: t.entitlement.resource, memberships, readAt: "pg_auth_members" };
        if (errors.has(t.operationId))
          out.set(t.operationId, { verified: false, error: errors.get(t.operationId)!, evidence });
        else if (!memberships.includes(t.entitlement.resource))
          out.set(t.operationId, {
            verified: false,
            error: `${t.account} is not a member of ${t.entitlement.resource} after the GRANT.`,
            evidence,
          });
        else out.set(t.operationId, { verified: true, evidence });
      }
      return out;
    });
  },
  async grant(system, target) {
    if (!target.bound) throw new ConnectorError(unboundError(target));
    return withTarget(system, async (sql) => {
      const refusal = (await grantRefusals(sql, [target])).get(target.operationId);
      if (refusal) throw new ConnectorError(refusal);
      const role = target.entitlement.resource;
      const held = (await memberships(sql, target.account)).some((m) => m.granted === role);
      if (!held) await sql`GRANT ${sql(role)} TO ${sql(target.account)}`;
      return { state: "done", evidence: { role: target.account, grantedMembership: role, wasMember: held } };
    });
  },
  async verifyGrant(system, target) {
    return withTarget(system, async (sql) => {
      const held = (await memberships(sql, target.account)).map((m) => m.granted);
      const evidence = { role: target.account, memberships: held, readAt: "pg_auth_members" };
      return held.includes(target.entitlement.resource)
        ? { verified: true, evidence }
        : { verified: false, evidence, reason: `${target.account} is not a member of ${target.entitlement.resource}.` };
    });
  },
  /**
   * The same revocation for many roles in one session: the ALTER ROLE and REVOKE statements go in
   * chunks of 500 per round trip (simple protocol), sessions are ended and everything is read back
   * with one query each. A chunk that fails is retried statement by statement, so one bad role
   * fails alone.
   */
  async revokeBatch(system, targets) {
    return withTarget(system, async (sql) => {
      const refused = new Map<string, string>();
      for (const t of targets) if (!t.bound) refused.set(t.revocationId, unboundError(t));
      const guarded = await protectedAccounts(sql, [...new Set(targets.filter((t) => t.bound).map((t) => t.account))]);
      for (const t of targets) if (guarded.has(t.account)) refused.set(t.revocationId, guarded.get(t.account)!);
      const refusedOutcomes = new Map<string, BatchOutcome>(
        [...refused].map(([id, error]) => [id, { verified: false, error }]),
      );
      targets = targets.filter((t) => !refused.has(t.revocationId));
      const accounts = [...new Set(targets.map((t) => t.account))];
      const exists = new Set(
        (await sql<{ rolname: string }[]>`SELECT rolname FROM pg_roles WHERE rolname = ANY(${accounts})`).map(
          (r) => r.rolname,
        ),
      );
      const held = new Map<string, string[]>();
      for (const m of await sql<
        { member: string; granted: string }[]
      >`SELECT u.rolname AS member, g.rolname AS granted FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ANY(${accounts})`) {
        held.set(m.member, [...(held.get(m.member) ?? []), m.granted]);
      }
      const statements: { key: string; text: string }[] = [];
      for (const t of targets) {
        if (!exists.has(t.account)) continue;
        if (t.kind === "entitlement") {
          if ((held.get(t.account) ?? []).includes(t.entitlement!.resource))
            statements.push({
              key: t.account,
              text: `REVOKE ${ident(t.entitlement!.resource)} FROM ${ident(t.account)}`,
            });
          continue;
        }
        statements.push({ key: t.account, text: `ALTER ROLE ${ident(t.account)} NOLOGIN` });
        for (const g of held.get(t.account) ?? [])
          statements.push({ key: t.account, text: `REVOKE ${ident(g)} FROM ${ident(t.account)}` });
      }
      const errors = await runChunked(sql, statements);
      const whole = targets.filter((t) => t.kind !== "entitlement" && exists.has(t.account)).map((t) => t.account);
      if (whole.length)
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(${whole}) AND pid <> pg_backend_pid()`;

      // Read back.
      const login = new Map(
        (
          await sql<
            { rolname: string; rolcanlogin: boolean }[]
          >`SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY(${accounts})`
        ).map((r) => [r.rolname, r.rolcanlogin]),
      );
      const after = new Map<string, string[]>();
      for (const m of await sql<
        { member: string; granted: string }[]
      >`SELECT u.rolname AS member, g.rolname AS granted FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ANY(${accounts})`) {
        after.set(m.member, [...(after.get(m.member) ?? []), m.granted]);
      }
      const out = new Map<string, BatchOutcome>(refusedOutcomes);
      for (const t of targets) {
        const memberships = after.get(t.account) ?? [];
        const evidence = {
          role: t.account,
          canLogin: login.get(t.account) ?? null,
          memberships,
          removed: held.get(t.account) ?? [],
          readAt: "pg_roles, pg_auth_members",
        };
        if (errors.has(t.account))
          out.set(t.revocationId, { verified: false, error: errors.get(t.account)!, evidence });
        else if (!login.has(t.account))
          out.set(t.revocationId, { verified: true, evidence: { role: t.account, exists: false } });
        else if (t.kind === "entitlement") {
          out.set(
            t.revocationId,
            memberships.includes(t.entitlement!.resource)
              ? { verified: false, error: `${t.account} is still a member of ${t.entitlement!.resource}.`, evidence }
              : { verified: true, evidence },
          );
        } else if (login.get(t.account))
          out.set(t.revocationId, { verified: false, error: `${t.account} can still log in.`, evidence });
        else if (memberships.length)
          out.set(t.revocationId, {
            verified: false,
            error: `${t.account} is still a member of ${memberships.join(", ")}.`,
            evidence,
          });
        else out.set(t.revocationId, { verified: true, evidence });
      }
      return out;
    });
  },
  async discover(system) {
    return withTarget(system, async (sql) => {
      // Login roles, except the server's own (pg_*) and superusers, each with its memberships.
      const rows = await sql<{ rolname: string; rolcanlogin: boolean; granted: string[] | null }[]>`
        SELECT u.rolname, u.rolcanlogin, array_remove(array_agg(g.rolname ORDER BY g.rolname), NULL) AS granted
        FROM pg_roles u LEFT JOIN pg_auth_members m ON m.member = u.oid LEFT JOIN pg_roles g ON g.oid = m.roleid
        WHERE u.rolcanlogin AND NOT u.rolsuper AND u.rolname NOT LIKE 'pg\_%'
        GROUP BY u.rolname, u.rolcanlogin ORDER BY u.rolname`;
      return rows.map((r) => ({
        account: r.rolname,
        canLogin: r.rolcanlogin,
        grants: (r.granted ?? []).map((g) => ({ resource: g, permission: "member" })),
      }));
    });
  },
  async revoke(system, target) {
    if (!target.bound) throw new ConnectorError(unboundError(target));
    return withTarget(system, async (sql) => {
      const guard = (await protectedAccounts(sql, [target.account])).get(target.account);
      if (guard) throw new ConnectorError(guard);
      const [role] = await sql<
        { rolcanlogin: boolean }[]
      >`SELECT rolcanlogin FROM pg_roles WHERE rolname = ${target.account}`;
      if (!role)
        return { state: "done", evidence: { role: target.account, note: "The role does not exist in the database." } };
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
      const ended =
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${target.account} AND pid <> pg_backend_pid()`;
      return {
        state: "done",
        evidence: { role: target.account, nologin: true, removedMemberships: removed, endedSessions: ended.length },
      };
    });
  },
  async verify(system, target) {
    return withTarget(system, async (sql) => {
      const [role] = await sql<
        { rolcanlogin: boolean }[]
      >`SELECT rolcanlogin FROM pg_roles WHERE rolname = ${target.account}`;
      if (!role) return { verified: true, evidence: { role: target.account, exists: false } };
      const held = (await memberships(sql, target.account)).map((m) => m.granted);
      if (target.kind === "entitlement") {
        const granted = target.entitlement!.resource;
        return held.includes(granted)
          ? {
              verified: false,
              evidence: { role: target.account, memberships: held },
              reason: `${target.account} is still a member of ${granted}.`,
            }
          : { verified: true, evidence: { role: target.account, memberships: held } };
      }
      const evidence = {
        role: target.account,
        canLogin: role.rolcanlogin,
        memberships: held,
        readAt: "pg_roles, pg_auth_members",
      };
      if (role.rolcanlogin) return { verified: false, evidence, reason: `${target.account} can still log in.` };
      if (held.length)
        return { verified: false, evidence, reason: `${target.account} is still a member of ${held.join(", ")}.` };
      return { verified: true, evidence };
    });
  },
};

export type { RevokeTarget };
