import { sql } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import { queryRows, type Database } from "@/db";
import { CONNECTOR_KINDS, ENVIRONMENTS, type Environment } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit/record";
import { type Actor, auditActor, hasRole, requireCanChange, requireRole } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, invalidInput, notFound } from "@/lib/errors";
import { plural } from "@/lib/format";
import { rescoreIdentities } from "@/lib/identities/risk";
import { isPrivilegedGrant } from "@/lib/policy/privileged";
import { loadPolicySettings } from "@/lib/policy/settings";

/**
 * Target systems and their connectors (admins manage them; security and auditors read). A
 * connector's secrets (a database URL's password, a webhook's signing secret) go in and never
 * come back out: reads show whether one is set, and a blank field on edit keeps the old one.
 * Retiring a system revokes every live identity in it through the normal revocation flow.
 */
export const canReadSystems = (actor: Actor) => hasRole(actor, "admin", "security", "auditor");

export type SystemView = {
  id: string;
  name: string;
  kind: string;
  environment: Environment;
  connector: string;
  status: string;
  retiredAt: string | null;
  liveIdentities: number;
  /** What is safe to show: the target with any password blanked, whether a secret is set. */
  settings: { url: string | null; statusUrl: string | null; secretSet: boolean; other: Record<string, string> };
};

/** A URL with its password and query values (tokens, libpq passwords) replaced, for showing. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "****";
    for (const k of [...u.searchParams.keys()]) u.searchParams.set(k, "****");
    return u.toString();
  } catch {
    return "(not a valid URL)";
  }
}

function viewSettings(raw: Record<string, unknown>): SystemView["settings"] {
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (["url", "statusUrl", "secret", "password"].includes(k) || /secret|password|token/i.test(k)) continue;
    if (typeof v === "string" || typeof v === "number")
      other[k] = /^[a-z]+:\/\//i.test(String(v)) ? redactUrl(String(v)) : String(v);
  }
  return {
    url: typeof raw.url === "string" ? redactUrl(raw.url) : null,
    statusUrl: typeof raw.statusUrl === "string" ? redactUrl(raw.statusUrl) : null,
    secretSet: typeof raw.secret === "string" && raw.secret.length > 0,
    other,
  };
}

export async function listSystems(db: Database, actor: Actor): Promise<SystemView[]> {
  if (!canReadSystems(actor)) throw forbidden("Admins, security and auditors see the systems.");
  const rows = await queryRows<{
    id: string;
    name: string;
    kind: string;
    environment: Environment;
    connector: string;
    status: string;
    retired_at: Date | string | null;
    settings: Record<string, unknown> | string;
    live: number;
  }>(
    db,
    sql`SELECT s.id, s.name, s.kind, s.environment, s.connector, s.status, s.retired_at, s.settings,
          (SELECT count(*)::int FROM identities i WHERE i.system_id = s.id AND i.status IN ('pending', 'active', 'suspended')) AS live
        FROM systems s ORDER BY s.status, s.name`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    environment: r.environment,
    connector: r.connector,
    status: r.status,
    retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null,
    liveIdentities: r.live,
    settings: viewSettings(typeof r.settings === "string" ? JSON.parse(r.settings) : r.settings),
  }));
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const connectorSchema = z.object({
  systemId: z.guid("That system id is not valid."),
  connector: z.enum(CONNECTOR_KINDS, { error: "Choose a connector." }),
  url: z.preprocess(blankToUndefined, text().trim().max(2000).optional()),
  statusUrl: z.preprocess(blankToUndefined, text().trim().url("The status URL must be a URL.").max(2000).optional()),
  secret: z.preprocess(
    blankToUndefined,
    text().min(16, "A signing secret has at least 16 characters.").max(500).optional(),
  ),
});

/** Sets a system's connector and its settings. Blank secret fields keep what is stored. */
export async function configureConnector(db: Database, actor: Actor, raw: unknown): Promise<void> {
  requireCanChange(actor);
  requireRole(actor, "admin");
  const parsed = connectorSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("The connector was not changed.", parsed.error);
  const input = parsed.data;
  await db.transaction(async (tx) => {
    const [sys] = await queryRows<{
      name: string;
      connector: string;
      status: string;
      settings: Record<string, unknown> | string;
    }>(tx, sql`SELECT name, connector, status, settings FROM systems WHERE id = ${input.systemId}::uuid FOR UPDATE`);
    if (!sys) throw notFound("That system");
    // Retired systems stay editable: their revocations still run, and a fixed password saves them.
    const before = (typeof sys.settings === "string" ? JSON.parse(sys.settings) : sys.settings) as Record<
      string,
      unknown
    >;
    const next: Record<string, unknown> = { ...before };
    if (input.connector === "postgres") {
      const url = input.url ?? (typeof before.url === "string" ? before.url : undefined);
      if (!url || !/^postgres(ql)?:\/\//.test(url))
        throw invalid("The connector was not changed.", {
          url: ["Give a postgres:// connection string for a role that may ALTER ROLE and REVOKE."],
        });
      next.url = url;
    }
    if (input.connector === "webhook") {
      const url = input.url ?? (typeof before.url === "string" ? before.url : undefined);
      if (!url || !/^https?:\/\//.test(url))
        throw invalid("The connector was not changed.", { url: ["Give the receiver's http(s) URL."] });
      const secret = input.secret ?? (typeof before.secret === "string" ? before.secret : undefined);
      if (!secret)
        throw invalid("The connector was not changed.", {
          secret: ["Set a signing secret (16+ characters) the receiver also holds."],
        });
      Object.assign(next, { url, secret });
      if (input.statusUrl) next.statusUrl = input.statusUrl;
    }
    await tx.execute(
      sql`UPDATE systems SET connector = ${input.connector}::connector_kind, settings = ${JSON.stringify(next)}::jsonb WHERE id = ${input.systemId}::uuid`,
    );
    await record(tx, {
      actor: auditActor(actor),
      action: "system.connector_changed",
      subject: { type: "system", id: input.systemId },
      before: { connector: sys.connector, settings: viewSettings(before) },
      after: { connector: input.connector, settings: viewSettings(next) },
    });
  });
}

const environmentSchema = z.object({
  systemId: z.guid("That system id is not valid."),
  environment: z.enum(ENVIRONMENTS, { error: "Choose production, staging or development." }),
});

/**
 * Sets the environment of a system (admins): every identity in it moves with it, set-based, in the
 * same transaction, because policy judges an identity by its system's environment. Requests still
 * waiting are judged again on the new environment at their final approval.
 */
export async function setSystemEnvironment(
  db: Database,
  actor: Actor,
  raw: unknown,
): Promise<{ identitiesMoved: number }> {
  requireCanChange(actor);
  requireRole(actor, "admin");
  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("The environment was not changed.", parsed.error);
  const { systemId, environment } = parsed.data;
  return db.transaction(async (tx) => {
    const [sys] = await queryRows<{ name: string; environment: Environment }>(
      tx,
      sql`SELECT name, environment FROM systems WHERE id = ${systemId}::uuid FOR UPDATE`,
    );
    if (!sys) throw notFound("That system");
    if (sys.environment === environment) return { identitiesMoved: 0 };
    await tx.execute(sql`UPDATE systems SET environment = ${environment}::environment WHERE id = ${systemId}::uuid`);
    const moved = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE identities SET environment = ${environment}::environment WHERE system_id = ${systemId}::uuid AND environment <> ${environment}::environment RETURNING id`,
    );
    await record(tx, {
      actor: auditActor(actor),
      action: "system.environment_changed",
      subject: { type: "system", id: systemId },
      before: { environment: sys.environment },
      after: { environment, identitiesMoved: moved.length },
    });
    return { identitiesMoved: moved.length };
  });
}

const retireSchema = z.object({
  systemId: z.guid("That system id is not valid."),
  /** The count the person saw and confirmed: if it changed since, they confirm again. */
  confirmCount: z.coerce.number({ error: "Confirm how many identities it revokes." }).int().min(0),
  reason: text({ error: "Say why the system ends." })
    .trim()
    .min(5, "Say why the system ends (at least 5 characters).")
    .max(2000),
});

/**
 * Retires a system (an app, vendor or workload that ends): the system is marked retired and every
 * live identity in it gets a revocation, in one transaction with an audit event each. The
 * revocations then run like any other (the caller starts the runner).
 */
export async function retireSystem(db: Database, actor: Actor, raw: unknown): Promise<{ revocationIds: string[] }> {
  requireCanChange(actor);
  requireRole(actor, "admin");
  const parsed = retireSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput("The system was not retired.", parsed.error);
  const input = parsed.data;
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const [sys] = await queryRows<{ name: string; status: string }>(
        tx,
        sql`SELECT name, status FROM systems WHERE id = ${input.systemId}::uuid FOR UPDATE`,
      );
      if (!sys) throw notFound("That system");
      if (sys.status === "retired") throw conflict(`${sys.name} is already retired.`);
      const live = await queryRows<{ id: string }>(
        tx,
        sql`SELECT id FROM identities WHERE system_id = ${input.systemId}::uuid AND status IN ('pending', 'active', 'suspended') ORDER BY id FOR UPDATE`,
      );
      if (live.length !== input.confirmCount) {
        throw conflict(
          `${sys.name} now has ${plural(live.length, "live identity", "live identities")}, not ${input.confirmCount}: confirm again.`,
        );
      }
      const at = now().toISOString();
      await tx.execute(
        sql`UPDATE systems SET status = 'retired', retired_at = ${at}::timestamptz WHERE id = ${input.systemId}::uuid`,
      );
      // One revocation per identity, except where one is already in flight (that one carries on).
      const created = await queryRows<{ id: string; identity_id: string }>(
        tx,
        sql`INSERT INTO revocations (target_type, identity_id, reason, requested_by, status, next_attempt_at, created_at, updated_at)
          SELECT 'identity', i.id, ${`System retired: ${input.reason}`}, ${actor.personId}::uuid, 'requested', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz
          FROM identities i WHERE i.system_id = ${input.systemId}::uuid AND i.status IN ('pending', 'active', 'suspended')
            AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.identity_id = i.id AND r.target_type = 'identity' AND r.status IN ('requested', 'executing', 'executed', 'failed'))
          ON CONFLICT DO NOTHING RETURNING id, identity_id`,
      );
      await record(tx, {
        actor: auditActor(actor),
        action: "system.retired",
        subject: { type: "system", id: input.systemId },
        after: {
          name: sys.name,
          reason: input.reason,
          liveIdentities: live.length,
          revocationsRequested: created.length,
        },
      });
      for (const r of created) {
        await record(tx, {
          actor: auditActor(actor),
          action: "revocation.requested",
          subject: { type: "identity", id: r.identity_id },
          after: { revocationId: r.id, target: "identity", reason: `System retired: ${input.reason}` },
        });
      }
      return { revocationIds: created.map((r) => r.id) };
    }),
  );
}

/**
 * Discovery: the accounts the system holds become identities of it (origin `discovered`, no owner
 * until someone claims them, so the inventory shows them orphaned), their grants entitlements.
 * Run again, it adds what is new and changes nothing else. Admins and security run it.
 */
export type Discovered = {
  found: number;
  newIdentities: number;
  newEntitlements: number;
  /** Accounts whose name a live identity of the system already has without being bound to it: added as `<account>~discovered`, for a person to resolve. */
  conflicts: string[];
};

/** The name suffix of a discovered account whose plain name an unbound identity already holds. */
export const CONFLICT_SUFFIX = "~discovered";

export async function discoverSystem(db: Database, actor: Actor, rawId: unknown): Promise<Discovered> {
  requireCanChange(actor);
  if (!hasRole(actor, "admin", "security")) throw forbidden("Admins and security discover a system's accounts.");
  const id = z.guid("That system id is not valid.").safeParse(rawId);
  if (!id.success) throw invalid("That system id is not valid.");
  const [sys] = await queryRows<{
    id: string;
    name: string;
    connector: "postgres" | "webhook" | "manual";
    status: string;
    settings: Record<string, unknown> | string;
  }>(db, sql`SELECT id, name, connector, status, settings FROM systems WHERE id = ${id.data}::uuid`);
  if (!sys) throw notFound("That system");
  if (sys.status === "retired") throw conflict(`${sys.name} is retired.`);
  const { connectorFor } = await import("@/lib/connectors");
  const connector = connectorFor({
    ...sys,
    settings: typeof sys.settings === "string" ? JSON.parse(sys.settings) : sys.settings,
  });
  if (!connector.discover)
    throw conflict(`The ${sys.connector} connector cannot list accounts; add them through requests or an import.`);
  let accounts;
  try {
    accounts = await connector.discover({
      ...sys,
      settings: typeof sys.settings === "string" ? JSON.parse(sys.settings) : sys.settings,
    });
  } catch (e) {
    throw conflict(`${sys.name} could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      // Held while the accounts are added: a retirement (or an environment change) committing during
      // the read above is seen here, and one starting now waits for these identities.
      const [held] = await queryRows<{ status: string }>(
        tx,
        sql`SELECT status FROM systems WHERE id = ${sys.id}::uuid FOR SHARE`,
      );
      if (held?.status !== "active")
        throw conflict(`${sys.name} was retired while it was being read; nothing was added.`);
      const at = now().toISOString();
      const { privilegedPermissions } = await loadPolicySettings(tx);
      const payload = JSON.stringify(
        accounts.map((a) => ({
          account: a.account,
          grants: a.grants.map((g) => ({ ...g, privileged: isPrivilegedGrant(g, privilegedPermissions) })),
        })),
      );
      // An account whose name a live identity already has, bound to nothing (one requested under that
      // name), is not bound to that identity: that would hand the real account to whoever typed the
      // name. It is added as an identity of its own, named `<account>~discovered` (bound, unowned, so
      // the inventory shows it orphaned), and reported for a person to resolve.
      const conflicts = (
        await queryRows<{ account: string }>(
          tx,
          sql`SELECT a.account FROM jsonb_to_recordset(${payload}::jsonb) AS a(account text, grants jsonb)
          JOIN identities i ON i.system_id = ${sys.id}::uuid AND i.name = a.account AND i.status IN ('pending', 'active', 'suspended')
          WHERE i.external_id IS DISTINCT FROM a.account ORDER BY a.account`,
        )
      ).map((r) => r.account);
      const created = await queryRows<{ id: string; name: string }>(
        tx,
        sql`INSERT INTO identities (name, kind, system_id, environment, status, origin, external_id, credential_type, created_at)
          SELECT CASE WHEN a.account IN (SELECT jsonb_array_elements_text(${JSON.stringify(conflicts)}::jsonb)) THEN a.account || ${CONFLICT_SUFFIX} ELSE a.account END,
            'service_account', s.id, s.environment, 'active', 'discovered', a.account, 'static_secret', ${at}::timestamptz
          FROM jsonb_to_recordset(${payload}::jsonb) AS a(account text, grants jsonb), systems s
          WHERE s.id = ${sys.id}::uuid
          -- Already bound (same external id), or a name taken at this very moment: next run adds it.
          ON CONFLICT DO NOTHING RETURNING id, name`,
      );
      const grants = await queryRows<{ id: string; identity_id: string; resource: string }>(
        tx,
        sql`INSERT INTO entitlements (identity_id, resource, permission, privileged)
          SELECT i.id, g.resource, g.permission, g.privileged
          FROM jsonb_to_recordset(${payload}::jsonb) AS a(account text, grants jsonb)
            CROSS JOIN LATERAL jsonb_to_recordset(a.grants) AS g(resource text, permission text, privileged boolean)
            JOIN identities i ON i.system_id = ${sys.id}::uuid AND i.external_id = a.account
          WHERE NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.resource = g.resource AND e.permission = g.permission AND e.status = 'active')
          RETURNING id, identity_id, resource`,
      );
      const touched = [...new Set([...created.map((c) => c.id), ...grants.map((g) => g.identity_id)])];
      if (touched.length)
        await rescoreIdentities(
          tx,
          sql`i.id IN (${sql.join(
            touched.map((t) => sql`${t}::uuid`),
            sql`, `,
          )})`,
          new Date(at),
        );
      await record(tx, {
        actor: auditActor(actor),
        action: "system.discovered",
        subject: { type: "system", id: sys.id },
        after: { found: accounts.length, newIdentities: created.length, newEntitlements: grants.length, conflicts },
      });
      for (const c of created)
        await record(tx, {
          actor: auditActor(actor),
          action: "identity.discovered",
          subject: { type: "identity", id: c.id },
          after: { system: sys.name, account: c.name },
        });
      return { found: accounts.length, newIdentities: created.length, newEntitlements: grants.length, conflicts };
    }),
  );
}
