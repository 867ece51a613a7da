import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { queryRows, type Database } from "@/db";
import { lockById } from "@/db/locks";
import { identityAccessColumns, pick, identityColumns } from "@/db/columns";
import { identities } from "@/db/schema";
import { record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, notFound, parseInput } from "@/lib/errors";
import { isoOrNull } from "@/lib/format";
import { canRevoke, canSee, identityScopeSql, relationTo } from "@/lib/identities";
import { isGuid, prose } from "@/lib/validation";

/** An open flag of unusual use, as the identity's page shows it. */
export type UsageFlag = {
  id: string;
  reason: "new_source" | "interactive";
  source: Record<string, unknown>;
  usedAt: string;
  flaggedAt: string;
};

export const FLAG_LABELS: Record<UsageFlag["reason"], string> = {
  new_source: "Used from a source it has never used before",
  interactive: "Used interactively by a person (OWASP NHI10)",
};

/** The identity's open flags, newest first (up to 50), for those who may see it. */
export async function openUsageFlags(db: Database, actor: Actor, identityId: unknown): Promise<UsageFlag[]> {
  if (!isGuid(identityId)) throw notFound("That identity");
  const [row] = await db
    .select(identityAccessColumns)
    .from(identities)
    .where(sql`${identities.id} = ${identityId}::uuid`);
  if (!row || !canSee(await relationTo(db, actor, row))) throw notFound("That identity");
  const rows = await queryRows<{
    id: string;
    reason: UsageFlag["reason"];
    source: unknown;
    used_at: Date | string;
    flagged_at: Date | string;
  }>(
    db,
    sql`SELECT id, reason, source, used_at, flagged_at FROM usage_flags
        WHERE identity_id = ${identityId}::uuid AND reviewed_at IS NULL ORDER BY flagged_at DESC, id LIMIT 50`,
  );
  return rows.map((r) => ({
    id: r.id,
    reason: r.reason,
    source: (typeof r.source === "string" ? JSON.parse(r.source) : r.source) as Record<string, unknown>,
    usedAt: isoOrNull(r.used_at)!,
    flaggedAt: isoOrNull(r.flagged_at)!,
  }));
}

/**
 * The overview's count: identities in the actor's scope with unusual use not yet reviewed, and the
 * latest few flagged (to open each).
 */
export async function unusualUseSummary(
  db: Database,
  actor: Actor,
): Promise<{ count: number; latest: { id: string; name: string }[] }> {
  const scope = identityScopeSql(actor);
  const where = sql`f.reviewed_at IS NULL${scope ? sql` AND ${scope}` : sql``}`;
  const [counted, latest] = await Promise.all([
    queryRows<{ n: number }>(
      db,
      sql`SELECT count(DISTINCT f.identity_id)::int AS n FROM usage_flags f JOIN identities i ON i.id = f.identity_id WHERE ${where}`,
    ),
    queryRows<{ id: string; name: string }>(
      db,
      sql`SELECT i.id, i.name FROM identities i
          JOIN (SELECT f.identity_id, max(f.flagged_at) AS at FROM usage_flags f JOIN identities i ON i.id = f.identity_id
                WHERE ${where} GROUP BY f.identity_id ORDER BY at DESC LIMIT 5) x ON x.identity_id = i.id
          ORDER BY x.at DESC`,
    ),
  ]);
  return { count: Number(counted[0]?.n ?? 0), latest };
}

const reviewSchema = z.object({
  identityId: z.guid("That identity id is not valid."),
  comment: prose("Say what the unusual use was.", 5, 2000),
});

/**
 * Marks the identity's open flags reviewed, with what the use turned out to be. Those who answer
 * for the identity (its owners, their managers) and security; the identity row is locked, so two
 * reviewers at once record one review.
 */
export async function reviewUsageFlags(db: Database, actor: Actor, raw: unknown): Promise<{ reviewed: number }> {
  requireCanChange(actor);
  const input = parseInput(reviewSchema, raw, "Nothing was marked reviewed.");
  return db.transaction(async (tx) => {
    const row = await lockById(
      tx,
      identities,
      { ...identityAccessColumns, ...pick(identityColumns, "name") },
      input.identityId,
    );
    if (!row) throw notFound("That identity");
    const rel = await relationTo(tx, actor, row);
    if (!canSee(rel)) throw notFound("That identity");
    if (!canRevoke(rel)) throw forbidden("Its owners, their managers and security review its unusual use.");
    const done = await queryRows<{ id: string }>(
      tx,
      sql`UPDATE usage_flags SET reviewed_at = ${now().toISOString()}::timestamptz, reviewed_by = ${actor.personId}::uuid, review_comment = ${input.comment}
          WHERE identity_id = ${input.identityId}::uuid AND reviewed_at IS NULL RETURNING id`,
    );
    if (!done.length) throw conflict(`${row.name} has no unusual use waiting for review.`);
    await record(tx, {
      actor: auditActor(actor),
      action: "identity.unusual_use_reviewed",
      subject: { type: "identity", id: input.identityId },
      after: { flags: done.length, comment: input.comment },
    });
    return { reviewed: done.length };
  });
}
