import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { auditCount, refusal, testDatabase } from "@/lib/testing";
import {
  applyCertificationBatch,
  applyClosedCampaigns,
  closeCampaign,
  createCampaign,
  decideReviewItem,
  evidenceCsv,
  launchCampaign,
  listCampaigns,
  myReviewItems,
  previewScope,
} from "./index";
import { csvField } from "./evidence";

// A manager's campaign from draft to close: the scope stays within her reports, launch snapshots
// it into items she reviews, her decisions are applied at close (certify, revoke, reassign, and the
// no-response outcome), and nothing is decided afterwards.

const conn = testDatabase({ identities: 200 });
const at = () => new Date();
const OLIVIA = { owner: "olivia.owner@example.com" };
const campaignInput = (over: Record<string, unknown> = {}) => ({
  name: "Payments Q4 review",
  scope: OLIVIA,
  reviewerRule: "owner_manager",
  fallbackRule: "security",
  dueOn: "2099-01-01",
  noResponse: "revoke",
  ...over,
});
const count = async (table: string) =>
  Number((await queryRows<{ n: number }>(conn.db, sql.raw(`SELECT count(*)::int AS n FROM ${table}`)))[0]!.n);

describe("a manager's campaign", () => {
  it("cannot reach beyond her reports' identities, and an empty scope is refused; neither writes anything", async () => {
    const { maya } = conn.personas;
    const events = await auditCount(conn.db);
    const wide = await refusal(createCampaign(conn.db, maya, campaignInput({ scope: {} })));
    expect(wide.message).toMatch(/only their reports' identities; this filter also reaches/);
    const empty = await refusal(
      createCampaign(conn.db, maya, campaignInput({ scope: { ...OLIVIA, q: "no-such-identity-anywhere" } })),
    );
    expect(empty.message).toMatch(/holds no live identities/);
    expect(await count("campaigns")).toBe(0);
    expect(await auditCount(conn.db)).toBe(events);
    const olivia = await refusal(createCampaign(conn.db, conn.personas.olivia, campaignInput()));
    expect(olivia.code).toBe("forbidden");
  });

  it("launches, is decided by its reviewer only, applies every decision at close and is frozen", async () => {
    const { maya, olivia, omar } = conn.personas;
    const preview = await previewScope(conn.db, maya, OLIVIA, at());
    expect(preview.count).toBeGreaterThan(3);
    const { id } = await createCampaign(conn.db, maya, campaignInput());
    expect(await refusal(launchCampaign(conn.db, olivia, id))).toMatchObject({ code: "forbidden" });
    const { items } = await launchCampaign(conn.db, maya, id);
    expect(items).toBe(preview.count);
    // The list and the campaign page count this campaign's items, not another's.
    const listed = (await listCampaigns(conn.db, maya)).find((c) => c.id === id)!;
    expect(listed).toMatchObject({ items, decided: 0 });

    const mine = (await myReviewItems(conn.db, maya)).filter((x) => x.campaignId === id);
    expect(mine).toHaveLength(items);
    expect(await myReviewItems(conn.db, olivia)).toEqual([]);
    const [a, b, c, d] = mine;
    expect(
      await refusal(decideReviewItem(conn.db, olivia, { itemId: a!.id, decision: "certify", comment: "mine" })),
    ).toMatchObject({
      code: "forbidden",
    });

    await decideReviewItem(conn.db, maya, { itemId: a!.id, decision: "certify", comment: "Still used by checkout." });
    await decideReviewItem(conn.db, maya, { itemId: b!.id, decision: "revoke", comment: "Nobody needs it." });
    await decideReviewItem(conn.db, maya, { itemId: c!.id, decision: "reassign", newOwner: "omar.owner@example.com" });
    const others = mine.slice(4);
    for (const x of others)
      await decideReviewItem(conn.db, maya, { itemId: x.id, decision: "certify", comment: "Fine." });

    const closed = await closeCampaign(conn.db, maya, id);
    expect(closed).toMatchObject({ certified: 1 + others.length, reassigned: 1, noResponse: 1 });
    expect(closed.revocationIds).toHaveLength(2); // b (revoked) and d (nobody answered, outcome revoke)

    const state = async (identityId: string) =>
      (
        await queryRows<{ owner_id: string; next_review_at: string | null; revocations: number }>(
          conn.db,
          sql`SELECT owner_id, next_review_at, (SELECT count(*)::int FROM revocations r WHERE r.identity_id = i.id AND r.status = 'requested') AS revocations
              FROM identities i WHERE id = ${identityId}::uuid`,
        )
      )[0]!;
    // Certifications are applied after the close, in batches: one of one item, then the job does the rest.
    const before = (await state(a!.identityId)).next_review_at;
    const job = { type: "job", id: null, label: "job:test" } as const;
    const pending = sql`SELECT count(*)::int AS n FROM review_items WHERE campaign_id = ${id}::uuid AND decision = 'certify' AND applied IS NULL`;
    expect((await queryRows<{ n: number }>(conn.db, pending))[0]!.n).toBe(1 + others.length);
    expect(await applyCertificationBatch(conn.db, job, id, 1)).toMatchObject({ certified: 1, done: false });
    expect(await applyClosedCampaigns(conn.db, job)).toEqual({ campaigns: 1, certified: others.length });
    expect((await queryRows<{ n: number }>(conn.db, pending))[0]!.n).toBe(0);
    expect(await applyClosedCampaigns(conn.db, job)).toEqual({ campaigns: 0, certified: 0 }); // nothing twice
    const next = (await state(a!.identityId)).next_review_at!;
    expect(next).not.toBe(before);
    expect(new Date(next).getTime()).toBeGreaterThan(Date.now() + 30 * 86_400_000);
    const [scored] = await queryRows<{ factors: string[] }>(
      conn.db,
      sql`SELECT risk_factors AS factors FROM identities WHERE id = ${a!.identityId}::uuid`,
    );
    expect(scored!.factors).not.toContain("review_overdue");
    expect((await state(b!.identityId)).revocations).toBe(1);
    expect((await state(c!.identityId)).owner_id).toBe(omar.personId);
    expect((await state(d!.identityId)).revocations).toBe(1);

    const applied = await queryRows<{
      identity_id: string;
      decision: string;
      applied: string;
      revocation_id: string | null;
      snapshot: unknown;
    }>(
      conn.db,
      sql`SELECT identity_id, decision, applied, revocation_id, snapshot FROM review_items WHERE campaign_id = ${id}::uuid`,
    );
    const of = (identityId: string) => applied.find((x) => x.identity_id === identityId)!;
    expect(of(b!.identityId)).toMatchObject({ decision: "revoke", applied: "revocation requested" });
    expect(of(b!.identityId).revocation_id).not.toBeNull();
    expect(of(d!.identityId)).toMatchObject({ decision: "no_response", applied: "revocation requested (no response)" });
    expect(of(c!.identityId)).toMatchObject({ decision: "reassign", applied: "owner changed" });
    expect(of(a!.identityId).applied).toMatch(/^certified: next review \d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(of(a!.identityId).snapshot)).toContain(a!.identity);

    const frozen = await refusal(
      decideReviewItem(conn.db, maya, { itemId: d!.id, decision: "certify", comment: "late" }),
    );
    expect(frozen).toMatchObject({ code: "conflict" });
    expect(await refusal(closeCampaign(conn.db, maya, id))).toMatchObject({ code: "conflict" });
    const actions = await queryRows<{ action: string }>(
      conn.db,
      sql`SELECT action FROM audit_events WHERE subject_id = ${id} OR (after->>'campaignId') = ${id} ORDER BY seq`,
    );
    expect(new Set(actions.map((x) => x.action))).toEqual(
      new Set([
        "campaign.created",
        "campaign.launched",
        "review.decided",
        "identity.certified",
        "identity.owner_changed",
        "revocation.requested",
        "campaign.closed",
        "campaign.applied",
      ]),
    );
  });

  it("keeps its evidence: every item with its decision, what was applied, and the revocation; auditors read it, an owner cannot", async () => {
    const { maya, ari, olivia } = conn.personas;
    const { id } = await createCampaign(conn.db, maya, campaignInput({ name: "Evidence run", noResponse: "keep" }));
    const { items } = await launchCampaign(conn.db, maya, id);
    const [first] = (await myReviewItems(conn.db, maya)).filter((x) => x.campaignId === id);
    await decideReviewItem(conn.db, maya, { itemId: first!.id, decision: "certify", comment: "=HYPERLINK(evil)" });
    await closeCampaign(conn.db, maya, id);
    const lines: string[] = [];
    for await (const line of (await evidenceCsv(conn.db, ari, id)).lines) lines.push(line);
    expect(lines[0]).toMatch(/^campaign,snapshot_at,item_id,identity,system,reviewer,decision,decided_by,/);
    expect(lines).toHaveLength(items + 1);
    const certified = lines.find((l) => l.includes(first!.identity))!;
    expect(certified).toContain(",certify,Maya Manager,");
    expect(certified).toContain(`"'=HYPERLINK(evil)"`); // a formula is made inert
    expect(lines.filter((l) => l.includes(",no_response,")).length).toBe(items - 1);
    expect(await refusal(evidenceCsv(conn.db, olivia, id))).toMatchObject({ code: "not_found" });
  });

  it("makes spreadsheet formulas inert and quotes what must be quoted", () => {
    expect(csvField("=1+1")).toBe(`"'=1+1"`);
    expect(csvField('say "hi", then go')).toBe(`"say ""hi"", then go"`);
    expect(csvField(null)).toBe("");
    expect(csvField(new Date("2026-12-03T00:00:00Z"))).toBe("2026-12-03T00:00:00.000Z");
  });
});
