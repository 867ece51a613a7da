import "server-only";
import { inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { campaignColumns, pick, readRows } from "@/db/columns";
import { campaigns } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, isAuditorOnly, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { uuidList } from "@/lib/sql";
import { decisionInputSchema } from "./input";
import { certifyNeedsComment, lockedItemsByIds, snapshotOf, type ReviewItem } from "./facts";
import { activePersonByEmail } from "./people";

/**
 * A reviewer's decision on one item: certify, revoke or reassign, with what they were shown kept
 * beside it. Only the item's reviewer decides it (security decides the security queue's items),
 * never their own identity unless the campaign asks owners to attest, never one they asked a
 * change for during the campaign, and nothing once the campaign is closed. A decision may be
 * changed until the campaign closes; closing applies it.
 */
type Decision = z.infer<typeof decisionInputSchema>;

type Campaign = {
  id: string;
  status: string;
  reviewerRule: string;
  launchedAt: Date | null;
  confirmPrivileged: boolean;
};
export type Write = {
  item: ReviewItem;
  decision: string;
  comment: string | null;
  newOwner: { id: string; name: string } | null;
  /** The campaign's second stage applies: security confirms this certification. */
  confirm: boolean;
};

/** Whether a certification waits for security's confirmation (the campaign's second stage). */
export const needsConfirmation = (c: Campaign, item: ReviewItem, decision: string) =>
  c.confirmPrivileged && decision === "certify" && certifyNeedsComment(item);

/**
 * What the checks need for a set of locked items, read once: their campaigns (already locked
 * shared) and which items' identities the actor asked a change for since their campaign launched.
 */
export async function contextOf(tx: Database, actor: Actor, items: ReviewItem[]) {
  const ids = items.map((x) => x.id);
  const found = ids.length
    ? await tx
        .select(pick(campaignColumns, "id", "status", "reviewerRule", "launchedAt", "confirmPrivileged"))
        .from(campaigns)
        .where(inArray(campaigns.id, [...new Set(items.map((x) => x.campaignId))]))
    : [];
  // The actor's requests about these identities since the earliest of these campaigns' launches,
  // matched against each item's own campaign's launch here.
  const launches = found.flatMap((c) => (c.launchedAt ? [c.launchedAt.getTime()] : []));
  const since = launches.length ? new Date(Math.min(...launches)).toISOString() : null;
  const requested = since
    ? await readRows(
        tx,
        { identityId: sql<string>`q.subject_identity_id`, at: sql<Date>`q.created_at`.mapWith((v) => new Date(v)) },
        sql`SELECT q.subject_identity_id AS "identityId", q.created_at AS at FROM requests q
            WHERE q.requester_id = ${actor.personId}::uuid AND q.created_at >= ${since}::timestamptz
              AND q.subject_identity_id IN (${uuidList([...new Set(items.map((x) => x.identityId))])})`,
      )
    : [];
  const latest = new Map<string, number>();
  for (const q of requested) latest.set(q.identityId, Math.max(latest.get(q.identityId) ?? 0, q.at.getTime()));
  const launchOf = new Map(found.map((c) => [c.id, c.launchedAt?.getTime() ?? Infinity]));
  const asked = items.filter((x) => (latest.get(x.identityId) ?? -Infinity) >= launchOf.get(x.campaignId)!);
  return { campaigns: new Map<string, Campaign>(found.map((c) => [c.id, c])), asked: new Set(asked.map((x) => x.id)) };
}

/** Refuses, in words, a decision the actor may not make on `item`; nothing is written either way. */
export function check(actor: Actor, item: ReviewItem, c: Campaign, asked: boolean, d: Omit<Decision, "itemId">) {
  if (c.status !== "active") throw conflict("This campaign is closed: its decisions are final.");
  // The item's reviewer (NULL: security's queue) and, once it is escalated past the due date, the
  // one it went up to (NULL: security's queue).
  const decides = (id: string | null) => id === actor.personId || (id === null && hasRole(actor, "security"));
  const mine = decides(item.reviewerId) || (item.escalatedAt !== null && decides(item.escalatedToId));
  if (!mine) throw forbidden("This item is not yours to review.");
  const owns = item.ownerId === actor.personId || item.backupOwnerId === actor.personId;
  // The owner attests to their own (an owner-attestation campaign); nobody else decides what they own.
  if (owns && !(c.reviewerRule === "owner" && item.reviewerId === actor.personId))
    throw forbidden("Nobody reviews an identity they own: it goes to another reviewer.");
  if (asked) throw forbidden("You asked for a change to this identity during the campaign: someone else reviews it.");
  if (d.decision === "certify" && !d.comment && certifyNeedsComment(item))
    throw invalid("Say why a privileged or high-risk identity stays (a comment is required to certify it).", {
      comment: ["A comment is required to certify a privileged or high-risk identity."],
    });
  // A reassignment is a hand-over: the owner's manager (direct) or security may make one, as on
  // the identity page; anyone else asks for a transfer, which is approved.
  if (d.decision === "reassign" && !hasRole(actor, "security") && item.ownerManagerId !== actor.personId)
    throw forbidden("Only the owner's manager or security reassigns an identity; ask for a transfer instead.");
}

/** The decisions written in one statement, with what each reviewer was shown, and an audit event each. */
export async function write(tx: Database, actor: Actor, writes: Write[], at: Date) {
  if (!writes.length) return;
  // One JSON parameter for the lot (a bulk decision's 500 rows as 3,000 parameters cost more to
  // build and bind than to write).
  const rows = writes.map((w) => ({
    id: w.item.id,
    decision: w.decision,
    comment: w.comment,
    new_owner: w.newOwner?.id ?? null,
    snapshot: snapshotOf(w.item, at),
    confirm: w.confirm,
  }));
  // A changed decision starts its second stage again.
  await tx.execute(sql`UPDATE review_items r SET decision = v.decision, comment = v.comment, reassign_to_id = v.new_owner,
      decided_by = ${actor.personId}::uuid, decided_at = ${at.toISOString()}::timestamptz, snapshot = v.snapshot,
      confirm_needed = v.confirm, confirmed_by = NULL, confirmed_at = NULL
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS v(id uuid, decision review_decision, comment text, new_owner uuid, snapshot jsonb, confirm boolean)
    WHERE r.id = v.id`);
  for (const w of writes)
    await record(tx, {
      actor: auditActor(actor),
      action: "review.decided",
      subject: { type: "identity", id: w.item.identityId },
      before: w.item.decision ? { decision: w.item.decision } : undefined,
      after: {
        campaignId: w.item.campaignId,
        itemId: w.item.id,
        decision: w.decision,
        comment: w.comment,
        ...(w.newOwner ? { newOwner: w.newOwner.name } : {}),
        ...(w.confirm ? { awaitsConfirmation: true } : {}),
      },
    });
}

export async function lockItems(tx: Database, ids: string[]): Promise<ReviewItem[]> {
  if (!ids.length) return [];
  // The campaigns first, in id order, as closing takes them before their items: a decision and a
  // close wait for each other instead of deadlocking. FOR KEY SHARE: it waits for a close (FOR
  // UPDATE) but not for a snapshot part being taken (FOR NO KEY UPDATE), so reviewers decide while
  // a large campaign fills. Then the items, in id order (two bulk decisions cannot deadlock),
  // locked as they are read with their facts.
  await tx.execute(sql`SELECT c.id FROM campaigns c
    WHERE c.id IN (SELECT DISTINCT x.campaign_id FROM review_items x WHERE x.id IN (${uuidList(ids)}))
    ORDER BY c.id FOR KEY SHARE`);
  return lockedItemsByIds(tx, ids);
}

export async function decideReviewItem(db: Database, actor: Actor, raw: unknown): Promise<{ decision: string }> {
  requireCanChange(actor);
  const { itemId, ...d } = parseInput(decisionInputSchema, raw, "The decision was not recorded.");
  return db.transaction(async (tx) => {
    const [item] = await lockItems(tx, [itemId]);
    if (!item) throw notFound("That review item");
    const ctx = await contextOf(tx, actor, [item]);
    const campaign = ctx.campaigns.get(item.campaignId)!;
    check(actor, item, campaign, ctx.asked.has(item.id), d);
    let newOwner: Write["newOwner"] = null;
    if (d.decision === "reassign") {
      const person = await activePersonByEmail(tx, d.newOwner, "newOwner", "the new owner");
      if (person.id === item.ownerId)
        throw invalid("That person already owns it.", { newOwner: ["They already own it."] });
      if (isAuditorOnly(person.roles))
        throw invalid(`${person.name} is an auditor and cannot own an identity.`, {
          newOwner: ["Auditors own nothing."],
        });
      newOwner = person;
    }
    await inAuditBatch(tx, () =>
      write(
        tx,
        actor,
        [
          {
            item,
            decision: d.decision,
            comment: d.comment || null,
            newOwner,
            confirm: needsConfirmation(campaign, item, d.decision),
          },
        ],
        now(),
      ),
    );
    return { decision: d.decision };
  });
}
