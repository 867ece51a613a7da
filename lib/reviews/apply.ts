import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { pick, campaignColumns, readRows, selectList } from "@/db/columns";
import { lockById } from "@/db/locks";
import { campaigns } from "@/db/schema";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";
import { DAY, now } from "@/lib/clock";
import { isoDay } from "@/lib/format";
import { riskFactorsSql, riskScoreSql } from "@/lib/identities";
import { reviewPeriodDays } from "@/lib/policy";
import { forEachCampaign } from "./campaign-jobs";

/**
 * Certifications are applied after a campaign closes, in batches: each certified identity's next
 * review moves out by the policy period (counted from the close) and its score is recomputed in
 * the same UPDATE, so the row is written once. Closing itself stays quick (it queues the
 * revocations, the work the issue times), and a campaign of 80,000 certifications is not one
 * transaction holding 80,000 rows for half a minute. The close action starts this at once; the
 * lifecycle job finishes what a restart interrupted. Each batch is one transaction with its audit
 * events; running it twice applies nothing twice (items keep what was applied).
 */
export const APPLY_BATCH = 2_000;

const LIVE = sql`('active', 'suspended', 'pending')`;
const locked = pick(campaignColumns, "id", "name", "status", "closedAt", "appliedAt");

export type Applied = { certified: number; skipped: number; done: boolean };

/** Applies one batch of the campaign's certifications; `done` once nothing is left to apply. */
export async function applyCertificationBatch(
  db: Database,
  by: AuditActor,
  campaignId: string,
  size = APPLY_BATCH,
): Promise<Applied> {
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      // The campaign's row lock keeps two appliers (the close action and the job) to one at a time.
      const c = await lockById(tx, campaigns, locked, campaignId);
      if (!c || c.status !== "closed" || !c.closedAt || c.appliedAt) return { certified: 0, skipped: 0, done: true };
      const at = now();
      const next = new Date(c.closedAt.getTime() + (await reviewPeriodDays(tx)) * DAY).toISOString();
      const batch = sql`SELECT r.id, r.identity_id FROM review_items r
        WHERE r.campaign_id = ${c.id}::uuid AND r.decision = 'certify' AND r.applied IS NULL
        ORDER BY r.identity_id, r.id LIMIT ${size}`;
      const certified = await readRows(
        tx,
        { id: sql<string>`i.id` },
        sql`UPDATE identities i SET next_review_at = ${next}::timestamptz, attestation_due_at = NULL,
              risk_score = ${riskScoreSql(at, { certified: true })}, risk_factors = ${riskFactorsSql(at, { certified: true })}
            FROM (${batch}) b WHERE i.id = b.identity_id AND i.status IN ${LIVE} RETURNING ${selectList({ id: sql`i.id` })}`,
      );
      const marked = await readRows(
        tx,
        { n: sql<number>`n`.mapWith(Number) },
        sql`WITH b AS (${batch}), done AS (
              UPDATE review_items r SET applied = CASE WHEN i.status IN ${LIVE}
                  THEN ${`certified: next review ${isoDay(next)}`} ELSE 'nothing: the identity was already ' || i.status END
              FROM b JOIN identities i ON i.id = b.identity_id WHERE r.id = b.id RETURNING 1)
            SELECT count(*)::int AS n FROM done`,
      );
      for (const { id } of certified)
        await record(tx, {
          actor: by,
          action: "identity.certified",
          subject: { type: "identity", id },
          after: { campaignId: c.id, nextReviewAt: next },
        });
      const n = marked[0]?.n ?? 0;
      if (n < size) {
        await tx
          .update(campaigns)
          .set({ appliedAt: at })
          .where(sql`${campaigns.id} = ${c.id}::uuid`);
        await record(tx, {
          actor: by,
          action: "campaign.applied",
          subject: { type: "campaign", id: c.id },
          after: { name: c.name, at: at.toISOString() },
        });
      }
      return { certified: certified.length, skipped: n - certified.length, done: n < size };
    }),
  );
}

/** Applies every certification left in the campaign, batch by batch. */
export async function applyCertifications(db: Database, by: AuditActor, campaignId: string): Promise<Applied> {
  const total: Applied = { certified: 0, skipped: 0, done: false };
  while (!total.done) {
    const b = await applyCertificationBatch(db, by, campaignId);
    total.certified += b.certified;
    total.skipped += b.skipped;
    total.done = b.done;
  }
  return total;
}

/** The lifecycle job: every closed campaign whose certifications are not all applied yet. */
export async function applyClosedCampaigns(db: Database, by: AuditActor): Promise<Record<string, number>> {
  const { campaigns: n, items } = await forEachCampaign(
    db,
    sql`status = 'closed' AND applied_at IS NULL`,
    sql`closed_at`,
    async (id) => (await applyCertifications(db, by, id)).certified,
  );
  return { campaigns: n, certified: items };
}
