import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { dayStart, isoDayParam } from "@/lib/paging";
import { prose, idSelection } from "@/lib/validation";
import type { Database } from "@/db";
import { lockById, lockByIds } from "@/db/locks";
import { identityAccessColumns, identityColumns, personColumns, pick, type RowOf } from "@/db/columns";
import { identities, users } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { DAY, now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import {
  canAttest,
  canEditPurpose,
  canHandOver,
  canSee,
  canShortenExpiry,
  isLive,
  relationTo,
  type Relation,
} from "./access";
import { reviewPeriodDays } from "@/lib/policy";
import { rescoreIdentities } from "./risk";
import { isoOrNull, pluralWord } from "@/lib/format";

/**
 * What owners, managers and security do to one identity from its page. Each function checks the
 * actor's relation to the identity inside its transaction (row locked), changes it, rescores its
 * risk and records the audit event, all in that one transaction.
 */

const identityId = z.guid("That identity id is not valid.");

const lockedColumns = {
  ...identityAccessColumns,
  ...pick(identityColumns, "name", "purpose", "expiresAt", "nextReviewAt"),
};
type LockedRow = RowOf<typeof lockedColumns>;

async function lockIdentity(tx: Database, actor: Actor, id: string): Promise<{ row: LockedRow; rel: Relation }> {
  const row = await lockById(tx, identities, lockedColumns, id);
  if (!row) throw notFound("That identity");
  const rel = await relationTo(tx, actor, row);
  // Someone who may not see it learns nothing about it, not even that it exists.
  if (!canSee(rel)) throw notFound("That identity");
  return { row, rel };
}

function parseId(input: unknown): string {
  const parsed = identityId.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message, { id: [parsed.error.issues[0]!.message] });
  return parsed.data;
}

const iso = isoOrNull;

// The identity page reads the period from here too; it is policy's (lib/policy/settings.ts).
export { reviewPeriodDays };

async function attestLocked(tx: Database, actor: Actor, row: LockedRow, periodDays: number, at: Date, bulk: boolean) {
  const next = new Date(at.getTime() + periodDays * DAY);
  // An attestation also answers a departed owner's hand-over: nobody needs to be chased any more.
  await tx.execute(
    sql`UPDATE identities SET next_review_at = ${next.toISOString()}::timestamptz, attestation_due_at = NULL WHERE id = ${row.id}::uuid`,
  );
  await rescoreIdentities(tx, sql`i.id = ${row.id}::uuid`, at);
  await record(tx, {
    actor: auditActor(actor),
    action: "identity.attested",
    subject: { type: "identity", id: row.id },
    before: { nextReviewAt: iso(row.nextReviewAt) },
    after: {
      nextReviewAt: next.toISOString(),
      statement: "I still own this and it is still needed.",
      ...(bulk ? { bulk: true } : {}),
    },
  });
  return next;
}

/** "I still own this and it is still needed": moves the next review by the policy period. */
export async function attestIdentity(db: Database, actor: Actor, input: unknown): Promise<{ nextReviewAt: string }> {
  requireCanChange(actor);
  const id = parseId(input);
  return db.transaction(async (tx) => {
    const { row, rel } = await lockIdentity(tx, actor, id);
    if (!canAttest(rel))
      throw forbidden("Only its owner, backup owner or the owner's manager can attest to this identity.");
    if (!isLive(row.status)) throw conflict(`This identity is ${row.status}; there is nothing to attest.`);
    const next = await attestLocked(tx, actor, row, await reviewPeriodDays(tx), now(), false);
    return { nextReviewAt: next.toISOString() };
  });
}

const bulkSchema = idSelection({
  one: "identity",
  max: 500,
  atLeast: "Select at least one identity.",
  tooMany: "Attest at most 500 identities at once.",
});

/**
 * Attests a selection of the actor's own identities (owner or backup owner) at once: all or none,
 * one audit event per identity so each one's timeline shows it.
 */
export async function bulkAttest(db: Database, actor: Actor, input: unknown): Promise<{ count: number }> {
  requireCanChange(actor);
  const parsed = bulkSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message, { ids: [parsed.error.issues[0]!.message] });
  const ids = [...new Set(parsed.data)].sort(); // a fixed lock order: two bulk attests cannot deadlock
  return db.transaction(async (tx) => {
    const rows = await lockByIds(tx, identities, lockedColumns, ids);
    const notMine = rows.filter((r) => r.ownerId !== actor.personId && r.backupOwnerId !== actor.personId);
    if (rows.length < ids.length || notMine.length) {
      throw forbidden(
        `Bulk attest covers only identities you own; ${ids.length - rows.length + notMine.length} of the ${ids.length} selected are not yours.`,
      );
    }
    const ended = rows.filter((r) => !isLive(r.status));
    if (ended.length)
      throw conflict(
        `${ended.map((r) => r.name).join(", ")} ${pluralWord(ended.length, "is", "are")} no longer active; nothing was attested.`,
      );
    const period = await reviewPeriodDays(tx);
    const at = now();
    for (const row of rows) await attestLocked(tx, actor, row, period, at, true);
    return { count: rows.length };
  });
}

export const purposeSchema = z.object({
  id: identityId,
  purpose: prose("Say in a sentence what it is for.", 10, 500, "Purpose is at most 500 characters."),
});

export async function editPurpose(db: Database, actor: Actor, input: unknown): Promise<void> {
  requireCanChange(actor);
  const { id, purpose } = parseInput(purposeSchema, input, "The purpose was not saved.");
  await db.transaction(async (tx) => {
    const { row, rel } = await lockIdentity(tx, actor, id);
    if (!canEditPurpose(rel))
      throw forbidden("Only its owner, backup owner, the owner's manager or security can change its purpose.");
    if (!isLive(row.status)) throw conflict(`This identity is ${row.status}; its record is closed.`);
    if (row.purpose === purpose) return;
    await tx.execute(sql`UPDATE identities SET purpose = ${purpose} WHERE id = ${id}::uuid`);
    await rescoreIdentities(tx, sql`i.id = ${id}::uuid`, now());
    await record(tx, {
      actor: auditActor(actor),
      action: "identity.purpose_changed",
      subject: { type: "identity", id },
      before: { purpose: row.purpose },
      after: { purpose },
    });
  });
}

export const handOverSchema = z.object({ id: identityId, newOwnerId: z.guid("Choose the person who takes it over.") });

export async function handOverIdentity(db: Database, actor: Actor, input: unknown): Promise<void> {
  requireCanChange(actor);
  const { id, newOwnerId } = parseInput(handOverSchema, input, "Ownership was not handed over.");
  await db.transaction(async (tx) => {
    const { row, rel } = await lockIdentity(tx, actor, id);
    if (!canHandOver(rel)) {
      throw forbidden(
        rel.owner || rel.backupOwner
          ? "Owners hand over an identity through a transfer request, which the new owner's manager approves."
          : "Only the owner's manager or security can hand over this identity.",
      );
    }
    if (!isLive(row.status)) throw conflict(`This identity is ${row.status}; its record is closed.`);
    if (row.ownerId === newOwnerId)
      throw invalid("That person already owns it.", { newOwnerId: ["That person already owns it."] });
    const [person] = await tx
      .select({
        ...pick(personColumns, "id", "status", "teamId", "name"),
        auditorOnly: sql<boolean>`${users.roles} <@ '{auditor}'::role[]`,
      })
      .from(users)
      .where(eq(users.id, newOwnerId))
      .for("share");
    if (!person) throw invalid("That person was not found.", { newOwnerId: ["That person was not found."] });
    if (person.status !== "active")
      throw invalid(`${person.name} has left; choose someone still here.`, {
        newOwnerId: [`${person.name} has left; choose someone still here.`],
      });
    if (person.auditorOnly)
      throw invalid(
        `${person.name} is an auditor: auditors read everything and change nothing, so they cannot own an identity.`,
        { newOwnerId: [`${person.name} is an auditor and cannot own an identity.`] },
      );
    // The identity follows its new owner's team; a backup owner who now owns it is no longer a backup.
    await tx.execute(sql`UPDATE identities SET attestation_due_at = NULL, owner_id = ${newOwnerId}::uuid, team_id = coalesce(${person.teamId}::uuid, team_id),
      backup_owner_id = CASE WHEN backup_owner_id = ${newOwnerId}::uuid THEN NULL ELSE backup_owner_id END WHERE id = ${id}::uuid`);
    await rescoreIdentities(tx, sql`i.id = ${id}::uuid`, now());
    await record(tx, {
      actor: auditActor(actor),
      action: "identity.owner_changed",
      subject: { type: "identity", id },
      before: { ownerId: row.ownerId, teamId: row.teamId },
      after: { ownerId: newOwnerId, teamId: person.teamId ?? row.teamId },
    });
  });
}

export const shortenExpirySchema = z.object({
  id: identityId,
  expiresOn: isoDayParam({ format: "Use a date like 2026-12-31.", real: "Use a real date like 2026-12-31." }),
});

/** Brings the expiry forward (to the start of `expiresOn`, UTC); never later, never in the past. */
export async function shortenExpiry(db: Database, actor: Actor, input: unknown): Promise<{ expiresAt: string }> {
  requireCanChange(actor);
  const { id, expiresOn } = parseInput(shortenExpirySchema, input, "The expiry was not changed.");
  const next = dayStart(expiresOn);
  return db.transaction(async (tx) => {
    const { row, rel } = await lockIdentity(tx, actor, id);
    if (!canShortenExpiry(rel))
      throw forbidden("Only its owner, backup owner, the owner's manager or security can shorten its expiry.");
    if (!isLive(row.status)) throw conflict(`This identity is ${row.status}; its record is closed.`);
    const at = now();
    if (next.getTime() <= at.getTime())
      throw invalid("The new expiry must be in the future; to end it now, revoke it.", {
        expiresOn: ["Choose a date after today."],
      });
    const current = row.expiresAt;
    if (current && next.getTime() >= current.getTime()) {
      const msg = `That is not earlier than its current expiry (${current.toISOString().slice(0, 10)}); extending needs a request.`;
      throw invalid(msg, { expiresOn: [msg] });
    }
    await tx.execute(sql`UPDATE identities SET expires_at = ${next.toISOString()}::timestamptz WHERE id = ${id}::uuid`);
    await rescoreIdentities(tx, sql`i.id = ${id}::uuid`, at);
    await record(tx, {
      actor: auditActor(actor),
      action: "identity.expiry_shortened",
      subject: { type: "identity", id },
      before: { expiresAt: iso(row.expiresAt) },
      after: { expiresAt: next.toISOString() },
    });
    return { expiresAt: next.toISOString() };
  });
}
