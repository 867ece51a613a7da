import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { entitlementColumns, identityColumns, pick, readRows, selectList, systemColumns } from "@/db/columns";
import { systems } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound } from "@/lib/errors";
import { rescoreIdentities } from "@/lib/identities";
import { isPrivilegedGrant, loadPolicySettings } from "@/lib/policy";
import { uuidList } from "@/lib/sql";

// The accounts arrive as one JSON document, read set-based with jsonb_to_recordset (INSERT … SELECT
// and a join on it): raw SQL, each over a column set.
const accountColumns = { account: sql<string>`a.account` };
const createdColumns = pick(identityColumns, "id", "name");
const grantedColumns = pick(entitlementColumns, "id", "identityId", "resource");

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
  const [sys] = await db
    .select(pick(systemColumns, "id", "name", "connector", "status", "settings"))
    .from(systems)
    .where(eq(systems.id, id.data));
  if (!sys) throw notFound("That system");
  if (sys.status === "retired") throw conflict(`${sys.name} is retired.`);
  const { connectorFor } = await import("@/lib/connectors");
  const connector = connectorFor(sys);
  if (!connector.discover)
    throw conflict(`The ${sys.connector} connector cannot list accounts; add them through requests or an import.`);
  let accounts;
  try {
    accounts = await connector.discover(sys);
  } catch (e) {
    throw conflict(`${sys.name} could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      // Held while the accounts are added: a retirement (or an environment change) committing during
      // the read above is seen here, and one starting now waits for these identities.
      const [held] = await tx
        .select(pick(systemColumns, "status"))
        .from(systems)
        .where(eq(systems.id, sys.id))
        .for("share");
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
        await readRows(
          tx,
          accountColumns,
          sql`SELECT ${selectList(accountColumns)} FROM jsonb_to_recordset(${payload}::jsonb) AS a(account text, grants jsonb)
          JOIN identities i ON i.system_id = ${sys.id}::uuid AND i.name = a.account AND i.status IN ('pending', 'active', 'suspended')
          WHERE i.external_id IS DISTINCT FROM a.account ORDER BY a.account`,
        )
      ).map((r) => r.account);
      const created = await readRows(
        tx,
        createdColumns,
        sql`INSERT INTO identities (name, kind, system_id, environment, status, origin, external_id, credential_type, created_at)
          SELECT CASE WHEN a.account IN (SELECT jsonb_array_elements_text(${JSON.stringify(conflicts)}::jsonb)) THEN a.account || ${CONFLICT_SUFFIX} ELSE a.account END,
            'service_account', s.id, s.environment, 'active', 'discovered', a.account, 'static_secret', ${at}::timestamptz
          FROM jsonb_to_recordset(${payload}::jsonb) AS a(account text, grants jsonb), systems s
          WHERE s.id = ${sys.id}::uuid
          -- Already bound (same external id), or a name taken at this very moment: next run adds it.
          ON CONFLICT DO NOTHING RETURNING ${selectList(createdColumns)}`,
      );
      const grants = await readRows(
        tx,
        grantedColumns,
        sql`INSERT INTO entitlements (identity_id, resource, permission, privileged)
          SELECT i.id, g.resource, g.permission, g.privileged
          FROM jsonb_to_recordset(${payload}::jsonb) AS a(account text, grants jsonb)
            CROSS JOIN LATERAL jsonb_to_recordset(a.grants) AS g(resource text, permission text, privileged boolean)
            JOIN identities i ON i.system_id = ${sys.id}::uuid AND i.external_id = a.account
          WHERE NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.resource = g.resource AND e.permission = g.permission AND e.status = 'active')
          RETURNING ${selectList(grantedColumns)}`,
      );
      const touched = [...new Set([...created.map((c) => c.id), ...grants.map((g) => g.identityId)])];
      if (touched.length) await rescoreIdentities(tx, sql`i.id IN (${uuidList(touched)})`, new Date(at));
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
