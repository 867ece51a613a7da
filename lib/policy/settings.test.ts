import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { testDatabase } from "@/lib/testing";
import { DEFAULT_POLICY_SETTINGS, loadPolicySettings } from "./settings";

const conn = testDatabase({ identities: 30 });

describe("policy settings", () => {
  it("reads the seeded values and fills what is missing with the defaults", async () => {
    await conn.db.execute(
      sql`UPDATE settings SET value = '{"production": 30, "staging": 60, "development": 120}'::jsonb WHERE key = 'policy.max_ttl_days'`,
    );
    const s = await loadPolicySettings(conn.db);
    expect(s.maxTtlDays).toEqual({ production: 30, staging: 60, development: 120 });
    expect(s.staleRequestDays).toBe(14);
    expect(s.privilegedPermissions).toEqual(DEFAULT_POLICY_SETTINGS.privilegedPermissions);
    expect(s.autoApprove).toEqual(DEFAULT_POLICY_SETTINGS.autoApprove);
  });

  it("ignores a malformed stored value rather than deciding with it", async () => {
    await conn.db.execute(sql`UPDATE settings SET value = '"fourteen"'::jsonb WHERE key = 'policy.stale_request_days'`);
    await conn.db.execute(
      sql`INSERT INTO settings (key, value) VALUES ('policy.break_glass_max_hours', '500'::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    const s = await loadPolicySettings(conn.db);
    expect(s.staleRequestDays).toBe(DEFAULT_POLICY_SETTINGS.staleRequestDays);
    expect(s.breakGlassMaxHours).toBe(DEFAULT_POLICY_SETTINGS.breakGlassMaxHours);
  });
});
