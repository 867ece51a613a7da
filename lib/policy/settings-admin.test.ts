import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, auditCount, refusal, testDatabase } from "@/lib/testing";
import { loadPolicySettings } from "./settings";
import { changePolicySetting, readPolicySettings } from "./settings-admin";

const conn = testDatabase({ identities: 30 });

describe("changing policy settings", () => {
  it("security changes a number; it is validated, stored and audited with before and after", async () => {
    const sam = await actorOf(conn.db, "sam");
    await changePolicySetting(conn.db, sam, { field: "staleRequestDays", value: "21" });
    expect((await loadPolicySettings(conn.db)).staleRequestDays).toBe(21);
    const [event] = await queryRows<{ actor_label: string; subject_id: string; before: unknown; after: unknown }>(
      conn.db,
      sql`SELECT actor_label, subject_id, before, after FROM audit_events WHERE action = 'setting.changed'`,
    );
    expect(event).toEqual({
      actor_label: sam.email,
      subject_id: "policy.stale_request_days",
      before: { value: 14 },
      after: { value: 21 },
    });
    const bad = await refusal(
      changePolicySetting(conn.db, sam, {
        field: "maxTtlDays",
        value: '{"production": 0, "staging": 10, "development": 10}',
      }),
    );
    expect(bad.fieldErrors?.maxTtlDays?.[0]).toMatch(/production/);
    expect(
      (await refusal(changePolicySetting(conn.db, sam, { field: "staleRequestDays", value: "fourteen" }))).message,
    ).toMatch(/not valid JSON/);
    expect((await refusal(changePolicySetting(conn.db, sam, { field: "internalAuthSecret", value: "1" }))).code).toBe(
      "invalid",
    );
    expect(await auditCount(conn.db, "setting.changed")).toBe(1);
  });

  it("nobody but security changes them; auditors and admins read them; members neither", async () => {
    for (const key of ["olivia", "maya", "ari", "ada"] as const) {
      expect(
        (
          await refusal(
            changePolicySetting(conn.db, await actorOf(conn.db, key), { field: "staleRequestDays", value: "1" }),
          )
        ).code,
        key,
      ).toBe("forbidden");
    }
    expect((await loadPolicySettings(conn.db)).staleRequestDays).not.toBe(1);
    for (const key of ["ari", "ada", "sam"] as const)
      expect((await readPolicySettings(conn.db, await actorOf(conn.db, key))).maxTtlDays.production).toBe(90);
    expect((await refusal(readPolicySettings(conn.db, await actorOf(conn.db, "olivia")))).code).toBe("forbidden");
  });
});
