import "server-only";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db";
import { identities, reviewItems, revocations } from "@/db/schema";
import { hasRole, type Actor } from "@/lib/auth";
import { forbidden } from "@/lib/errors";
import { mayManage } from "./campaigns";
import { getCampaign } from "./read";

/**
 * A campaign's evidence, as an auditor accepts it: the scope and how it was computed (the filter,
 * the snapshot time and its row count), then per item who decided what and when, what they were
 * shown (kept with the decision), what closing applied, and the revocation's verification. Read by
 * the campaign's creator, security and auditors; decisions are frozen once the campaign closes.
 */
const r = alias(reviewItems, "r");
const i = alias(identities, "i");
const v = alias(revocations, "v");
const name = (column: string) => sql<string | null>`(SELECT name FROM users WHERE id = ${sql.raw(column)})`;

const evidenceColumns = {
  id: r.id,
  identity: i.name,
  system: sql<string>`(SELECT name FROM systems WHERE id = i.system_id)`,
  reviewer: name("r.reviewer_id"),
  decision: r.decision,
  decidedBy: name("r.decided_by"),
  decidedAt: r.decidedAt,
  comment: r.comment,
  confirmedBy: name("r.confirmed_by"),
  confirmedAt: r.confirmedAt,
  shown: r.snapshot,
  newOwner: name("r.reassign_to_id"),
  applied: r.applied,
  revocation: v.status,
  verifiedAt: v.verifiedAt,
};

export const EVIDENCE_BATCH = 2_000;

async function readable(db: Database, actor: Actor, campaignId: unknown) {
  const detail = await getCampaign(db, actor, campaignId);
  if (!mayManage(actor, detail.campaign) && !hasRole(actor, "auditor", "security"))
    throw forbidden("Only the campaign's creator, security and auditors read its evidence.");
  return detail;
}

/** One batch of evidence rows after `after` (an item id), in item-id order. */
async function batch(db: Database, campaignId: string, after: string | null, limit: number) {
  return db
    .select(evidenceColumns)
    .from(r)
    .innerJoin(i, eq(i.id, r.identityId))
    .leftJoin(v, eq(v.id, r.revocationId))
    .where(and(eq(r.campaignId, campaignId), after ? gt(r.id, after) : undefined))
    .orderBy(asc(r.id))
    .limit(limit);
}
export type EvidenceRow = Awaited<ReturnType<typeof batch>>[number];

/** The campaign and its first `limit` evidence rows (the printable page). */
export async function campaignEvidence(db: Database, actor: Actor, campaignId: unknown, limit = 1_000) {
  const detail = await readable(db, actor, campaignId);
  return { ...detail, rows: await batch(db, detail.campaign.id, null, limit) };
}

const CSV_HEADER = [
  "campaign",
  "snapshot_at",
  "item_id",
  "identity",
  "system",
  "reviewer",
  "decision",
  "decided_by",
  "decided_at",
  "comment",
  "confirmed_by",
  "confirmed_at",
  "new_owner",
  "shown_owner",
  "shown_last_used_at",
  "shown_risk",
  "shown_suggestion",
  "applied",
  "revocation",
  "revocation_verified_at",
];

/** A CSV field: quoted when it must be, and a leading =, +, -, @ made inert (CSV injection). */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(inert) || inert !== text ? `"${inert.replace(/"/g, '""')}"` : inert;
}

function csvLine(c: { name: string; launchedAt: Date | null }, row: EvidenceRow): string {
  const shown = (row.shown ?? {}) as {
    owner?: string;
    lastUsedAt?: string;
    riskScore?: number;
    suggestion?: { decision: string; reason: string } | null;
  };
  return [
    c.name,
    c.launchedAt,
    row.id,
    row.identity,
    row.system,
    row.reviewer ?? "Security (shared queue)",
    row.decision ?? "waiting",
    row.decidedBy,
    row.decidedAt,
    row.comment,
    row.confirmedBy,
    row.confirmedAt,
    row.newOwner,
    shown.owner,
    shown.lastUsedAt,
    shown.riskScore,
    shown.suggestion ? `${shown.suggestion.decision}: ${shown.suggestion.reason}` : "",
    row.applied,
    row.revocation,
    row.verifiedAt,
  ]
    .map(csvField)
    .join(",");
}

/** Every item's evidence as CSV lines (the header first), read in batches. */
export async function evidenceCsv(db: Database, actor: Actor, campaignId: unknown) {
  const { campaign: c } = await readable(db, actor, campaignId);
  async function* lines(): AsyncGenerator<string> {
    yield `${CSV_HEADER.join(",")}\n`;
    let after: string | null = null;
    for (;;) {
      const rows = await batch(db, c.id, after, EVIDENCE_BATCH);
      for (const row of rows) yield `${csvLine(c, row)}\n`;
      if (rows.length < EVIDENCE_BATCH) return;
      after = rows.at(-1)!.id;
    }
  }
  return { campaign: c, lines: lines() };
}
