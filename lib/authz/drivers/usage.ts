import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { ingestUsage } from "@/lib/usage/ingest";
import { reviewUsageFlags } from "@/lib/usage/flags";
import { importIdentities } from "@/lib/importers/apply";
import { exec, identities, one, PAYMENTS_API, driver, type Ctx, type Driver } from "./kit";

// How the matrix tries the usage rows: the target is Olivia's production payments identity, bound
// to an account in its system for the cell (rolled back after).

async function bound(c: Ctx): Promise<{ system: string; account: string }> {
  await identities(c, [PAYMENTS_API]);
  await exec(c.tx, sql`UPDATE identities SET external_id = 'matrix-usage-account' WHERE id = ${PAYMENTS_API}::uuid`);
  const { name } = await one<{ name: string }>(
    c.tx,
    sql`SELECT s.name FROM systems s JOIN identities i ON i.system_id = s.id WHERE i.id = ${PAYMENTS_API}::uuid`,
  );
  return { system: name, account: "matrix-usage-account" };
}

export const USAGE_DRIVERS: Record<string, Driver> = {
  ingestUsage: driver({
    async setup(c) {
      const t = await bound(c);
      // A history: it has been used from the deploy runner before.
      await exec(
        c.tx,
        sql`INSERT INTO identity_usage_sources (identity_id, source_key, first_seen_at, last_seen_at)
            VALUES (${PAYMENTS_API}::uuid, '10.0.0.5|deploy-runner', now() - interval '30 days', now() - interval '1 day')`,
      );
      return t;
    },
    call: (c, t) =>
      ingestUsage(
        c.tx,
        c.actor,
        {
          events: [
            {
              system: t.system,
              externalId: t.account,
              usedAt: new Date(Date.now() - 60_000).toISOString(),
              source: { address: "203.0.113.9" },
            },
          ],
        },
        new Date(),
      ),
    async verify(c) {
      const row = await one<{ used: boolean; flags: number }>(
        c.tx,
        sql`SELECT i.last_used_at > now() - interval '5 minutes' AS used,
              (SELECT count(*)::int FROM usage_flags f WHERE f.identity_id = i.id AND f.reason = 'new_source') AS flags
            FROM identities i WHERE i.id = ${PAYMENTS_API}::uuid`,
      );
      expect(row).toEqual({ used: true, flags: 1 });
    },
    events: ["usage.ingested", "identity.unusual_use_flagged"],
  }),
  reviewUsageFlags: driver({
    async setup(c) {
      await bound(c);
      await exec(
        c.tx,
        sql`INSERT INTO usage_flags (identity_id, reason, source_key, source, used_at, flagged_at)
            VALUES (${PAYMENTS_API}::uuid, 'new_source', '203.0.113.9|', '{"address": "203.0.113.9"}', now(), now())`,
      );
    },
    call: (c) =>
      reviewUsageFlags(c.tx, c.actor, { identityId: PAYMENTS_API, comment: "A new deploy runner, expected." }),
    async verify(c) {
      const row = await one<{ reviewed_by: string }>(
        c.tx,
        sql`SELECT reviewed_by FROM usage_flags WHERE identity_id = ${PAYMENTS_API}::uuid AND reviewed_at IS NOT NULL`,
      );
      expect(row.reviewed_by).toBe(c.actor.personId);
    },
    events: ["identity.unusual_use_reviewed"],
  }),
};

export const IMPORT_DRIVERS: Record<string, Driver> = {
  importIdentities: driver({
    setup: async () => {},
    call: (c) =>
      importIdentities(
        c.tx,
        c.actor,
        { format: "csv", system: "Matrix import", text: "external_id,name,kind\nmatrix-1,matrix-imported,bot\n" },
        new Date(),
      ),
    async verify(c) {
      const row = await one<{ origin: string; external_id: string }>(
        c.tx,
        sql`SELECT i.origin, i.external_id FROM identities i JOIN systems s ON s.id = i.system_id WHERE s.name = 'Matrix import'`,
      );
      expect(row).toEqual({ origin: "imported", external_id: "matrix-1" });
    },
    events: ["identities.imported"],
  }),
};
