import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { queryRows } from "@/db";
import { setPersonRoles, setPersonStatus } from "@/lib/people/people";
import { changePolicySetting } from "@/lib/policy/settings-admin";
import { configureConnector, discoverSystem, retireSystem, setSystemEnvironment } from "@/lib/systems/systems";

import { ids, driver, one, type Driver } from "./kit";

// How the matrix tries each policy, system and people row: the target, the call, what an allowed call changes.

export const ADMIN_DRIVERS: Record<string, Driver> = {
  changePolicySetting: driver({
    setup: async () => {},
    call: (c) => changePolicySetting(c.tx, c.actor, { field: "staleRequestDays", value: "21" }),
    async verify(c) {
      const row = await one<{ value: unknown; updated_by: string }>(
        c.tx,
        sql`SELECT value, updated_by FROM settings WHERE key = 'policy.stale_request_days'`,
      );
      expect({ value: typeof row.value === "string" ? JSON.parse(row.value) : row.value, by: row.updated_by }).toEqual({
        value: 21,
        by: c.actor.personId,
      });
    },
    events: ["setting.changed"],
  }),
  configureConnector: driver({
    setup: async () => {},
    call: (c) =>
      configureConnector(c.tx, c.actor, {
        systemId: ids.salesforce,
        connector: "webhook",
        url: "https://hooks.example.com/steward/matrix",
        secret: "matrix-signing-secret-0123456789",
      }),
    async verify(c) {
      const row = await one<{ connector: string; settings: unknown }>(
        c.tx,
        sql`SELECT connector, settings FROM systems WHERE id = ${ids.salesforce}::uuid`,
      );
      const settings = (typeof row.settings === "string" ? JSON.parse(row.settings) : row.settings) as Record<
        string,
        unknown
      >;
      expect({ connector: row.connector, url: settings.url }).toEqual({
        connector: "webhook",
        url: "https://hooks.example.com/steward/matrix",
      });
    },
    events: ["system.connector_changed"],
  }),
  setSystemEnvironment: driver({
    // Whatever Slack's environment is now, it moves to another one.
    async setup(c) {
      const { environment } = await one<{ environment: string }>(
        c.tx,
        sql`SELECT environment FROM systems WHERE id = ${ids.slack}::uuid`,
      );
      return environment === "development" ? "staging" : "development";
    },
    call: (c, environment) => setSystemEnvironment(c.tx, c.actor, { systemId: ids.slack, environment }),
    async verify(c, environment) {
      const rows = await queryRows<{ environment: string }>(
        c.tx,
        sql`SELECT environment FROM systems WHERE id = ${ids.slack}::uuid UNION SELECT environment FROM identities WHERE system_id = ${ids.slack}::uuid`,
      );
      expect(rows, "the system and every identity in it").toEqual([{ environment }]);
    },
    events: ["system.environment_changed"],
  }),
  retireSystem: driver({
    // The count the person confirms is the system's live identities now.
    setup: async (c) =>
      Number(
        (
          await one<{ n: number }>(
            c.tx,
            sql`SELECT count(*)::int AS n FROM identities WHERE system_id = ${ids.datadog}::uuid AND status IN ('pending', 'active', 'suspended')`,
          )
        ).n,
      ),
    call: (c, confirmCount) =>
      retireSystem(c.tx, c.actor, { systemId: ids.datadog, confirmCount, reason: "We moved to another vendor" }),
    async verify(c) {
      expect(
        (await one<{ status: string }>(c.tx, sql`SELECT status FROM systems WHERE id = ${ids.datadog}::uuid`)).status,
      ).toBe("retired");
    },
    events: ["system.retired"],
  }),
  discoverSystem: driver({
    setup: async () => {},
    call: (c) => discoverSystem(c.tx, c.actor, ids.stubSystem),
    async verify(c) {
      const rows = await queryRows(
        c.tx,
        sql`SELECT origin, owner_id FROM identities WHERE system_id = ${ids.stubSystem}::uuid AND external_id = 'matrix_discovered_role'`,
      );
      expect(rows).toEqual([{ origin: "discovered", owner_id: null }]);
    },
    events: ["system.discovered"],
  }),
  "setPersonRoles (another person)": driver({
    setup: async () => {},
    call: (c) => setPersonRoles(c.tx, c.actor, { personId: ids.neutral, roles: ["member", "manager"] }),
    async verify(c) {
      const row = await one<{ roles: string | string[] }>(
        c.tx,
        sql`SELECT roles FROM users WHERE id = ${ids.neutral}::uuid`,
      );
      expect(String(row.roles).replace(/[{}]/g, "")).toBe("member,manager");
    },
    events: ["person.roles_changed"],
  }),
  "setPersonRoles (oneself, adding security)": driver({
    setup: async () => {},
    call: (c) =>
      setPersonRoles(c.tx, c.actor, {
        personId: c.actor.personId,
        roles: [...new Set([...c.actor.roles, "security" as const])],
      }),
    async verify() {
      throw new Error("nobody may grant themselves security");
    },
    events: ["person.roles_changed"],
  }),
  setPersonStatus: driver({
    setup: async () => {},
    call: (c) => setPersonStatus(c.tx, c.actor, { personId: ids.neutral, status: "departed" }),
    async verify(c) {
      expect(
        (await one<{ status: string }>(c.tx, sql`SELECT status FROM users WHERE id = ${ids.neutral}::uuid`)).status,
      ).toBe("departed");
    },
    events: ["person.departed"],
  }),
};
