import fs from "node:fs";
import path from "node:path";
import { sql, TransactionRollbackError } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { queryRows, type Database } from "@/db";
import { seedUuid } from "@/lib/seed/sql-util";
import { actorOf, curatedId, useTestDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { resolveActor } from "@/lib/auth/people";
import { DomainError } from "@/lib/errors";
import {
  attestIdentity,
  bulkAttest,
  editPurpose,
  handOverIdentity,
  shortenExpiry,
} from "@/lib/identities/identity-actions";
import { setPersonRoles, setPersonStatus } from "@/lib/people/people";
import { changePolicySetting } from "@/lib/policy/settings-admin";
import { approveStandardInBulk, cancelRequest, decideStage } from "@/lib/requests/decide";
import { syncCurrentStage } from "@/lib/requests/stages";
import { submitRequest } from "@/lib/requests/submit";
import { bulkRevoke } from "@/lib/revocations/bulk";
import { confirmManualRevocation } from "@/lib/revocations/confirm";
import { requestRevocation } from "@/lib/revocations/request";
import { configureConnector, discoverSystem, retireSystem, setSystemEnvironment } from "@/lib/systems/systems";
import {
  cellCount,
  ENTRY_POINTS,
  MATRIX,
  type EntryPoint,
  NOT_ACTOR_CALLS,
  PLUMBING,
  READS,
  RELATIONS,
  renderMatrix,
  rowName,
  type MatrixRow,
  type Relation,
} from "./matrix";

// Walks the authorization matrix (./matrix.ts) against a database: every row × every relation,
// each cell in its own transaction that is rolled back, so every cell starts from the same state.
// A refused cell must throw a DomainError, leave every governed table as it was (compared by an
// md5 of its rows) and write no audit event; an allowed cell must change what the row promises
// and write its audit event by the actor. Then the matrix is checked against the code: every
// (db, actor) function of lib/ and every action and route handler of app/ must be in it.

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
const STUB_SYSTEM = "Matrix discovery target (stub connector)";

const actors = {} as Record<Relation, Actor>;
const ids = { neutral: "", stubSystem: "", salesforce: "", datadog: "", slack: "" };

const DAY = 86_400_000;
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
// The seeded targets: Olivia's identities (Omar is the backup of both) and her pending requests.
const PAYMENTS_API = curatedId("olivia-payments-api"); // AWS production (webhook), expires in 60 days
const REFUND_WORKER = curatedId("olivia-refund-worker"); // Kubernetes production (manual connector)
const LEDGER_KEY = curatedId("olivia-ledger-key");
const EXTEND_LEDGER = seedUuid("request", 1, "olivia-extend-ledger"); // one manager stage (Maya), standard
const GRANT_ARTIFACTS = seedUuid("request", 1, "olivia-grant-artifacts"); // manager stage, then security

const conn = useTestDatabase({ identities: 60 });
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
  await conn?.close();
});

// ---------------------------------------------------------------------------------------------
// How each row is tried: its target arranged inside the cell's transaction, the call, and (when
// allowed) what must have changed and which audit events the actor must have written.

type Ctx = { tx: Database; actor: Actor; relation: Relation };
type Driver<T = unknown> = {
  setup(c: Ctx): Promise<T>;
  call(c: Ctx, t: T): Promise<unknown>;
  /** After an allowed call: the row changed as the mutation promises. */
  verify(c: Ctx, t: T, out: unknown): Promise<void>;
  /** Audit actions the actor must have written. */
  events: string[];
};
const driver = <T>(d: Driver<T>) => d as Driver;

const one = async <R>(tx: Database, q: ReturnType<typeof sql>) => (await queryRows<R>(tx, q))[0]!;
const exec = (tx: Database, q: ReturnType<typeof sql>) => tx.execute(q);
const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

/**
 * Olivia's identities with Omar as their backup owner; in the auditor's cell, Ari (auditor only)
 * is made their owner: an auditor who owns something still changes nothing.
 */
async function identities(c: Ctx, targets: string[]): Promise<string[]> {
  const list = sql.join(
    targets.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  await exec(
    c.tx,
    sql`UPDATE identities SET backup_owner_id = ${actors.backupOwner.personId}::uuid WHERE id IN (${list})`,
  );
  if (c.relation === "auditor")
    await exec(c.tx, sql`UPDATE identities SET owner_id = ${actors.auditor.personId}::uuid WHERE id IN (${list})`);
  return targets;
}

/** A pending request of Olivia's; in the auditor's cell Ari is the approver its manager stage names (as if she managed Olivia). */
async function managerStageRequest(c: Ctx, requestId: string, subject: string): Promise<string> {
  await identities({ ...c, relation: "owner" }, [subject]);
  if (c.relation === "auditor") {
    await exec(
      c.tx,
      sql`UPDATE users SET manager_id = ${actors.auditor.personId}::uuid WHERE id = ${actors.owner.personId}::uuid`,
    );
    await exec(
      c.tx,
      sql`UPDATE approval_stages SET approver_id = ${actors.auditor.personId}::uuid WHERE request_id = ${requestId}::uuid AND approver_rule = 'owner_manager'`,
    );
    await syncCurrentStage(c.tx, sql`r2.id = ${requestId}::uuid`);
  }
  return requestId;
}

async function stageDecidedBy(
  tx: Database,
  requestId: string,
  position: number,
): Promise<{ decided_by: string; decision: string } | undefined> {
  const [d] = await queryRows<{ decided_by: string; decision: string }>(
    tx,
    sql`SELECT sd.decided_by, sd.decision FROM stage_decisions sd JOIN approval_stages s ON s.id = sd.stage_id WHERE s.request_id = ${requestId}::uuid AND s.position = ${position}`,
  );
  return d;
}

const identityRow = (tx: Database, id: string) =>
  one<{
    owner_id: string;
    purpose: string;
    expires_at: Date | string | null;
    next_review_at: Date | string | null;
    status: string;
  }>(tx, sql`SELECT owner_id, purpose, expires_at, next_review_at, status FROM identities WHERE id = ${id}::uuid`);
const revocationsBy = (tx: Database, actor: Actor, id: string) =>
  queryRows<{ status: string }>(
    tx,
    sql`SELECT status FROM revocations WHERE identity_id = ${id}::uuid AND requested_by = ${actor.personId}::uuid AND target_type = 'identity'`,
  );

const DRIVERS: Record<string, Driver> = {
  attestIdentity: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) => attestIdentity(c.tx, c.actor, PAYMENTS_API),
    async verify(c) {
      // Its review was 45 days ahead; an attestation puts it a policy period (90 days) from now.
      expect(ms((await identityRow(c.tx, PAYMENTS_API)).next_review_at)).toBeGreaterThan(Date.now() + 85 * DAY);
    },
    events: ["identity.attested"],
  }),
  bulkAttest: driver({
    setup: (c) => identities(c, [PAYMENTS_API, REFUND_WORKER]),
    call: (c) => bulkAttest(c.tx, c.actor, [PAYMENTS_API, REFUND_WORKER]),
    async verify(c) {
      for (const id of [PAYMENTS_API, REFUND_WORKER])
        expect(ms((await identityRow(c.tx, id)).next_review_at)).toBeGreaterThan(Date.now() + 85 * DAY);
    },
    events: ["identity.attested"],
  }),
  editPurpose: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) =>
      editPurpose(c.tx, c.actor, {
        id: PAYMENTS_API,
        purpose: "Charges cards for the public payments API (restated by the matrix)",
      }),
    async verify(c) {
      expect((await identityRow(c.tx, PAYMENTS_API)).purpose).toBe(
        "Charges cards for the public payments API (restated by the matrix)",
      );
    },
    events: ["identity.purpose_changed"],
  }),
  shortenExpiry: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) => shortenExpiry(c.tx, c.actor, { id: PAYMENTS_API, expiresOn: dayFromNow(3) }),
    async verify(c) {
      expect(ms((await identityRow(c.tx, PAYMENTS_API)).expires_at)).toBe(
        new Date(`${dayFromNow(3)}T00:00:00Z`).getTime(),
      );
    },
    events: ["identity.expiry_shortened"],
  }),
  handOverIdentity: driver({
    async setup(c) {
      await identities({ ...c, relation: "owner" }, [PAYMENTS_API]);
      // The auditor's cell: Ari manages Olivia, the relation that lets a person hand over.
      if (c.relation === "auditor")
        await exec(
          c.tx,
          sql`UPDATE users SET manager_id = ${actors.auditor.personId}::uuid WHERE id = ${actors.owner.personId}::uuid`,
        );
    },
    call: (c) => handOverIdentity(c.tx, c.actor, { id: PAYMENTS_API, newOwnerId: ids.neutral }),
    async verify(c) {
      expect((await identityRow(c.tx, PAYMENTS_API)).owner_id).toBe(ids.neutral);
    },
    events: ["identity.owner_changed"],
  }),
  requestRevocation: driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) =>
      requestRevocation(c.tx, c.actor, { identityId: PAYMENTS_API, reason: "No longer needed (the matrix asks)" }),
    async verify(c) {
      expect(await revocationsBy(c.tx, c.actor, PAYMENTS_API)).toEqual([{ status: "requested" }]);
    },
    events: ["revocation.requested"],
  }),
  bulkRevoke: driver({
    setup: (c) => identities(c, [PAYMENTS_API, REFUND_WORKER]),
    call: (c) =>
      bulkRevoke(c.tx, c.actor, { ids: [PAYMENTS_API, REFUND_WORKER], reason: "No longer needed (the matrix asks)" }),
    async verify(c) {
      for (const id of [PAYMENTS_API, REFUND_WORKER])
        expect(await revocationsBy(c.tx, c.actor, id)).toEqual([{ status: "requested" }]);
    },
    events: ["revocation.requested"],
  }),
  confirmManualRevocation: driver({
    async setup(c) {
      await identities(c, [REFUND_WORKER]);
      // Asked by Olivia and carried out by the manual connector: it waits for a person's evidence.
      return (
        await one<{ id: string }>(
          c.tx,
          sql`INSERT INTO revocations (target_type, identity_id, reason, requested_by, status, attempts, created_at, updated_at)
            VALUES ('identity', ${REFUND_WORKER}::uuid, 'The refunds move to the new platform', ${actors.owner.personId}::uuid, 'executed', 1, now(), now()) RETURNING id`,
        )
      ).id;
    },
    call: (c, revocationId) =>
      confirmManualRevocation(c.tx, c.actor, {
        revocationId,
        evidence: "Deleted the service account by hand: ticket OPS-1234",
      }),
    async verify(c, revocationId) {
      expect(
        (
          await one<{ status: string }>(
            c.tx,
            sql`SELECT status FROM revocations WHERE id = ${revocationId as string}::uuid`,
          )
        ).status,
      ).toBe("verified");
      expect((await identityRow(c.tx, REFUND_WORKER)).status).toBe("revoked");
    },
    events: ["revocation.confirmed"],
  }),
  "submitRequest (a new identity)": driver({
    setup: async () => {},
    // Owned by the requester (no ownerId given); in a production system, so it waits for approval.
    call: (c) =>
      submitRequest(c.tx, c.actor, {
        type: "new_identity",
        name: `matrix-${c.relation}-bot`,
        kind: "bot",
        systemId: ids.slack,
        environment: "production",
        purpose: "Posts the matrix test's results to a channel",
        expiresOn: dayFromNow(30),
        credentialType: "short_lived_token",
        justification: "The authorization matrix needs a bot",
        entitlements: [],
      }),
    async verify(c) {
      const rows = await queryRows(
        c.tx,
        sql`SELECT type, payload->>'ownerId' AS owner FROM requests WHERE requester_id = ${c.actor.personId}::uuid AND payload->>'name' = ${`matrix-${c.relation}-bot`}`,
      );
      expect(rows).toEqual([{ type: "new_identity", owner: c.actor.personId }]);
    },
    events: ["request.submitted"],
  }),
  "submitRequest (about an identity)": driver({
    setup: (c) => identities(c, [PAYMENTS_API]),
    call: (c) =>
      submitRequest(c.tx, c.actor, {
        type: "extend_expiry",
        identityId: PAYMENTS_API,
        expiresOn: dayFromNow(80),
        justification: "Payments still run on it this quarter",
      }),
    async verify(c) {
      const rows = await queryRows(
        c.tx,
        sql`SELECT type FROM requests WHERE requester_id = ${c.actor.personId}::uuid AND subject_identity_id = ${PAYMENTS_API}::uuid AND type = 'extend_expiry'`,
      );
      expect(rows).toEqual([{ type: "extend_expiry" }]);
    },
    events: ["request.submitted"],
  }),
  "decideStage (the manager stage)": driver({
    setup: (c) => managerStageRequest(c, EXTEND_LEDGER, LEDGER_KEY),
    call: (c) =>
      decideStage(c.tx, c.actor, {
        requestId: EXTEND_LEDGER,
        decision: "approve",
        comment: "Still needed (the matrix)",
      }),
    async verify(c) {
      expect(await stageDecidedBy(c.tx, EXTEND_LEDGER, 1)).toEqual({
        decided_by: c.actor.personId,
        decision: "approve",
      });
    },
    events: ["request.stage_approved"],
  }),
  "decideStage (the security stage)": driver({
    async setup(c) {
      await identities({ ...c, relation: "owner" }, [PAYMENTS_API]);
      // Maya approved the first stage: the request now waits for security.
      await exec(
        c.tx,
        sql`INSERT INTO stage_decisions (stage_id, decided_by, decision) SELECT id, ${actors.ownerManager.personId}::uuid, 'approve' FROM approval_stages WHERE request_id = ${GRANT_ARTIFACTS}::uuid AND position = 1`,
      );
      await syncCurrentStage(c.tx, sql`r2.id = ${GRANT_ARTIFACTS}::uuid`);
    },
    call: (c) =>
      decideStage(c.tx, c.actor, {
        requestId: GRANT_ARTIFACTS,
        decision: "approve",
        comment: "Privileged, and justified (the matrix)",
      }),
    async verify(c) {
      expect(await stageDecidedBy(c.tx, GRANT_ARTIFACTS, 2)).toEqual({
        decided_by: c.actor.personId,
        decision: "approve",
      });
    },
    events: ["request.stage_approved"],
  }),
  approveStandardInBulk: driver({
    setup: (c) => managerStageRequest(c, EXTEND_LEDGER, LEDGER_KEY),
    call: (c) => approveStandardInBulk(c.tx, c.actor, { requestIds: [EXTEND_LEDGER] }),
    async verify(c, _t, out) {
      expect(out).toMatchObject({ approved: 1 });
      expect(await stageDecidedBy(c.tx, EXTEND_LEDGER, 1)).toEqual({
        decided_by: c.actor.personId,
        decision: "approve",
      });
    },
    events: ["request.stage_approved", "request.bulk_approved"],
  }),
  cancelRequest: driver({
    async setup(c) {
      await identities({ ...c, relation: "owner" }, [LEDGER_KEY]);
      // The auditor's cell: Ari made the request.
      if (c.relation === "auditor")
        await exec(
          c.tx,
          sql`UPDATE requests SET requester_id = ${actors.auditor.personId}::uuid WHERE id = ${EXTEND_LEDGER}::uuid`,
        );
    },
    call: (c) => cancelRequest(c.tx, c.actor, EXTEND_LEDGER),
    async verify(c) {
      expect(
        (await one<{ status: string }>(c.tx, sql`SELECT status FROM requests WHERE id = ${EXTEND_LEDGER}::uuid`))
          .status,
      ).toBe("cancelled");
    },
    events: ["request.cancelled"],
  }),
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
] as const;
async function fingerprint(tx: Database): Promise<Record<string, string>> {
  const cols = GOVERNED.map((t) =>
    sql.raw(`(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${t} t) AS ${t}`),
  );
  return one<Record<string, string>>(tx, sql`SELECT ${sql.join(cols, sql`, `)}`);
}
const lastSeq = async (tx: Database) =>
  Number((await one<{ seq: number | string }>(tx, sql`SELECT coalesce(max(seq), 0) AS seq FROM audit_events`)).seq);

async function walkCell(row: MatrixRow, relation: Relation): Promise<void> {
  const drv = DRIVERS[rowName(row)]!;
  const actor = actors[relation];
  const want = row.cells[relation];
  const cell = `${rowName(row)} × ${relation}`;
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
          const r = out as { approved: number; skipped: unknown[] };
          expect(
            { approved: r.approved, reported: r.skipped.length > 0 },
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

// ---------------------------------------------------------------------------------------------
// Reading the code: lib's (db, actor) functions, app's actions and route handlers.

const ROOT = process.cwd();
const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join("/");
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, keep));
    else if (keep(entry.name)) out.push(full);
  }
  return out;
}

/** Exported functions of lib/ (tests and test helpers left out) that take a Database and an Actor. */
function actorFunctions(): Map<string, string> {
  const found = new Map<string, string>();
  const lib = filesUnder(
    path.join(ROOT, "lib"),
    (n) => n.endsWith(".ts") && !n.endsWith(".test.ts") && !n.startsWith("test-"),
  );
  // Any exported function taking a Database and an Actor, in whatever positions (pure predicates
  // over an actor, such as hasRole, decide nothing on their own).
  const patterns = [
    /export\s+(?:async\s+)?function\s+(\w+)\s*(?:<[^>]*>)?\s*\(([\s\S]*?)\)\s*(?::[^{=]*)?\{/g,
    /export\s+const\s+(\w+)\s*=\s*(?:async\s*)?\(([\s\S]*?)\)\s*(?::[^{=]*)?=>/g,
  ];
  for (const file of lib) {
    const src = fs.readFileSync(file, "utf8");
    for (const re of patterns)
      for (const m of src.matchAll(re))
        if (/:\s*Actor\b/.test(m[2]!) && /:\s*Database\b/.test(m[2]!)) found.set(m[1]!, rel(file));
  }
  return found;
}

const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Each export of a file with its source (to the next export). Route files: only the HTTP handlers. */
function exportsOf(file: string): Map<string, string> {
  const src = fs.readFileSync(file, "utf8");
  const starts: { name: string; at: number }[] = [];
  for (const m of src.matchAll(/^export\s+(?:async\s+)?function\s+(\w+)/gm)) starts.push({ name: m[1]!, at: m.index! });
  for (const m of src.matchAll(/^export\s+const\s+(\w+)\s*=/gm)) starts.push({ name: m[1]!, at: m.index! });
  for (const m of src.matchAll(/^export\s+const\s*\{([^}]*)\}\s*=/gm)) {
    for (const part of m[1]!.split(","))
      if (part.trim()) starts.push({ name: part.split(":").pop()!.trim(), at: m.index! });
  }
  const bounds = [...src.matchAll(/^export\s/gm)].map((m) => m.index!).concat(src.length);
  const out = new Map<string, string>();
  for (const s of starts) {
    if (file.endsWith("route.ts") && !HTTP_METHODS.has(s.name)) continue; // route config (dynamic, runtime)
    out.set(
      s.name,
      src.slice(
        s.at,
        bounds.find((b) => b > s.at),
      ),
    );
  }
  return out;
}
const appFiles = () =>
  filesUnder(path.join(ROOT, "app"), (n) => n === "actions.ts" || n === "route.ts")
    .map(rel)
    .sort();
const calls = (body: string, fn: string) => new RegExp(`\\b${fn}\\s*\\(`).test(body);

/**
 * The session is checked before the call: a person who has left (resolveActor: null) never reaches it.
 * A server action built with actorAction (lib/action) has it checked there, before the call it wraps
 * runs (lib/action/action.test.ts: without a session nothing runs).
 */
function sessionCheckedBefore(body: string, fn: string): boolean {
  const at = body.search(new RegExp(`\\b${fn}\\s*\\(`));
  const guard = body.search(
    /await\s+requireActor\(\)|\bactorAction(?:\.preview)?\(|const\s+actor\s*=\s*await\s+\w+\(\)\s*;\s*if\s*\(\s*!actor\s*\)/,
  );
  return at >= 0 && guard >= 0 && guard < at;
}

/** Where an entry point's calls are made: its own body, or the lib function it hands the request to (`via`). */
function callSite(
  file: string,
  name: string,
  body: string,
  point: EntryPoint,
): { where: string; body: string; src: string } {
  if (!point.via) return { where: `${file} ${name}`, body, src: fs.readFileSync(path.join(ROOT, file), "utf8") };
  const [viaFile, viaFn] = point.via.split(" ") as [string, string];
  expect(calls(body, viaFn), `${file} ${name} hands the request to ${viaFn}`).toBe(true);
  const viaBody = exportsOf(path.join(ROOT, viaFile)).get(viaFn);
  expect(viaBody, `${point.via} exists`).toBeDefined();
  return { where: point.via, body: viaBody!, src: fs.readFileSync(path.join(ROOT, viaFile), "utf8") };
}

const MUTATIONS = new Set(MATRIX.map((r) => r.fn));

// ---------------------------------------------------------------------------------------------

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

describe("the matrix covers the code", () => {
  it("has a driver for every row, and a row for every driver", () => {
    expect(Object.keys(DRIVERS).sort()).toEqual(MATRIX.map(rowName).sort());
  });

  it("every exported lib/ function taking a Database and an Actor is a mutation with its cells or a named read; no row names a function that is gone", () => {
    const found = actorFunctions();
    const missing = [...found.keys()].filter((fn) => !MUTATIONS.has(fn) && !(fn in READS));
    expect(missing, "add these to lib/authz/matrix.ts: MATRIX (a mutation, with its cells) or READS").toEqual([]);
    for (const fn of MUTATIONS)
      expect(found.get(fn), `${fn} is exported from ${MATRIX.find((r) => r.fn === fn)!.file}`).toBe(
        MATRIX.find((r) => r.fn === fn)!.file,
      );
    for (const fn of Object.keys(READS)) expect(found.has(fn), `${fn} (READS) still exists`).toBe(true);
    for (const fn of MUTATIONS) expect(fn in READS, `${fn} is both a mutation and a read`).toBe(false);
  });

  it("every server action and route handler is mapped to the lib functions it calls, and really calls them", () => {
    const files = appFiles();
    expect(
      Object.keys(ENTRY_POINTS).filter((f) => !files.includes(f)),
      "entry point files that no longer exist",
    ).toEqual([]);
    const known = new Set([...MUTATIONS, ...Object.keys(READS), ...Object.keys(NOT_ACTOR_CALLS)]);
    for (const file of files) {
      const exported = exportsOf(path.join(ROOT, file));
      const mapped = ENTRY_POINTS[file] ?? {};
      expect(
        [...exported.keys()].filter((n) => !(n in mapped)),
        `${file}: exports missing from ENTRY_POINTS in lib/authz/matrix.ts`,
      ).toEqual([]);
      expect(
        Object.keys(mapped).filter((n) => !exported.has(n)),
        `${file}: ENTRY_POINTS names exports that are gone`,
      ).toEqual([]);
      for (const [name, body] of exported) {
        const point = mapped[name]!;
        if (!point.calls.length)
          expect(point.note, `${file} ${name}: say why it calls no domain function`).toBeTruthy();
        const site = callSite(file, name, body, point);
        for (const fn of point.calls) {
          expect(
            known.has(fn),
            `${site.where} calls ${fn}, which is neither a mutation, a read nor a known non-actor call`,
          ).toBe(true);
          expect(
            new RegExp(`import[^;]*\\b${fn}\\b[^;]*from`).test(site.src),
            `${site.where}: its file imports ${fn}`,
          ).toBe(true);
          expect(calls(site.body, fn), `${site.where} calls ${fn}`).toBe(true);
          if (MUTATIONS.has(fn))
            expect(sessionCheckedBefore(site.body, fn), `${site.where} checks the session before ${fn}`).toBe(true);
        }
        // Whatever it imports from lib/ is a mutation, a read, a known non-actor call or named plumbing.
        const vias = new Set(Object.values(mapped).flatMap((p) => (p.via ? [p.via.split(" ")[1]!] : [])));
        const imported = [
          ...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/import\s*\{([^}]*)\}\s*from\s*"@\/lib\/[^"]+"/g),
        ].flatMap((m) =>
          m[1]!
            .split(",")
            .map((x) => x.trim())
            .filter((x) => x && !x.startsWith("type "))
            .map((x) => x.split(/\s+as\s+/)[0]!.trim()),
        );
        const unknown = imported.filter((n) => /^[a-z]/.test(n) && !known.has(n) && !(n in PLUMBING) && !vias.has(n));
        expect(
          unknown,
          `${file}: imports from lib/ that are in neither MATRIX, READS, NOT_ACTOR_CALLS nor PLUMBING (lib/authz/matrix.ts)`,
        ).toEqual([]);
        // And nothing it calls is left out of the map.
        const unmapped = [...known].filter(
          (fn) => (calls(body, fn) || calls(site.body, fn)) && !point.calls.includes(fn),
        );
        expect(unmapped, `${site.where} calls these too: add them to its ENTRY_POINTS entry`).toEqual([]);
      }
    }
  });
});
