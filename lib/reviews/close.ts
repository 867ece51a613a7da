import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { readRows, selectList } from "@/db/columns";
import { campaigns } from "@/db/schema";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict } from "@/lib/errors";
import { rescoreIdentities } from "@/lib/identities";
import { queueIdentityRevocations } from "@/lib/revocations";
import { lockCampaign } from "./campaigns";

/**
 * Closing applies every decision, set-based, in one transaction with its audit events: reassign
 * changes the owner, revoke asks for its revocation (carried out and verified through the
 * connector), and items nobody decided get the campaign's outcome (keep, suspend or revoke). The
 * campaign is then frozen. Certify moves the identity's next review out by the policy period,
 * applied right after in batches (apply.ts) until the campaign's applied_at is set.
 * An identity that is no longer live by then is left as it is, and the item says so.
 */
export type Closed = {
  id: string;
  certified: number;
  reassigned: number;
  revocationIds: string[];
  noResponse: number;
  suspended: number;
};

const LIVE = sql`('active', 'suspended', 'pending')`;

export async function closeCampaign(db: Database, actor: Actor, rawId: unknown): Promise<Closed> {
  requireCanChange(actor);
  return db.transaction(async (tx) =>
    inAuditBatch(tx, async () => {
      const c = await lockCampaign(tx, actor, rawId);
      if (c.status !== "active")
        throw conflict(c.status === "closed" ? "This campaign is already closed." : "Launch the campaign first.");
      // Closing applies the outcome to every item: not before they are all there.
      if (!c.filledAt)
        throw conflict(
          `Its snapshot is still being taken (${c.fillNext ?? 0} of ${c.fillParts ?? 0} parts): close it when it is complete.`,
        );
      const at = now();
      const by = auditActor(actor);
      const iso = at.toISOString();
      const items = (decision: string) =>
        sql`SELECT r.identity_id FROM review_items r WHERE r.campaign_id = ${c.id}::uuid AND r.decision = ${decision}`;

      // A certification security did not confirm (the second stage) counts as no answer; who
      // certified it and why stay on the item (and in its review.decided event).
      const noResponse = await readRows(
        tx,
        { id: sql<string>`id` },
        sql`UPDATE review_items SET decision = 'no_response', decided_at = CASE WHEN decision IS NULL THEN ${iso}::timestamptz ELSE decided_at END
            WHERE campaign_id = ${c.id}::uuid AND (decision IS NULL OR (decision = 'certify' AND confirm_needed AND confirmed_at IS NULL))
            RETURNING id`,
      );

      // Certifications are applied after the close, in batches (apply.ts): counted here.
      const [certified] = await readRows(
        tx,
        { n: sql<number>`n`.mapWith(Number) },
        sql`SELECT count(*)::int AS n FROM review_items WHERE campaign_id = ${c.id}::uuid AND decision = 'certify'`,
      );

      const movedColumns = {
        id: sql<string>`i.id`,
        from: sql<string | null>`m.old_owner`,
        to: sql<string>`m.new_owner`,
      };
      const moved = await readRows(
        tx,
        movedColumns,
        sql`UPDATE identities i SET owner_id = m.new_owner, team_id = coalesce(m.team_id, i.team_id), attestation_due_at = NULL,
              backup_owner_id = CASE WHEN i.backup_owner_id = m.new_owner THEN NULL ELSE i.backup_owner_id END
            FROM (SELECT r.identity_id, r.reassign_to_id AS new_owner, u.team_id, x.owner_id AS old_owner
                  FROM review_items r JOIN users u ON u.id = r.reassign_to_id JOIN identities x ON x.id = r.identity_id
                  WHERE r.campaign_id = ${c.id}::uuid AND r.decision = 'reassign' AND x.status IN ${LIVE}
                    AND u.status = 'active' AND NOT (u.roles <@ '{auditor}'::role[])) m
            WHERE i.id = m.identity_id RETURNING ${selectList(movedColumns)}`,
      );
      for (const m of moved)
        await record(tx, {
          actor: by,
          action: "identity.owner_changed",
          subject: { type: "identity", id: m.id },
          before: { ownerId: m.from },
          after: { ownerId: m.to, campaignId: c.id },
        });

      const revokeWhere = (decision: string) => sql`i.id IN (${items(decision)}) AND i.status IN ${LIVE}`;
      const revoked = await queueIdentityRevocations(tx, {
        where: revokeWhere("revoke"),
        reason: `Access review "${c.name}": revoked by its reviewer`,
        requestedBy: actor.personId,
        at,
      });
      let lapsed: { id: string; identityId: string }[] = [];
      let suspended: { id: string }[] = [];
      const outcome = c.noResponseOutcome;
      if (outcome === "revoke")
        lapsed = await queueIdentityRevocations(tx, {
          where: revokeWhere("no_response"),
          reason: `Access review "${c.name}": nobody answered`,
          requestedBy: actor.personId,
          at,
        });
      if (outcome === "suspend")
        suspended = await readRows(
          tx,
          { id: sql<string>`id` },
          sql`UPDATE identities i SET status = 'suspended' WHERE ${revokeWhere("no_response")} AND i.status = 'active' RETURNING i.id`,
        );
      await recordRevocations(tx, by, [...revoked, ...lapsed], c.id);
      for (const { id } of suspended)
        await record(tx, {
          actor: by,
          action: "identity.suspended",
          subject: { type: "identity", id },
          after: { campaignId: c.id, reason: "No response in the access review" },
        });

      // Each item says what closing did with it (and links the revocation it asked for or joined);
      // certified ones say so as their batch is applied.
      const revokes = outcome === "revoke" ? sql`r.decision IN ('revoke', 'no_response')` : sql`r.decision = 'revoke'`;
      await tx.execute(sql`UPDATE review_items r SET
          revocation_id = CASE WHEN ${revokes} THEN (SELECT v.id FROM revocations v WHERE v.identity_id = r.identity_id
            AND v.target_type = 'identity' AND v.status IN ('requested', 'executing', 'executed', 'failed') ORDER BY v.created_at DESC LIMIT 1) END,
          applied = CASE
            WHEN i.status NOT IN ${LIVE} THEN 'nothing: the identity was already ' || i.status
            WHEN r.decision = 'reassign' AND i.owner_id = r.reassign_to_id THEN 'owner changed'
            WHEN r.decision = 'reassign' THEN 'not reassigned: the new owner has left or cannot own identities'
            WHEN r.decision = 'revoke' THEN 'revocation requested'
            ELSE ${outcome === "keep" ? "kept" : outcome === "suspend" ? "suspended" : "revocation requested"} ||
              CASE WHEN r.confirm_needed THEN ' (certified, but security did not confirm it)' ELSE ' (no response)' END
          END
        FROM identities i WHERE i.id = r.identity_id AND r.campaign_id = ${c.id}::uuid AND r.decision <> 'certify'`);
      // A new owner or a suspension can change a score; a queued revocation does not until it is carried out.
      await rescoreIdentities(
        tx,
        sql`i.id IN (SELECT identity_id FROM review_items WHERE campaign_id = ${c.id}::uuid AND decision IN ('reassign', 'no_response'))`,
        at,
      );
      await tx
        .update(campaigns)
        .set({ status: "closed", closedAt: at })
        .where(sql`${campaigns.id} = ${c.id}::uuid`);
      const out: Closed = {
        id: c.id,
        certified: certified?.n ?? 0,
        reassigned: moved.length,
        revocationIds: [...revoked, ...lapsed].map((r) => r.id),
        noResponse: noResponse.length,
        suspended: suspended.length,
      };
      await record(tx, {
        actor: by,
        action: "campaign.closed",
        subject: { type: "campaign", id: c.id },
        after: {
          name: c.name,
          noResponseOutcome: outcome,
          ...out,
          id: undefined,
          revocations: out.revocationIds.length,
          revocationIds: undefined,
        },
      });
      return out;
    }),
  );
}

async function recordRevocations(
  tx: Database,
  by: AuditActor,
  rows: { id: string; identityId: string }[],
  campaignId: string,
) {
  for (const r of rows)
    await record(tx, {
      actor: by,
      action: "revocation.requested",
      subject: { type: "identity", id: r.identityId },
      after: { revocationId: r.id, target: "identity", campaignId },
    });
}
