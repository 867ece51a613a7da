import "server-only";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import type { Database } from "@/db";
import { lockById } from "@/db/locks";
import { pick, systemColumns } from "@/db/columns";
import { CONFIGURABLE_CONNECTORS, ENVIRONMENTS, identities, systems, type Environment } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, requireCanChange, requireRole } from "@/lib/auth";
import { forbidden, invalid, notFound, parseInput, conflict } from "@/lib/errors";

export { retireSystem } from "./retire";
export { CONFLICT_SUFFIX, discoverSystem, type Discovered } from "./discover";

/**
 * Target systems and their connectors (admins manage them; security and auditors read). A
 * connector's secrets (a database URL's password, a webhook's signing secret) go in and never
 * come back out: reads show whether one is set, and a blank field on edit keeps the old one.
 * Retiring a system revokes every live identity in it through the normal revocation flow
 * (retire.ts); discovery adds the accounts it holds (discover.ts).
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

export function viewSettings(raw: Record<string, unknown>): SystemView["settings"] {
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
  const rows = await db
    .select({
      ...pick(systemColumns, "id", "name", "kind", "environment", "connector", "status", "retiredAt", "settings"),
      // Spelled out: inside a select Drizzle renders ${systems.id} as a bare "id", which here would be i.id.
      live: sql<number>`(SELECT count(*)::int FROM identities i WHERE i.system_id = "systems"."id" AND i.status IN ('pending', 'active', 'suspended'))`,
    })
    .from(systems)
    .orderBy(asc(systems.status), asc(systems.name));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    environment: r.environment,
    connector: r.connector,
    status: r.status,
    retiredAt: r.retiredAt ? r.retiredAt.toISOString() : null,
    liveIdentities: r.live,
    settings: viewSettings(r.settings),
  }));
}

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const connectorSchema = z.object({
  systemId: z.guid("That system id is not valid."),
  connector: z.enum(CONFIGURABLE_CONNECTORS, { error: "Choose a connector." }),
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
  const input = parseInput(connectorSchema, raw, "The connector was not changed.");
  await db.transaction(async (tx) => {
    const sys = await lockById(
      tx,
      systems,
      pick(systemColumns, "name", "connector", "status", "settings"),
      input.systemId,
    );
    if (!sys) throw notFound("That system");
    if (sys.connector === "steward")
      throw conflict(`${sys.name} is Steward's own system: its identities are API tokens, revoked by Steward itself.`);
    // Retired systems stay editable: their revocations still run, and a fixed password saves them.
    const before = sys.settings;
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
  const { systemId, environment } = parseInput(environmentSchema, raw, "The environment was not changed.");
  return db.transaction(async (tx) => {
    const sys = await lockById(tx, systems, pick(systemColumns, "name", "environment"), systemId);
    if (!sys) throw notFound("That system");
    if (sys.environment === environment) return { identitiesMoved: 0 };
    await tx.execute(sql`UPDATE systems SET environment = ${environment}::environment WHERE id = ${systemId}::uuid`);
    const moved = await tx
      .update(identities)
      .set({ environment })
      .where(and(eq(identities.systemId, systemId), ne(identities.environment, environment)))
      .returning({ id: identities.id });
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
