import "server-only";
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { idSelection } from "@/lib/validation";
import type { Database } from "@/db";
import { campaignColumns, pick } from "@/db/columns";
import { campaigns, requests, reviewItems } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, isAuditorOnly, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, DomainError, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { decisionInputSchema, DECISIONS } from "./input";
import { certifyNeedsComment, itemsByIds, snapshotOf, suggest, type ReviewItem } from "./facts";
import { activePersonByEmail } from "./people";

/**
 * A reviewer's decision on one item: certify, revoke or reassign, with what they were shown kept
 * beside it. Only the item's reviewer decides it (security decides the security queue's items),
 * never their own identity unless the campaign asks owners to attest, never one they asked a
 * change for during the campaign, and nothing once the campaign is closed. A decision may be
 * changed until the campaign closes; closing applies it.
 */
type Decision = z.infer<typeof decisionInputSchema>;

async function campaignOf(tx: Database, campaignId: string) {
  // Shared with other decisions, exclusive with closing: nothing is decided after close.
  const [c] = await tx
    .select(pick(campaignColumns, "id", "status", "reviewerRule", "launchedAt"))
    .from(campaigns)
    .where(eq(campaigns.id, campaignId))
    .for("share");
  return c!;
}

async function decideLocked(tx: Database, actor: Actor, item: ReviewItem, d: Omit<Decision, "itemId">, at: Date) {
  const c = await campaignOf(tx, item.campaignId);
  if (c.status !== "active") throw conflict("This campaign is closed: its decisions are final.");
  const mine = item.reviewerId === actor.personId || (item.reviewerId === null && hasRole(actor, "security"));
  if (!mine) throw forbidden("This item is not yours to review.");
  const owns = item.ownerId === actor.personId || item.backupOwnerId === actor.personId;
  if (owns && c.reviewerRule !== "owner")
    throw forbidden("Nobody reviews an identity they own: it goes to another reviewer.");
  const [asked] = await tx
    .select({ id: requests.id })
    .from(requests)
    .where(
      and(
        eq(requests.requesterId, actor.personId),
        eq(requests.subjectIdentityId, item.identityId),
        gte(requests.createdAt, c.launchedAt!),
      ),
    )
    .limit(1);
  if (asked) throw forbidden("You asked for a change to this identity during the campaign: someone else reviews it.");
  if (d.decision === "certify" && !d.comment && certifyNeedsComment(item))
    throw invalid("Say why a privileged or high-risk identity stays (a comment is required to certify it).", {
      comment: ["A comment is required to certify a privileged or high-risk identity."],
    });
  let newOwner: { id: string; name: string } | null = null;
  if (d.decision === "reassign") {
    // A reassignment is a hand-over: the owner's manager (direct) or security may make one, as on
    // the identity page; anyone else asks for a transfer, which is approved.
    if (!hasRole(actor, "security") && item.ownerManagerId !== actor.personId)
      throw forbidden("Only the owner's manager or security reassigns an identity; ask for a transfer instead.");
    const person = await activePersonByEmail(tx, d.newOwner, "newOwner", "the new owner");
    if (person.id === item.ownerId)
      throw invalid("That person already owns it.", { newOwner: ["They already own it."] });
    if (isAuditorOnly(person.roles))
      throw invalid(`${person.name} is an auditor and cannot own an identity.`, {
        newOwner: ["Auditors own nothing."],
      });
    newOwner = person;
  }
  await tx
    .update(reviewItems)
    .set({
      decision: d.decision,
      comment: d.comment || null,
      reassignToId: newOwner?.id ?? null,
      decidedBy: actor.personId,
      decidedAt: at,
      snapshot: snapshotOf(item, at),
    })
    .where(eq(reviewItems.id, item.id));
  await record(tx, {
    actor: auditActor(actor),
    action: "review.decided",
    subject: { type: "identity", id: item.identityId },
    before: item.decision ? { decision: item.decision } : undefined,
    after: {
      campaignId: item.campaignId,
      itemId: item.id,
      decision: d.decision,
      comment: d.comment || null,
      ...(newOwner ? { newOwner: newOwner.name } : {}),
    },
  });
}

async function lockItems(tx: Database, ids: string[]): Promise<ReviewItem[]> {
  // The campaigns first, shared and in id order, as closing takes them before their items: a
  // decision and a close wait for each other instead of deadlocking. Then the items, in id order
  // (two bulk decisions cannot deadlock), read with their facts.
  const owning = await tx
    .selectDistinct({ id: reviewItems.campaignId })
    .from(reviewItems)
    .where(inArray(reviewItems.id, ids));
  if (owning.length)
    await tx
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(
        inArray(
          campaigns.id,
          owning.map((c) => c.id),
        ),
      )
      .orderBy(campaigns.id)
      .for("share");
  await tx
    .select({ id: reviewItems.id })
    .from(reviewItems)
    .where(inArray(reviewItems.id, ids))
    .orderBy(reviewItems.id)
    .for("update");
  return itemsByIds(tx, ids);
}

export async function decideReviewItem(db: Database, actor: Actor, raw: unknown): Promise<{ decision: string }> {
  requireCanChange(actor);
  const { itemId, ...d } = parseInput(decisionInputSchema, raw, "The decision was not recorded.");
  return db.transaction(async (tx) => {
    const [item] = await lockItems(tx, [itemId]);
    if (!item) throw notFound("That review item");
    await inAuditBatch(tx, () => decideLocked(tx, actor, item, d, now()));
    return { decision: d.decision };
  });
}

const bulkSchema = z.object({
  itemIds: idSelection({
    one: "review item",
    max: 500,
    atLeast: "Select at least one item.",
    tooMany: "Decide at most 500 items at once.",
  }),
  decision: z.enum([...DECISIONS.filter((x) => x !== "reassign"), "suggested"] as const, {
    error: "Choose certify, revoke or accept the suggestions.",
  }),
  comment: decisionInputSchema.shape.comment,
});

export type BulkDecided = { decided: number; skipped: { id: string; identity: string; reason: string }[] };

/**
 * One decision over a selection (or each item's suggestion): items the actor may not decide, or
 * that need more than the bulk gives (a comment, a suggestion), are skipped and reported.
 */
export async function decideInBulk(db: Database, actor: Actor, raw: unknown): Promise<BulkDecided> {
  requireCanChange(actor);
  const input = parseInput(bulkSchema, raw, "Nothing was decided.");
  const ids = [...new Set(input.itemIds)].sort();
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const items = await lockItems(tx, ids);
      const at = now();
      const out: BulkDecided = { decided: 0, skipped: [] };
      for (const item of items) {
        const decision = input.decision === "suggested" ? suggest(item, at)?.decision : input.decision;
        if (!decision) {
          out.skipped.push({ id: item.id, identity: item.identity, reason: "no suggestion" });
          continue;
        }
        try {
          await tx.execute(sql`SAVEPOINT bulk_item`);
          await decideLocked(tx, actor, item, { decision, comment: input.comment }, at);
          await tx.execute(sql`RELEASE SAVEPOINT bulk_item`);
          out.decided++;
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          await tx.execute(sql`ROLLBACK TO SAVEPOINT bulk_item`);
          // What is not theirs is reported without its name: a bulk call must not tell names.
          const identity = e.code === "forbidden" || e.code === "not_found" ? "(not yours)" : item.identity;
          out.skipped.push({ id: item.id, identity, reason: e.message });
        }
      }
      return out;
    }),
  );
}
