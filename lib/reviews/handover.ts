import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { readRows } from "@/db/columns";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, isAuditorOnly, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, invalid, parseInput } from "@/lib/errors";
import { prose, text } from "@/lib/validation";
import { lockCampaign } from "./campaigns";
import { activePersonByEmail } from "./people";

/**
 * The campaign's creator (or security) hands one reviewer's undecided items to someone else, with
 * a note: a reviewer on leave, or the wrong person. Only undecided items move (a decision stays
 * its maker's); items of identities the new reviewer owns stay where they are (nobody reviews
 * their own). The new reviewer is told in the bell.
 */
const handoverSchema = z.object({
  campaignId: z.guid("That campaign id is not valid."),
  /** The reviewer whose items move ("security": the security queue's). */
  from: z.union([z.literal("security"), z.guid("Choose whose items to hand over.")]),
  to: text().trim().max(320),
  note: prose("Say why the items are handed over.", 3, 500, "Keep the note under 500 characters."),
});

export async function handOverItems(
  db: Database,
  actor: Actor,
  raw: unknown,
): Promise<{ moved: number; kept: number; to: string }> {
  requireCanChange(actor);
  const input = parseInput(handoverSchema, raw, "Nothing was handed over.");
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const c = await lockCampaign(tx, actor, input.campaignId);
      if (c.status !== "active") throw conflict("Only an active campaign's items can be handed over.");
      // The parts still to come are assigned by the campaign's rule: a hand-over now would be undone.
      if (!c.filledAt) throw conflict("Its snapshot is still being taken: hand items over when it is complete.");
      const to = await activePersonByEmail(tx, input.to, "to", "the new reviewer");
      if (isAuditorOnly(to.roles))
        throw invalid(`${to.name} is an auditor: auditors decide nothing.`, { to: ["An auditor cannot review."] });
      const from = input.from === "security" ? sql`r.reviewer_id IS NULL` : sql`r.reviewer_id = ${input.from}::uuid`;
      if (input.from === to.id) throw invalid("They already review those items.", { to: ["Choose someone else."] });
      const at = now().toISOString();
      const moved = await readRows(
        tx,
        { id: sql<string>`id`, identityId: sql<string>`identity_id` },
        sql`UPDATE review_items r SET reviewer_id = ${to.id}::uuid, escalated_at = NULL, escalated_to_id = NULL
            FROM identities i WHERE i.id = r.identity_id AND r.campaign_id = ${c.id}::uuid AND ${from} AND r.decision IS NULL
              AND i.owner_id IS DISTINCT FROM ${to.id}::uuid AND i.backup_owner_id IS DISTINCT FROM ${to.id}::uuid
            RETURNING r.id, r.identity_id`,
      );
      const [left] = await readRows(
        tx,
        { n: sql<number>`n`.mapWith(Number) },
        sql`SELECT count(*)::int AS n FROM review_items r WHERE r.campaign_id = ${c.id}::uuid AND ${from} AND r.decision IS NULL`,
      );
      if (!moved.length)
        throw invalid(
          left?.n
            ? `All of those items are ${to.name}'s own identities: they stay.`
            : "That reviewer has nothing undecided.",
          { from: ["Nothing to hand over."] },
        );
      const by = auditActor(actor);
      for (const m of moved)
        await record(tx, {
          actor: by,
          action: "review.handed_over",
          subject: { type: "identity", id: m.identityId },
          after: { campaignId: c.id, itemId: m.id, to: to.name, note: input.note },
        });
      await tx.execute(sql`INSERT INTO notifications (recipient_id, kind, text, href, campaign_id, created_at)
        VALUES (${to.id}::uuid, 'review_handed_over',
          ${`${moved.length} ${moved.length === 1 ? "item" : "items"} of "${c.name}" handed to you by ${actor.name}: ${input.note}`},
          '/reviews/mine', ${c.id}::uuid, ${at}::timestamptz)`);
      return { moved: moved.length, kept: left?.n ?? 0, to: to.name };
    }),
  );
}
