import "server-only";
import { sql, TransactionRollbackError } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { record, type AuditActor } from "@/lib/audit";
import { type Actor, auditActor, canChange, hasRole, requireCanChange, requireRole } from "@/lib/auth";
import { DAY } from "@/lib/clock";
import { conflict, invalid, parseInput } from "@/lib/errors";
import { rescoreIdentities, riskFactorsSql, riskScoreSql } from "@/lib/identities";
import { isPrivilegedGrant, loadPolicySettings, reviewPeriodDays } from "@/lib/policy";
import { text } from "@/lib/validation";
import { FORMAT_NAMES, FORMATS } from "./formats";
import type { ImportRow } from "./types";

/**
 * Importing a file of identities into a system. Re-importing is idempotent: identities are matched
 * by (system, external id) — new ones are created (origin `imported`, bound to that account), known
 * ones updated (last use only forward) — and identities of earlier imports the file no longer lists
 * are flagged, never deleted. Owners are matched by email where the format carries one; the rest
 * arrive orphaned, to be claimed. A file with any bad line is refused whole, each problem with its
 * line, and nothing is written. A dry run answers the same numbers and writes nothing.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

const inputSchema = z.object({
  format: z.enum(FORMAT_NAMES as [string, ...string[]], { error: `The format is one of ${FORMAT_NAMES.join(", ")}.` }),
  system: text().trim().min(1).max(200).optional(),
  text: z.string({ error: "Choose a file." }).max(MAX_FILE_BYTES, "The file is larger than 64 MB."),
  dryRun: z.boolean().default(false),
});

export type ImportOutcome = {
  format: string;
  system: string;
  systemId: string;
  systemCreated: boolean;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Identities of earlier imports this file no longer lists: flagged, not deleted. */
  missing: number;
  /** Created without an owner (no email, or none matching an active person who may own). */
  orphaned: number;
  /** Rows not imported because a live identity of the system holds their name without being their account. */
  conflicts: { line: number; name: string }[];
  warnings: { line: number; message: string }[];
  /** The first rows and what the import does with each, for the preview. */
  sample: { line: number; name: string; externalId: string; action: "create" | "update"; owner: string | null }[];
};

class DryRun extends Error {}

/** Who may import: security and admins (the command line is the operator's). */
export const canImport = (actor: Actor) => hasRole(actor, "security", "admin") && canChange(actor);

/** Security and admins import from the Import page. */
export async function importIdentities(db: Database, actor: Actor, raw: unknown, at: Date): Promise<ImportOutcome> {
  requireCanChange(actor);
  requireRole(actor, "security", "admin");
  return runImport(db, auditActor(actor), raw, at);
}

/** `steward import`: the operator at the server's command line, audited as the command line. */
export async function importFromCommandLine(db: Database, raw: unknown, at: Date): Promise<ImportOutcome> {
  return runImport(db, { type: "system", id: null, label: "steward import (command line)" }, raw, at);
}

async function runImport(db: Database, by: AuditActor, raw: unknown, at: Date): Promise<ImportOutcome> {
  const input = parseInput(inputSchema, raw, "Nothing was imported.");
  const format = FORMATS[input.format]!;
  const parsed = format.parse(input.text);
  const seen = new Map<string, number>();
  for (const r of parsed.rows) {
    const first = seen.get(r.externalId);
    if (first !== undefined)
      parsed.errors.push({ line: r.line, message: `${r.externalId} is listed twice (first on line ${first}).` });
    else seen.set(r.externalId, r.line);
  }
  if (parsed.errors.length) {
    const lines = parsed.errors.sort((a, b) => a.line - b.line).map((e) => `Line ${e.line}: ${e.message}`);
    throw invalid(
      `Nothing was imported: the file has ${lines.length === 1 ? "a problem" : `${lines.length} problems`}.${lines.length > 50 ? " The first 50:" : ""}`,
      { file: lines.slice(0, 50) },
    );
  }
  const systemName = input.system ?? format.defaultSystem;
  let outcome: ImportOutcome | undefined;
  try {
    await db.transaction(async (tx) => {
      outcome = await apply(tx, by, format.name, format.systemKind, systemName, parsed.rows, at, input.dryRun);
      if (input.dryRun) throw new DryRun();
    });
  } catch (e) {
    if (!(e instanceof DryRun || e instanceof TransactionRollbackError)) throw e;
  }
  return outcome!;
}

async function apply(
  tx: Database,
  by: AuditActor,
  formatName: string,
  systemKind: string,
  systemName: string,
  rows: ImportRow[],
  at: Date,
  dryRun: boolean,
): Promise<ImportOutcome> {
  // The system: the one named, or made for the format's default name (a manual connector).
  const [made] = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO systems (name, kind, connector) VALUES (${systemName}, ${systemKind}::system_kind, 'manual')
        ON CONFLICT (name) DO NOTHING RETURNING id`,
  );
  const [system] = await queryRows<{ id: string; status: string; connector: string; environment: string }>(
    tx,
    sql`SELECT id, status, connector, environment FROM systems WHERE name = ${systemName} FOR SHARE`,
  );
  if (system!.status !== "active") throw conflict(`${systemName} is retired; nothing is imported into it.`);
  if (system!.connector === "steward")
    throw conflict(`${systemName} holds Steward's API tokens; nothing is imported into it.`);

  // Owners by email: active people who may own (auditor-only people own nothing).
  const emails = [...new Set(rows.map((r) => r.ownerEmail).filter((e): e is string => !!e))];
  const owners = emails.length
    ? await queryRows<{ id: string; email: string }>(
        tx,
        sql`SELECT id, lower(email) AS email FROM users
            WHERE lower(email) IN (SELECT jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))
            AND status = 'active' AND NOT (roles <@ '{auditor}'::role[])`,
      )
    : [];
  const ownerOf = new Map(owners.map((o) => [o.email, o.id]));
  const file = rows.map((r) => ({
    line: r.line,
    external_id: r.externalId,
    name: r.name,
    kind: r.kind,
    credential_type: r.credentialType,
    status: r.disabled ? "suspended" : "active",
    owner_id: (r.ownerEmail && ownerOf.get(r.ownerEmail)) ?? null,
    purpose: r.purpose,
    created_at: r.createdAt ?? at.toISOString(),
    last_used_at: r.lastUsedAt,
    last_rotated_at: r.lastRotatedAt,
    expires_at: r.expiresAt,
  }));
  // The file's rows in a temporary table with an index, read by every statement below: a set the
  // planner can hash-join and count (a JSON function in each statement was parsed again each time,
  // and an anti-join against it ran once per identity).
  await tx.execute(
    sql`CREATE TEMPORARY TABLE import_file (line int, external_id text, name text, kind identity_kind,
          credential_type credential_type, status identity_status, owner_id uuid, purpose text, created_at timestamptz,
          last_used_at timestamptz, last_rotated_at timestamptz, expires_at timestamptz) ON COMMIT DROP`,
  );
  await tx.execute(
    sql`INSERT INTO import_file SELECT * FROM jsonb_to_recordset(${JSON.stringify(file)}::jsonb) AS f(line int, external_id text,
          name text, kind identity_kind, credential_type credential_type, status identity_status, owner_id uuid, purpose text,
          created_at timestamptz, last_used_at timestamptz, last_rotated_at timestamptz, expires_at timestamptz)`,
  );
  await tx.execute(sql`CREATE INDEX ON import_file (external_id)`);
  await tx.execute(sql`ANALYZE import_file`);
  const fileSql = sql`import_file`;
  const sysId = sql`${system!.id}::uuid`;

  // Names a live identity of the system holds without being that account (a request not yet bound):
  // reported for a person to resolve, as discovery does, never bound by name.
  const conflicts = await queryRows<{ line: number; name: string }>(
    tx,
    sql`SELECT f.line, f.name FROM ${fileSql} f JOIN identities i ON i.system_id = ${sysId} AND i.name = f.name
        AND i.status IN ('pending', 'active', 'suspended') AND i.external_id IS DISTINCT FROM f.external_id
        ORDER BY f.line`,
  );
  const blocked = new Set(conflicts.map((c) => c.line));
  const known = new Set(
    (
      await queryRows<{ external_id: string }>(
        tx,
        sql`SELECT i.external_id FROM ${fileSql} f JOIN identities i ON i.system_id = ${sysId} AND i.external_id = f.external_id`,
      )
    ).map((k) => k.external_id),
  );

  const period = await reviewPeriodDays(tx);
  const created = await queryRows<{ id: string; external_id: string; owner_id: string | null }>(
    tx,
    // Scored as they are inserted (the risk SQL over the new row as \`i\`): a row written once, not
    // inserted and then rewritten by a rescore with all its index entries.
    sql`INSERT INTO identities (id, name, kind, system_id, environment, owner_id, team_id, purpose, status, created_at, last_used_at,
          last_rotated_at, expires_at, next_review_at, credential_type, origin, external_id, risk_score, risk_factors)
        SELECT i.id, i.name, i.kind, ${sysId}, ${system!.environment}::environment, i.owner_id, i.team_id, i.purpose, i.status,
          i.created_at, i.last_used_at, i.last_rotated_at, i.expires_at, i.next_review_at, i.credential_type, 'imported', i.external_id,
          ${riskScoreSql(at)}, ${riskFactorsSql(at)}
        FROM (
          SELECT gen_random_uuid() AS id, f.line, f.name, f.kind, f.owner_id, u.team_id, f.purpose, f.status, f.created_at,
            f.last_used_at, f.last_rotated_at, f.expires_at, ${new Date(at.getTime() + period * DAY).toISOString()}::timestamptz AS next_review_at,
            f.credential_type, f.external_id, NULL::int AS rotation_period_days, NULL::timestamptz AS rotation_required_at,
            NULL::text AS secret_store
          FROM ${fileSql} f LEFT JOIN users u ON u.id = f.owner_id
          WHERE NOT EXISTS (SELECT 1 FROM identities x WHERE x.system_id = ${sysId} AND x.external_id = f.external_id)
            AND f.line <> ALL(${`{${[...blocked].join(",")}}`}::int[])
        ) i
        ORDER BY i.line
        ON CONFLICT DO NOTHING
        RETURNING id, external_id, owner_id`,
  );
  // Known accounts: last use and rotation only forward, the expiry and disabled state as the system
  // says, an owner for one nobody had claimed, and no longer missing. Unchanged rows are not written.
  const updated = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE identities i SET
          last_used_at = greatest(i.last_used_at, f.last_used_at),
          last_rotated_at = greatest(i.last_rotated_at, f.last_rotated_at),
          expires_at = coalesce(f.expires_at, i.expires_at),
          owner_id = coalesce(i.owner_id, f.owner_id),
          status = CASE WHEN f.status = 'suspended' AND i.status = 'active' THEN 'suspended'::identity_status ELSE i.status END,
          missing_from_import_at = NULL
        FROM ${fileSql} f
        WHERE i.system_id = ${sysId} AND i.external_id = f.external_id
          AND (i.last_used_at IS DISTINCT FROM greatest(i.last_used_at, f.last_used_at)
            OR i.last_rotated_at IS DISTINCT FROM greatest(i.last_rotated_at, f.last_rotated_at)
            OR i.expires_at IS DISTINCT FROM coalesce(f.expires_at, i.expires_at)
            OR (i.owner_id IS NULL AND f.owner_id IS NOT NULL)
            OR (f.status = 'suspended' AND i.status = 'active')
            OR i.missing_from_import_at IS NOT NULL)
        RETURNING i.id`,
  );
  const missing = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE identities i SET missing_from_import_at = ${at.toISOString()}::timestamptz
        WHERE i.system_id = ${sysId} AND i.origin = 'imported' AND i.external_id IS NOT NULL AND i.missing_from_import_at IS NULL
          AND i.status IN ('pending', 'active', 'suspended')
          AND NOT EXISTS (SELECT 1 FROM ${fileSql} f WHERE f.external_id = i.external_id)
        RETURNING i.id`,
  );

  // What the file grants (GitHub tokens' permissions), for the identities it created.
  const createdIds = new Map(created.map((c) => [c.external_id, c.id]));
  const settings = await loadPolicySettings(tx);
  const grants = rows.flatMap((r) =>
    createdIds.has(r.externalId)
      ? r.entitlements.map((g) => ({
          identity_id: createdIds.get(r.externalId)!,
          resource: g.resource,
          permission: g.permission,
          privileged: isPrivilegedGrant(g, settings.privilegedPermissions),
        }))
      : [],
  );
  if (grants.length)
    await tx.execute(
      sql`INSERT INTO entitlements (identity_id, resource, permission, privileged, status, created_at)
          SELECT identity_id, resource, permission, privileged, 'active', ${at.toISOString()}::timestamptz
          FROM jsonb_to_recordset(${JSON.stringify(grants)}::jsonb) AS g(identity_id uuid, resource text, permission text, privileged boolean)`,
    );
  // Scored at insert, but for the grants just added (privileged access); updated ones rescored here.
  const touched = [...new Set([...grants.map((g) => g.identity_id), ...updated.map((u) => u.id)])];
  if (touched.length) await rescoreIdentities(tx, sql`i.id = ANY(${`{${touched.join(",")}}`}::uuid[])`, at);

  const outcome: ImportOutcome = {
    format: formatName,
    system: systemName,
    systemId: system!.id,
    systemCreated: !!made,
    dryRun,
    rows: rows.length,
    created: created.length,
    updated: updated.length,
    unchanged: rows.length - created.length - updated.length - conflicts.length,
    missing: missing.length,
    orphaned: created.filter((c) => c.owner_id === null).length,
    conflicts,
    warnings: rows.flatMap((r) => r.warnings.map((message) => ({ line: r.line, message }))).slice(0, 200),
    sample: rows.slice(0, 20).map((r) => ({
      line: r.line,
      name: r.name,
      externalId: r.externalId,
      action: known.has(r.externalId) ? ("update" as const) : ("create" as const),
      owner: (r.ownerEmail && ownerOf.has(r.ownerEmail) && r.ownerEmail) || null,
    })),
  };
  if (!dryRun)
    await record(tx, {
      actor: by,
      action: "identities.imported",
      subject: { type: "system", id: system!.id },
      after: { ...outcome, sample: undefined, warnings: outcome.warnings.length, conflicts: conflicts.length },
    });
  return outcome;
}
