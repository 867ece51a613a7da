import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { readRows } from "@/db/columns";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, hasRole, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { lockItems } from "./decide";
import { confirmInputSchema } from "./input";

/**
 * The second stage (a campaign with `confirm_privileged`): a reviewer's certification of a
 * privileged or high-risk item waits for security, who confirms it or overturns it to a revocation
 * (any revoke wins; saying why is required). Never by the person who certified it, nor by the
 * identity's owner; nothing once the campaign is closed (an unconfirmed certification then gets the
 * no-response outcome).
 */
export async function confirmReviewItem(db: Database, actor: Actor, raw: unknown): Promise<{ answer: string }> {
  requireCanChange(actor);
  const input = parseInput(confirmInputSchema, raw, "Nothing was confirmed.");
  if (!hasRole(actor, "security")) throw forbidden("Only security confirms a certification.");
  if (input.answer === "revoke" && !input.comment)
    throw invalid("Say why the certification is overturned.", { comment: ["A reason is required to overturn it."] });
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const [item] = await lockItems(tx, [input.itemId]);
      if (!item) throw notFound("That review item");
      const [campaign] = await readRows(
        tx,
        { status: sql<string>`status` },
        sql`SELECT status FROM campaigns WHERE id = ${item.campaignId}::uuid`,
      );
      if (campaign?.status !== "active") throw conflict("This campaign is closed: its decisions are final.");
      if (item.decision !== "certify" || !item.confirmNeeded || item.confirmedAt)
        throw conflict("This item does not wait for a confirmation (its decision changed, or it was answered).");
      if (item.decidedBy === actor.personId)
        throw forbidden("Someone else confirms what you certified: that is the point of a second stage.");
      if (item.ownerId === actor.personId || item.backupOwnerId === actor.personId)
        throw forbidden("Nobody confirms a certification of an identity they own.");
      const at = now().toISOString();
      await tx.execute(sql`UPDATE review_items SET confirmed_by = ${actor.personId}::uuid, confirmed_at = ${at}::timestamptz,
          decision = ${input.answer === "revoke" ? sql`'revoke'` : sql`decision`},
          comment = ${input.answer === "revoke" ? sql`${input.comment!} || ' (overturned by security; certified with: ' || coalesce(comment, 'no comment') || ')'` : sql`comment`}
        WHERE id = ${item.id}::uuid`);
      await record(tx, {
        actor: auditActor(actor),
        action: input.answer === "confirm" ? "review.confirmed" : "review.overturned",
        subject: { type: "identity", id: item.identityId },
        before: { decision: "certify", decidedBy: item.decidedByName },
        after: {
          campaignId: item.campaignId,
          itemId: item.id,
          decision: input.answer === "confirm" ? "certify" : "revoke",
          comment: input.comment ?? null,
        },
      });
      return { answer: input.answer };
    }),
  );
}
