import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { text } from "@/lib/validation";
import { queryRows, type Database } from "@/db";
import { record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, requireCanChange, requireRole } from "@/lib/auth";
import { now } from "@/lib/clock";
import { invalid, parseInput } from "@/lib/errors";
import { loadPolicySettings, POLICY_SETTING_KEYS, policySettingsSchema, type PolicySettings } from "./settings";

/**
 * The Settings page's side of policy: security changes the tunable numbers, one at a time, each
 * change validated and audited with its before and after; auditors and admins may read them.
 * Only policy's keys are reachable here (never internal ones such as the session secret).
 */
export const canReadPolicySettings = (actor: Actor) => hasRole(actor, "security", "auditor", "admin");
export const canEditPolicySettings = (actor: Actor) => hasRole(actor, "security");

export async function readPolicySettings(db: Database, actor: Actor): Promise<PolicySettings> {
  requireRole(actor, "security", "auditor", "admin");
  return loadPolicySettings(db);
}

const FIELDS = Object.keys(POLICY_SETTING_KEYS) as [keyof PolicySettings, ...(keyof PolicySettings)[]];
const changeSchema = z.object({
  field: z.enum(FIELDS, { error: "Unknown setting." }),
  value: text().max(5000, "That value is too long."),
});

export async function changePolicySetting(db: Database, actor: Actor, raw: unknown): Promise<void> {
  requireCanChange(actor);
  requireRole(actor, "security");
  const { field, value } = parseInput(changeSchema, raw, "The setting was not changed.");
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw invalid("The setting was not changed: that is not valid JSON.", {
      [field]: ['Write the value as JSON, e.g. 90 or {"production": 90}.'],
    });
  }
  const valid = policySettingsSchema.shape[field].safeParse(json);
  if (!valid.success)
    throw invalid("The setting was not changed.", {
      [field]: valid.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`),
    });
  const key = POLICY_SETTING_KEYS[field];
  await db.transaction(async (tx) => {
    const before = (await loadPolicySettings(tx))[field];
    await queryRows(
      tx,
      sql`INSERT INTO settings (key, value, updated_at, updated_by) VALUES (${key}, ${JSON.stringify(valid.data)}::jsonb, ${now().toISOString()}::timestamptz, ${actor.personId}::uuid)
          ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    await record(tx, {
      actor: auditActor(actor),
      action: "setting.changed",
      subject: { type: "setting", id: key },
      before: { value: before },
      after: { value: valid.data },
    });
  });
}
