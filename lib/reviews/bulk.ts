import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { readRows } from "@/db/columns";
import { inAuditBatch } from "@/lib/audit";
import { type Actor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { DomainError, invalid, parseInput } from "@/lib/errors";
import { idSelection } from "@/lib/validation";
import { check, contextOf, lockItems, needsConfirmation, write, type Write } from "./decide";
import { suggest } from "./facts";
import { decisionInputSchema, DECISIONS } from "./input";
import { queueFilterSchema, queueWhere, undecidedFor } from "./queue-filter";

/**
 * One decision over a selection, or over a filter of the reviewer's queue ("revoke everything
 * unused for 90 days"), or each item's own suggestion. Items the actor may not decide, or that need
 * more than the bulk gives (a comment, a suggestion), are skipped and reported. A filter decides
 * at most FILTER_MAX items a call, 500 to a transaction, so a large queue is never locked at once.
 */
const CHUNK = 500;
export const FILTER_MAX = 10_000;

const bulkSchema = z
  .object({
    itemIds: idSelection({
      one: "review item",
      max: CHUNK,
      atLeast: "Select at least one item.",
      tooMany: `Decide at most ${CHUNK} selected items at once (or decide over a filter).`,
    }).optional(),
    filter: queueFilterSchema.omit({ after: true }).optional(),
    decision: z.enum([...DECISIONS.filter((x) => x !== "reassign"), "suggested"] as const, {
      error: "Choose certify, revoke or accept the suggestions.",
    }),
    comment: decisionInputSchema.shape.comment,
  })
  .refine((x) => !!x.itemIds !== !!x.filter, { message: "Select items, or decide over a filter.", path: ["itemIds"] })
  // A filter that narrows nothing (every key unknown or empty) would decide the whole queue.
  .refine((x) => !x.filter || Object.values(x.filter).some((v) => v !== undefined), {
    message: "Say which items: a campaign, how long unused, or a name.",
    path: ["filter"],
  });

export type BulkDecided = {
  decided: number;
  skipped: { id: string; identity: string; reason: string }[];
  /** A filter matched more than FILTER_MAX: run it again for the rest. */
  more: boolean;
};

export async function decideInBulk(db: Database, actor: Actor, raw: unknown): Promise<BulkDecided> {
  requireCanChange(actor);
  const input = parseInput(bulkSchema, raw, "Nothing was decided.");
  const at = now();
  let ids: string[];
  let more = false;
  if (input.filter) {
    const matched = await readRows(
      db,
      { id: sql<string>`r.id` },
      sql`SELECT r.id FROM review_items r JOIN identities i ON i.id = r.identity_id
          WHERE ${undecidedFor(actor, "r")} AND ${queueWhere(input.filter, at)} ORDER BY r.id LIMIT ${FILTER_MAX + 1}`,
    );
    if (!matched.length)
      throw invalid("No item waiting for you matches that filter.", { filter: ["Nothing matches."] });
    more = matched.length > FILTER_MAX;
    ids = matched.slice(0, FILTER_MAX).map((x) => x.id);
  } else ids = [...new Set(input.itemIds)].sort();
  const out: BulkDecided = { decided: 0, skipped: [], more };
  for (let k = 0; k < ids.length; k += CHUNK) {
    const part = await decideChunk(db, actor, ids.slice(k, k + CHUNK), input.decision, input.comment, at);
    out.decided += part.decided;
    out.skipped.push(...part.skipped);
  }
  return out;
}

async function decideChunk(
  db: Database,
  actor: Actor,
  ids: string[],
  asked: "certify" | "revoke" | "suggested",
  comment: string | undefined,
  at: Date,
) {
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const items = await lockItems(tx, ids);
      const ctx = await contextOf(tx, actor, items);
      const out = { decided: 0, skipped: [] as BulkDecided["skipped"] };
      const writes: Write[] = [];
      for (const item of items) {
        // A bulk decision decides what waits; it never re-decides (nor overturns) a decision made.
        if (item.decision) {
          out.skipped.push({ id: item.id, identity: item.identity, reason: "already decided" });
          continue;
        }
        const decision = asked === "suggested" ? suggest(item, at)?.decision : asked;
        if (!decision) {
          out.skipped.push({ id: item.id, identity: item.identity, reason: "no suggestion" });
          continue;
        }
        try {
          const campaign = ctx.campaigns.get(item.campaignId)!;
          check(actor, item, campaign, ctx.asked.has(item.id), { decision, comment });
          const confirm = needsConfirmation(campaign, item, decision);
          writes.push({ item, decision, comment: comment || null, newOwner: null, confirm });
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          // What is not theirs is reported without its name: a bulk call must not tell names.
          const identity = e.code === "forbidden" || e.code === "not_found" ? "(not yours)" : item.identity;
          out.skipped.push({ id: item.id, identity, reason: e.message });
        }
      }
      await write(tx, actor, writes, at);
      out.decided = writes.length;
      return out;
    }),
  );
}
