import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { queryRows, type Database } from "@/db";
import type { Actor } from "@/lib/auth/actor";
import { syncCurrentStage } from "@/lib/requests/stages";
import { seedUuid } from "@/lib/seed/sql-util";
import { curatedId } from "@/lib/testing";
import type { Relation } from "../matrix";
import { DAY } from "@/lib/clock";

// What the matrix's drivers share: the people playing each column and the targets (filled in by
// matrix.test.ts's beforeAll), and helpers that arrange a target inside a cell's transaction.

export const STUB_SYSTEM = "Matrix discovery target (stub connector)";
export const actors = {} as Record<Relation, Actor>;
export const ids = { neutral: "", stubSystem: "", salesforce: "", datadog: "", slack: "" };

export const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
// The seeded targets: Olivia's identities (Omar is the backup of both) and her pending requests.
export const PAYMENTS_API = curatedId("olivia-payments-api"); // AWS production (webhook), expires in 60 days
export const REFUND_WORKER = curatedId("olivia-refund-worker"); // Kubernetes production (manual connector)
export const LEDGER_KEY = curatedId("olivia-ledger-key");
export const EXTEND_LEDGER = seedUuid("request", 1, "olivia-extend-ledger"); // one manager stage (Maya), standard
export const GRANT_ARTIFACTS = seedUuid("request", 1, "olivia-grant-artifacts"); // manager stage, then security

export type Ctx = { tx: Database; actor: Actor; relation: Relation };
export type Driver<T = unknown> = {
  setup(c: Ctx): Promise<T>;
  call(c: Ctx, t: T): Promise<unknown>;
  /** After an allowed call: the row changed as the mutation promises. */
  verify(c: Ctx, t: T, out: unknown): Promise<void>;
  /** Audit actions the actor must have written. */
  events: string[];
};
export const driver = <T>(d: Driver<T>) => d as Driver;

export const one = async <R>(tx: Database, q: ReturnType<typeof sql>) => (await queryRows<R>(tx, q))[0]!;
export const exec = (tx: Database, q: ReturnType<typeof sql>) => tx.execute(q);
export const ms = (v: Date | string | null) => (v === null ? null : new Date(v).getTime());

/**
 * Olivia's identities with Omar as their backup owner; in the auditor's cell, Ari (auditor only)
 * is made their owner: an auditor who owns something still changes nothing.
 */
export async function identities(c: Ctx, targets: string[]): Promise<string[]> {
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

/** In the auditor's cell only: runs `q`, which gives Ari the relation that would allow the mutation. */
export async function inAuditorCell(c: Ctx, q: ReturnType<typeof sql>): Promise<void> {
  if (c.relation === "auditor") await exec(c.tx, q);
}

/** In the auditor's cell: Ari manages Olivia (the owner), the relation that lets a manager act. */
export const auditorManagesOwner = (c: Ctx) =>
  inAuditorCell(
    c,
    sql`UPDATE users SET manager_id = ${actors.auditor.personId}::uuid WHERE id = ${actors.owner.personId}::uuid`,
  );

/** A pending request of Olivia's; in the auditor's cell Ari is the approver its manager stage names (as if she managed Olivia). */
export async function managerStageRequest(c: Ctx, requestId: string, subject: string): Promise<string> {
  await identities({ ...c, relation: "owner" }, [subject]);
  if (c.relation === "auditor") {
    await auditorManagesOwner(c);
    await exec(
      c.tx,
      sql`UPDATE approval_stages SET approver_id = ${actors.auditor.personId}::uuid WHERE request_id = ${requestId}::uuid AND approver_rule = 'owner_manager'`,
    );
    await syncCurrentStage(c.tx, sql`r2.id = ${requestId}::uuid`);
  }
  return requestId;
}

export async function stageDecidedBy(
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

/** The cell's actor approved stage `position` of the request. */
export async function expectApprovedBy(c: Ctx, requestId: string, position: number): Promise<void> {
  expect(await stageDecidedBy(c.tx, requestId, position)).toEqual({
    decided_by: c.actor.personId,
    decision: "approve",
  });
}

export const identityRow = (tx: Database, id: string) =>
  one<{
    owner_id: string;
    purpose: string;
    expires_at: Date | string | null;
    next_review_at: Date | string | null;
    status: string;
  }>(tx, sql`SELECT owner_id, purpose, expires_at, next_review_at, status FROM identities WHERE id = ${id}::uuid`);
export const revocationsBy = (tx: Database, actor: Actor, id: string) =>
  queryRows<{ status: string }>(
    tx,
    sql`SELECT status FROM revocations WHERE identity_id = ${id}::uuid AND requested_by = ${actor.personId}::uuid AND target_type = 'identity'`,
  );
