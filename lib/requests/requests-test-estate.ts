import "server-only";
import { sql } from "drizzle-orm";
import { beforeAll } from "vitest";
import { queryRows } from "@/db";
import { auditCount, testDatabase } from "@/lib/testing";
import { DAY } from "@/lib/clock";

// The estate the request tests share (each test file still gets its own database): 60 seeded
// identities, the two AWS systems they request in, and a valid new-identity request to vary.

export const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString().slice(0, 10);

export function requestsEstate() {
  const conn = testDatabase({ identities: 60 });
  const systems = { awsProd: "", awsSandbox: "" };
  beforeAll(async () => {
    const idOf = async (like: string) =>
      (await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM systems WHERE name LIKE ${like}`))[0]!.id;
    systems.awsProd = await idOf("AWS production%");
    systems.awsSandbox = await idOf("AWS sandbox%");
  });
  /** A privileged production identity request that policy sends to Maya, then Sam. */
  const newIdentity = (over: Record<string, unknown> = {}) => ({
    type: "new_identity",
    name: `svc-${Math.random().toString(36).slice(2, 8)}`,
    kind: "service_account",
    systemId: systems.awsProd,
    purpose: "Reconciles card settlements every night",
    expiresOn: inDays(60),
    credentialType: "federated",
    entitlements: [{ resource: "arn:aws:iam::4123:role/settlements", permission: "AdministratorAccess" }],
    justification: "The nightly settlement job moves to its own account",
    ...over,
  });
  const countRows = async (table: "requests" | "identities" | "stage_decisions") =>
    (await queryRows<{ n: number }>(conn.db, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)}`))[0]!.n;
  /** What a refused request must leave as it was: the requests, the identities and the audit log's counts. */
  const written = async () => ({
    requests: await countRows("requests"),
    identities: await countRows("identities"),
    audit: await auditCount(conn.db),
  });
  return { conn, systems, newIdentity, countRows, written };
}
