import path from "node:path";
import { sql, TransactionRollbackError } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows, type Database } from "@/db";
import { actorOf, testDatabase } from "@/lib/testing";
import type { Actor, TokenScope } from "@/lib/auth/actor";
import { resolveActor } from "@/lib/auth/people";
import { DomainError } from "@/lib/errors";
import {
  cellCount,
  ENTRY_POINTS,
  MATRIX,
  RELATIONS,
  renderMatrix,
  rowName,
  type MatrixRow,
  type Relation,
} from "./matrix";
import { actors, DRIVERS, ids, one, STUB_SYSTEM, type Ctx } from "./drivers";
import { appFiles, callSite, exportsOf, ROOT, sessionCheckedBefore } from "./code-scan";

// Walks the authorization matrix (./matrix.ts) against a database: every row × every relation,
// each cell in its own transaction that is rolled back, so every cell starts from the same state.
// A refused cell must throw a DomainError, leave every governed table as it was (compared by an
// md5 of its rows) and write no audit event; an allowed cell must change what the row promises
// and write its audit event by the actor. The drivers (./drivers) say how each row is tried;
// matrix-covers-code.test.ts checks the matrix against lib/ and app/.

// Discovery needs a system that lists accounts; the one the test adds answers from this stub,
// so the cells test who may discover, not a live PostgreSQL server (lib/revocations tests that).
vi.mock("@/lib/connectors", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/connectors")>();
  const stub = {
    discover: async () => [
      {
        account: "matrix_discovered_role",
        canLogin: true,
        grants: [{ resource: "matrix_readers", permission: "member" }],
      },
    ],
    revoke: async () => ({ state: "done" as const, evidence: {} }),
    verify: async () => ({ verified: true, evidence: {} }),
  };
  return {
    ...real,
    connectorFor: (s: { name: string }) =>
      s.name === "Matrix discovery target (stub connector)" ? stub : real.connectorFor(s as never),
  };
});

const conn = testDatabase({ identities: 60 });
beforeAll(async () => {
  const db = conn.db;
  // Another team, so "another member" and "another manager" stand in no relation to Payments.
  const [team] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO teams (name) VALUES ('Matrix Other Team') RETURNING id`,
  );
  const [max] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO users (email, name, roles, team_id) VALUES ('max.othermanager@example.com', 'Max Othermanager', '{manager}', ${team!.id}::uuid) RETURNING id`,
  );
  await db.execute(
    sql`INSERT INTO users (email, name, roles, team_id, manager_id) VALUES ('mia.othermember@example.com', 'Mia Othermember', '{member}', ${team!.id}::uuid, ${max!.id}::uuid)`,
  );
  const [stub] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO systems (name, kind, connector, settings) VALUES (${STUB_SYSTEM}, 'postgres_database', 'postgres', '{"url": "postgres://stub.invalid/none"}') RETURNING id`,
  );
  ids.stubSystem = stub!.id;
  for (const [key, name] of [
    ["salesforce", "Salesforce"],
    ["datadog", "Datadog"],
    ["slack", "Slack"],
  ] as const) {
    ids[key] = (await queryRows<{ id: string }>(db, sql`SELECT id FROM systems WHERE name = ${name}`))[0]!.id;
  }
  // A person nobody in the matrix relates to: the new owner of a hand-over, the target of people changes.
  const [neutral] = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM users WHERE status = 'active' AND roles = '{member}' AND email NOT LIKE '%.owner@example.com' AND email NOT LIKE 'mia.%' ORDER BY email LIMIT 1`,
  );
  ids.neutral = neutral!.id;

  const persona = {
    owner: "olivia",
    backupOwner: "omar",
    ownerManager: "maya",
    security: "sam",
    auditor: "ari",
    admin: "ada",
    departed: "dan",
  } as const;
  for (const [rel, key] of Object.entries(persona)) actors[rel as Relation] = await actorOf(db, key);
  const other = async (email: string): Promise<Actor> => {
    const [u] = await queryRows<{ id: string; name: string; email: string; roles: string | string[]; team_id: string }>(
      db,
      sql`SELECT id, name, email, roles, team_id FROM users WHERE email = ${email}`,
    );
    const roles = (Array.isArray(u!.roles) ? u!.roles : u!.roles.replace(/[{}]/g, "").split(",")) as Actor["roles"];
    return { personId: u!.id, name: u!.name, email: u!.email, roles, teamId: u!.team_id };
  };
  actors.otherMember = await other("mia.othermember@example.com");
  actors.otherManager = await other("max.othermanager@example.com");
});

const started = Date.now();
afterAll(async () => {
  console.log(
    `authorization matrix: ${MATRIX.length} mutations × ${RELATIONS.length} relations = ${cellCount()} cells, walked in ${((Date.now() - started) / 1000).toFixed(1)} s\n${renderMatrix()}`,
  );
});

// ---------------------------------------------------------------------------------------------
// One cell.

/** An md5 per governed table over all its rows in a fixed order: equal fingerprints, nothing changed. */
const GOVERNED = [
  "identities",
  "entitlements",
  "requests",
  "approval_stages",
  "stage_decisions",
  "revocations",
  "systems",
  "users",
  "settings",
  "policy_exceptions",
  "teams",
  "campaigns",
  "notifications",
  "review_items",
  "break_glass_grants",
  "api_tokens",
  "usage_flags",
  "identity_usage_sources",
] as const;
async function fingerprint(tx: Database): Promise<Record<string, string>> {
  const cols = GOVERNED.map((t) =>
    sql.raw(`(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${t} t) AS ${t}`),
  );
  return one<Record<string, string>>(tx, sql`SELECT ${sql.join(cols, sql`, `)}`);
}
const lastSeq = async (tx: Database) =>
  Number((await one<{ seq: number | string }>(tx, sql`SELECT coalesce(max(seq), 0) AS seq FROM audit_events`)).seq);

/** `through`: the column's person acting through an API token with these scopes (the API's actor). */
async function walkCell(row: MatrixRow, relation: Relation, through?: TokenScope[]): Promise<void> {
  const drv = DRIVERS[rowName(row)]!;
  const person = actors[relation];
  const actor: Actor = through
    ? {
        ...person,
        token: { identityId: "00000000-0000-4000-8000-000000000000", name: "matrix-token", scopes: through },
      }
    : person;
  // A token without the write scope changes nothing, whatever its person may do.
  const want =
    through && (!through.includes("write") || row.throughToken === "refused") ? "refused" : row.cells[relation];
  const cell = `${rowName(row)} × ${relation}${through ? ` through a ${through.join("+")} token` : ""}`;
  try {
    await conn.db.transaction(async (tx) => {
      const c: Ctx = { tx, actor, relation };
      const target = await drv.setup(c);
      const before = await fingerprint(tx);
      const seq = await lastSeq(tx);
      let out: unknown;
      let error: unknown;
      try {
        out = await drv.call(c, target);
      } catch (e) {
        error = e;
      }
      if (want === "refused") {
        if (!error && row.refusal === "skips") {
          const r = out as { approved?: number; decided?: number; skipped: unknown[] };
          expect(
            { approved: r.approved ?? r.decided, reported: r.skipped.length > 0 },
            `${cell}: approved nothing, and said why`,
          ).toEqual({ approved: 0, reported: true });
        } else if (!(error instanceof DomainError)) {
          throw new Error(
            `${cell} should be refused with a DomainError, but ${error ? `threw ${String(error)}` : "it succeeded"}`,
          );
        }
        const after = await fingerprint(tx);
        expect(
          GOVERNED.filter((t) => after[t] !== before[t]),
          `${cell}: a refusal changes nothing (tables changed)`,
        ).toEqual([]);
        expect(await lastSeq(tx), `${cell}: a refusal writes no audit event`).toBe(seq);
      } else {
        if (error)
          throw new Error(
            `${cell} should be allowed, but threw ${error instanceof DomainError ? `${error.code}: ${error.message}` : String(error)}`,
            { cause: error },
          );
        await drv.verify(c, target, out);
        const events = await queryRows<{ action: string; actor_id: string | null }>(
          tx,
          sql`SELECT action, actor_id FROM audit_events WHERE seq > ${seq} ORDER BY seq`,
        );
        for (const action of drv.events) {
          expect(
            events.some((e) => e.action === action && e.actor_id === actor.personId),
            `${cell}: the audit event ${action} by the actor`,
          ).toBe(true);
        }
      }
      tx.rollback();
    });
  } catch (e) {
    if (!(e instanceof TransactionRollbackError)) throw e;
  }
}

describe(`authorization matrix: ${MATRIX.length} mutations × ${RELATIONS.length} relations = ${cellCount()} cells`, () => {
  for (const row of MATRIX) {
    describe(rowName(row), () => {
      for (const relation of RELATIONS) {
        const want = row.cells[relation];
        if (relation === "departed") {
          it(`${relation}: ${want} (no session: resolveActor is null, and its actions check the session first)`, async () => {
            expect(want).toBe("refused");
            expect(await resolveActor(conn.db, actors.departed.personId)).toBeNull();
            for (const file of appFiles()) {
              for (const [name, body] of exportsOf(path.join(ROOT, file))) {
                const point = ENTRY_POINTS[file]?.[name];
                if (!point?.calls.includes(row.fn)) continue;
                const site = callSite(file, name, body, point);
                expect(
                  sessionCheckedBefore(site.body, row.fn),
                  `${site.where} checks the session before ${row.fn}`,
                ).toBe(true);
              }
            }
          });
        } else {
          it(`${relation}: ${want}`, () => walkCell(row, relation));
        }
      }
    });
  }
});

// The REST API's actor is a person through a token: for every mutation, the first column allowed to
// make it is tried through a read-only token (refused: nothing changes, no audit event) and through
// a write token (allowed, audited as the person).
describe("authorization matrix through API tokens: every mutation × read and write scopes", () => {
  for (const row of MATRIX) {
    const relation = RELATIONS.find((r) => r !== "departed" && row.cells[r] === "allowed");
    if (!relation) continue;
    describe(rowName(row), () => {
      it(`${relation} through a read-only token: refused`, () => walkCell(row, relation, ["read"]));
      const write = row.throughToken === "refused" ? "refused (a token makes no tokens)" : "allowed";
      it(`${relation} through a write token: ${write}`, () => walkCell(row, relation, ["read", "write"]));
    });
  }
});
