import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import type { Actor } from "@/lib/auth";
import { refusal, testDatabase } from "@/lib/testing";
import {
  createCampaign,
  decideInBulk,
  decideReviewItem,
  getCampaign,
  handOverItems,
  launchCampaign,
  myReviewItems,
} from "./index";
import { myNotifications } from "@/lib/notifications";
import { submitRequest } from "@/lib/requests";
import { launchedCampaign } from "./test-campaigns";

// Who reviews each item (the rule, then the fallback when the first choice has left, is missing or
// owns the identity), and the decisions that need more than a click: a comment to certify what is
// privileged or high-risk, the security queue, and accepting suggestions in bulk.

const conn = testDatabase({ identities: 300 });
const DUE = "2099-01-01";

type Assigned = {
  owner: string | null;
  owner_status: string | null;
  manager: string | null;
  manager_status: string | null;
  reviewer: string | null;
};
const assignments = (campaignId: string) =>
  queryRows<Assigned>(
    conn.db,
    sql`SELECT i.owner_id AS owner, o.status AS owner_status, o.manager_id AS manager, m.status AS manager_status, r.reviewer_id AS reviewer
        FROM review_items r JOIN identities i ON i.id = r.identity_id LEFT JOIN users o ON o.id = i.owner_id LEFT JOIN users m ON m.id = o.manager_id
        WHERE r.campaign_id = ${campaignId}::uuid`,
  );

describe("reviewers", () => {
  it("the owner attests; a departed owner's items go to their manager, an ownerless one to security", async () => {
    const { sam } = conn.personas;
    const { id } = await createCampaign(conn.db, sam, {
      name: "Orphans and owners",
      scope: { kind: "api_key" },
      reviewerRule: "owner",
      fallbackRule: "owner_manager",
      dueOn: DUE,
    });
    await launchCampaign(conn.db, sam, id);
    const rows = await assignments(id);
    expect(rows.length).toBeGreaterThan(10);
    const expected = (a: Assigned) =>
      a.owner && a.owner_status === "active"
        ? a.owner
        : a.owner && a.manager && a.manager_status === "active" && a.manager !== a.owner
          ? a.manager
          : null;
    expect(rows.filter((a) => a.reviewer !== expected(a))).toEqual([]);
    expect(rows.some((a) => a.owner_status === "departed")).toBe(true);
  });

  it("nobody decides an identity they asked a change for during the campaign; a request before it does not count", async () => {
    const { sam } = conn.personas;
    const before = await launchedCampaign(conn.db, sam, {
      name: "Launched before the request",
      reviewerRule: "security",
    });
    const items = await queryRows<{ id: string; identity_id: string }>(
      conn.db,
      // Two that Sam may decide (not his own, nor one he backs up) and may ask to extend (active,
      // ending before the 30 days asked, no request pending: the seed has some), the same two every run.
      sql`SELECT r.id, r.identity_id FROM review_items r JOIN identities i ON i.id = r.identity_id
          WHERE r.campaign_id = ${before.id}::uuid AND i.owner_id IS DISTINCT FROM ${sam.personId}::uuid
            AND i.backup_owner_id IS DISTINCT FROM ${sam.personId}::uuid
            AND i.status = 'active' AND (i.expires_at IS NULL OR i.expires_at < now() + interval '20 days')
            AND NOT EXISTS (SELECT 1 FROM requests q WHERE q.subject_identity_id = i.id AND q.status = 'pending')
          ORDER BY i.name, r.id LIMIT 2`,
    );
    const [asked, other] = items;
    await submitRequest(conn.db, sam, {
      type: "extend_expiry",
      identityId: asked!.identity_id,
      expiresOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      justification: "Still needed for the quarter's close",
    });
    const refused = await refusal(decideReviewItem(conn.db, sam, { itemId: asked!.id, decision: "revoke" }));
    expect(refused.message).toMatch(/You asked for a change to this identity during the campaign/);
    const bulk = await decideInBulk(conn.db, sam, { itemIds: [asked!.id, other!.id], decision: "revoke" });
    expect(bulk.decided).toBe(1);
    expect(bulk.skipped).toEqual([
      expect.objectContaining({ id: asked!.id, reason: expect.stringMatching(/asked for a change/) }),
    ]);
    // A campaign launched after the request: the request is not in its window.
    const after = await launchedCampaign(conn.db, sam, {
      name: "Launched after the request",
      reviewerRule: "security",
    });
    const [again] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM review_items WHERE campaign_id = ${after.id}::uuid AND identity_id = ${asked!.identity_id}::uuid`,
    );
    await decideReviewItem(conn.db, sam, { itemId: again!.id, decision: "revoke" });
    const [row] = await queryRows<{ decision: string }>(
      conn.db,
      sql`SELECT decision FROM review_items WHERE id = ${again!.id}::uuid`,
    );
    expect(row!.decision).toBe("revoke");
  });

  it("a named reviewer never reviews their own identity: those go to the fallback", async () => {
    const { sam, olivia } = conn.personas;
    const { id } = await createCampaign(conn.db, sam, {
      name: "Olivia reviews payments",
      scope: { team: "Payments" },
      reviewerRule: "named",
      reviewer: "olivia.owner@example.com",
      fallbackRule: "security",
      dueOn: DUE,
    });
    await launchCampaign(conn.db, sam, id);
    const rows = await assignments(id);
    const own = rows.filter((a) => a.owner === olivia.personId);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((a) => a.reviewer === null)).toBe(true);
    expect(rows.filter((a) => a.owner !== olivia.personId).every((a) => a.reviewer === olivia.personId)).toBe(true);
  });
});

/** A campaign Sam launches for security's queue. */
async function securityCampaign(name: string, scope: Record<string, string>): Promise<string> {
  const { id } = await createCampaign(conn.db, conn.personas.sam, {
    name,
    scope,
    reviewerRule: "security",
    dueOn: DUE,
  });
  await launchCampaign(conn.db, conn.personas.sam, id);
  return id;
}

describe("decisions that need more", () => {
  it("each grant shows how many other identities hold it, counted once per grant", async () => {
    const { sam } = conn.personas;
    const { id } = await launchedCampaign(conn.db, sam, {
      scope: { kind: "service_account" },
      reviewerRule: "security",
    });
    const grants = (await myReviewItems(conn.db, sam))
      .filter((x) => x.campaignId === id)
      .flatMap((x) => x.entitlements ?? []);
    expect(grants.length).toBeGreaterThan(5);
    const held = await queryRows<{ resource: string; permission: string; n: number }>(
      conn.db,
      sql`SELECT resource, permission, count(*)::int AS n FROM entitlements WHERE status = 'active' GROUP BY 1, 2`,
    );
    const truth = new Map(held.map((h) => [`${h.resource} ${h.permission}`, h.n - 1]));
    expect(grants.filter((g) => g.others !== truth.get(`${g.resource} ${g.permission}`) || g.orMore)).toEqual([]);
    expect(grants.some((g) => g.others > 0)).toBe(true);
  });

  it("certifying a privileged or high-risk item needs a comment; security decides its queue, a member cannot", async () => {
    const { sam, omar } = conn.personas;
    const id = await securityCampaign("Privileged in production", { env: "production", privileged: "1" });
    const [item] = (await myReviewItems(conn.db, sam)).filter((x) => x.campaignId === id && x.ownerId !== sam.personId);
    const bare = await refusal(decideReviewItem(conn.db, sam, { itemId: item!.id, decision: "certify" }));
    expect(bare.fieldErrors?.comment).toEqual(["A comment is required to certify a privileged or high-risk identity."]);
    expect(await refusal(decideReviewItem(conn.db, omar, { itemId: item!.id, decision: "revoke" }))).toMatchObject({
      code: "forbidden",
    });
    await decideReviewItem(conn.db, sam, {
      itemId: item!.id,
      decision: "certify",
      comment: "Break-glass role, reviewed quarterly.",
    });
    const [row] = await queryRows<{ decision: string; decided_by: string }>(
      conn.db,
      sql`SELECT decision, decided_by FROM review_items WHERE id = ${item!.id}::uuid`,
    );
    expect(row).toEqual({ decision: "certify", decided_by: sam.personId });
  });

  it("accepting suggestions decides the items that have one and reports the rest", async () => {
    const { sam } = conn.personas;
    const id = await securityCampaign("Bots", { kind: "bot" });
    const items = (await myReviewItems(conn.db, sam)).filter((x) => x.campaignId === id && x.ownerId !== sam.personId);
    const out = await decideInBulk(conn.db, sam, { itemIds: items.map((x) => x.id), decision: "suggested" });
    expect(out.decided + out.skipped.length).toBe(items.length);
    expect(out.decided).toBeGreaterThan(0);
    const decided = await queryRows<{ decision: string; suggested: string | null }>(
      conn.db,
      sql`SELECT decision, snapshot->'suggestion'->>'decision' AS suggested FROM review_items WHERE campaign_id = ${id}::uuid AND decision IS NOT NULL`,
    );
    expect(decided).toHaveLength(out.decided);
    expect(decided.every((d) => d.decision === d.suggested)).toBe(true);
  });

  it("certifying everything in seconds shows on the campaign page as rubber-stamping", async () => {
    const { sam } = conn.personas;
    const id = await securityCampaign("Workloads", { kind: "workload" });
    const items = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT r.id FROM review_items r JOIN identities i ON i.id = r.identity_id
          WHERE r.campaign_id = ${id}::uuid AND i.owner_id IS DISTINCT FROM ${sam.personId}::uuid`,
    );
    expect(items.length).toBeGreaterThanOrEqual(20);
    const out = await decideInBulk(conn.db, sam, {
      itemIds: items.map((x) => x.id),
      decision: "certify",
      comment: "All fine.",
    });
    expect(out.skipped).toEqual([]);
    const { reviewers } = await getCampaign(conn.db, sam, id);
    const queue = reviewers.find((r) => r.reviewerId === null)!;
    expect(queue).toMatchObject({ certified: items.length, stamped: true });
    expect(queue.perMinute).toBeGreaterThan(10);
  });

  it("a reassignment is a hand-over: the attesting owner cannot make one, and an auditor cannot be given one", async () => {
    const { olivia, maya } = conn.personas;
    /** Maya's campaign over Olivia's identities, launched; the first item `reviewer` reviews in it. */
    const firstItem = async (name: string, reviewerRule: string, reviewer: Actor) => {
      const { id } = await createCampaign(conn.db, maya, {
        name,
        scope: { owner: "olivia.owner@example.com" },
        reviewerRule,
        dueOn: DUE,
      });
      await launchCampaign(conn.db, maya, id);
      return (await myReviewItems(conn.db, reviewer)).find((x) => x.campaignId === id)!;
    };
    const attesting = await firstItem("Olivia attests", "owner", olivia);
    const own = await refusal(
      decideReviewItem(conn.db, olivia, {
        itemId: attesting.id,
        decision: "reassign",
        newOwner: "omar.owner@example.com",
      }),
    );
    expect(own.message).toMatch(/Only the owner's manager or security reassigns/);
    const hers = await firstItem("Maya reviews", "owner_manager", maya);
    const auditor = await refusal(
      decideReviewItem(conn.db, maya, { itemId: hers.id, decision: "reassign", newOwner: "ari.auditor@example.com" }),
    );
    expect(auditor.fieldErrors?.newOwner).toEqual(["Auditors own nothing."]);
  });

  it("the creator hands a reviewer's undecided items to someone else with a note; decided ones stay", async () => {
    const { maya, olivia, omar } = conn.personas;
    const { id } = await launchedCampaign(conn.db, maya);
    const [decided] = (await myReviewItems(conn.db, olivia)).filter((x) => x.campaignId === id);
    await decideReviewItem(conn.db, olivia, { itemId: decided!.id, decision: "certify", comment: "In use." });
    const handOver = {
      campaignId: id,
      from: olivia.personId,
      to: "omar.owner@example.com",
      note: "Olivia is on leave.",
    };
    expect(await refusal(handOverItems(conn.db, olivia, handOver))).toMatchObject({ code: "forbidden" });
    expect(await refusal(handOverItems(conn.db, maya, { ...handOver, note: "" }))).toMatchObject({ code: "invalid" });
    const out = await handOverItems(conn.db, maya, handOver);
    // Omar is the backup owner of some of Olivia's identities: those stay with her.
    const rows = await queryRows<{ reviewer: string; decision: string | null; backup: string | null }>(
      conn.db,
      sql`SELECT r.reviewer_id AS reviewer, r.decision, i.backup_owner_id AS backup FROM review_items r
          JOIN identities i ON i.id = r.identity_id WHERE r.campaign_id = ${id}::uuid`,
    );
    const moved = rows.filter((r) => r.reviewer === omar.personId);
    expect(moved).toHaveLength(out.moved);
    expect(moved.every((r) => r.decision === null && r.backup !== omar.personId)).toBe(true);
    expect(rows.filter((r) => r.decision === "certify").map((r) => r.reviewer)).toEqual([olivia.personId]);
    expect(rows.filter((r) => r.reviewer === olivia.personId && r.decision === null)).toHaveLength(out.kept);
    const [told] = await myNotifications(conn.db, omar);
    expect(told!.text).toContain("Olivia is on leave.");
  });
});
