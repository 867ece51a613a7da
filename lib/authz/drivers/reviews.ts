import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { createCampaign, launchCampaign } from "@/lib/reviews/campaigns";
import { closeCampaign } from "@/lib/reviews/close";
import { decideReviewItem } from "@/lib/reviews/decide";
import { decideInBulk } from "@/lib/reviews/bulk";
import { confirmReviewItem } from "@/lib/reviews/confirm";
import { handOverItems } from "@/lib/reviews/handover";
import { markNotificationsRead } from "@/lib/notifications/notifications";
import { actors, auditorManagesOwner, driver, one, PAYMENTS_API, type Ctx, type Driver } from "./kit";

// How the matrix tries each review row: a campaign Maya drafted over Olivia's identities (in the
// auditor's cell, Ari is given the relation that would allow it: creator, reviewer, manager).

type Target = { campaignId: string; itemId: string | null };

async function campaign(c: Ctx, status: "draft" | "active", reviewerRule: "owner" | "owner_manager"): Promise<Target> {
  const creator = c.relation === "auditor" ? actors.auditor.personId : actors.ownerManager.personId;
  const scope = JSON.stringify({ owner: actors.owner.personId });
  const { id } = await one<{ id: string }>(
    c.tx,
    sql`INSERT INTO campaigns (name, scope, reviewer_rule, starts_at, due_at, created_by, status, launched_at, filled_at, item_count)
        VALUES ('Matrix review', ${scope}::jsonb, ${reviewerRule}, now() - interval '1 day', now() + interval '30 days', ${creator}::uuid, ${status},
          ${status === "active" ? sql`now() - interval '1 day'` : sql`NULL`}, ${status === "active" ? sql`now() - interval '1 day'` : sql`NULL`},
          ${status === "active" ? 1 : null}) RETURNING id`,
  );
  if (status === "draft") return { campaignId: id, itemId: null };
  const reviewer = c.relation === "auditor" ? actors.auditor.personId : actors.owner.personId;
  const item = await one<{ id: string }>(
    c.tx,
    sql`INSERT INTO review_items (campaign_id, identity_id, reviewer_id) VALUES (${id}::uuid, ${PAYMENTS_API}::uuid, ${reviewer}::uuid) RETURNING id`,
  );
  return { campaignId: id, itemId: item.id };
}

const campaignRow = (c: Ctx, id: string) =>
  one<{ status: string; created_by: string; items: number }>(
    c.tx,
    sql`SELECT status, created_by, (SELECT count(*)::int FROM review_items WHERE campaign_id = ${id}::uuid) AS items FROM campaigns WHERE id = ${id}::uuid`,
  );
const itemRow = (c: Ctx, id: string) =>
  one<{ decision: string | null; decided_by: string | null }>(
    c.tx,
    sql`SELECT decision, decided_by FROM review_items WHERE id = ${id}::uuid`,
  );

export const REVIEW_DRIVERS: Record<string, Driver> = {
  createCampaign: driver({
    setup: (c) => auditorManagesOwner(c),
    call: (c) =>
      createCampaign(c.tx, c.actor, {
        name: `Matrix campaign by ${c.relation}`,
        scope: { owner: "olivia.owner@example.com" },
        reviewerRule: "owner",
        dueOn: "2099-01-01",
      }),
    async verify(c, _t, out) {
      const row = await campaignRow(c, (out as { id: string }).id);
      expect(row).toMatchObject({ status: "draft", created_by: c.actor.personId });
    },
    events: ["campaign.created"],
  }),
  launchCampaign: driver<Target>({
    setup: (c) => campaign(c, "draft", "owner"),
    call: (c, t) => launchCampaign(c.tx, c.actor, t.campaignId),
    async verify(c, t) {
      const row = await campaignRow(c, t.campaignId);
      expect(row.status).toBe("active");
      expect(row.items).toBeGreaterThan(0);
    },
    events: ["campaign.launched"],
  }),
  decideReviewItem: driver<Target>({
    setup: (c) => campaign(c, "active", "owner"),
    call: (c, t) =>
      decideReviewItem(c.tx, c.actor, { itemId: t.itemId, decision: "certify", comment: "Still used by payments." }),
    async verify(c, t) {
      expect(await itemRow(c, t.itemId!)).toEqual({ decision: "certify", decided_by: c.actor.personId });
    },
    events: ["review.decided"],
  }),
  decideInBulk: driver<Target>({
    setup: (c) => campaign(c, "active", "owner"),
    call: (c, t) => decideInBulk(c.tx, c.actor, { itemIds: [t.itemId], decision: "certify", comment: "Still used." }),
    async verify(c, t, out) {
      expect(out).toMatchObject({ decided: 1 });
      expect(await itemRow(c, t.itemId!)).toEqual({ decision: "certify", decided_by: c.actor.personId });
    },
    events: ["review.decided"],
  }),
  confirmReviewItem: driver<Target>({
    async setup(c) {
      const t = await campaign(c, "active", "owner");
      await c.tx.execute(sql`UPDATE campaigns SET confirm_privileged = true WHERE id = ${t.campaignId}::uuid`);
      await c.tx.execute(sql`UPDATE review_items SET decision = 'certify', decided_by = ${actors.owner.personId}::uuid,
          decided_at = now(), comment = 'Still used by payments.', confirm_needed = true WHERE id = ${t.itemId}::uuid`);
      return t;
    },
    call: (c, t) => confirmReviewItem(c.tx, c.actor, { itemId: t.itemId, answer: "confirm" }),
    async verify(c, t) {
      const row = await one<{ confirmed_by: string | null; decision: string }>(
        c.tx,
        sql`SELECT confirmed_by, decision FROM review_items WHERE id = ${t.itemId}::uuid`,
      );
      expect(row).toEqual({ confirmed_by: c.actor.personId, decision: "certify" });
    },
    events: ["review.confirmed"],
  }),
  handOverItems: driver<Target>({
    setup: (c) => campaign(c, "active", "owner"),
    call: (c, t) =>
      handOverItems(c.tx, c.actor, {
        campaignId: t.campaignId,
        from: c.relation === "auditor" ? actors.auditor.personId : actors.owner.personId,
        to: "sam.security@example.com",
        note: "On leave until March.",
      }),
    async verify(c, t) {
      const row = await one<{ reviewer_id: string }>(
        c.tx,
        sql`SELECT reviewer_id FROM review_items WHERE id = ${t.itemId}::uuid`,
      );
      expect(row.reviewer_id).toBe(actors.security.personId);
    },
    events: ["review.handed_over"],
  }),
  closeCampaign: driver<Target>({
    setup: (c) => campaign(c, "active", "owner_manager"),
    call: (c, t) => closeCampaign(c.tx, c.actor, t.campaignId),
    async verify(c, t) {
      expect((await campaignRow(c, t.campaignId)).status).toBe("closed");
    },
    events: ["campaign.closed"],
  }),
  markNotificationsRead: driver<{ id: string }>({
    async setup(c) {
      const to = c.relation === "auditor" ? actors.auditor.personId : actors.owner.personId;
      return one<{ id: string }>(
        c.tx,
        sql`INSERT INTO notifications (recipient_id, kind, text, href, created_at)
            VALUES (${to}::uuid, 'review_reminder', '3 items wait for your review', '/reviews/mine', now()) RETURNING id`,
      );
    },
    call: (c, t) => markNotificationsRead(c.tx, c.actor, { ids: [t.id] }),
    async verify(c, t) {
      const row = await one<{ read: boolean }>(
        c.tx,
        sql`SELECT read_at IS NOT NULL AS read FROM notifications WHERE id = ${t.id}::uuid`,
      );
      expect(row.read).toBe(true);
    },
    events: ["notifications.read"],
  }),
};
