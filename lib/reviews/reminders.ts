import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { readRows } from "@/db/columns";
import { inAuditBatch, record, type AuditActor } from "@/lib/audit";

/**
 * Keeping a campaign moving, in the app's bell (notifications), run by the lifecycle job:
 * - every `reminder_every_days` until the due date, each reviewer with items still waiting is told
 *   how many (nobody with nothing left is nagged);
 * - at the due date the items still waiting are escalated once: the reviewer's manager may decide
 *   them too, or security's shared queue when there is no manager who could (left, an auditor, or
 *   the identity's owner). The reviewer, whoever they went to and the campaign's creator are told.
 * Each campaign is handled in its own transaction, its row locked and its state checked again, so
 * two runs at once remind and escalate once.
 */
export type Nudged = { reminded: number; escalated: number; notified: number };

const SECURITY = sql`(SELECT id FROM users WHERE 'security' = ANY(roles) AND status = 'active')`;
const items = (n: SQL) => sql`${n} || CASE WHEN ${n} = 1 THEN ' item' ELSE ' items' END`;

export async function remindAndEscalate(db: Database, by: AuditActor, at: Date): Promise<Nudged> {
  const iso = sql`${at.toISOString()}::timestamptz`;
  const remindable = sql`status = 'active' AND reminder_every_days IS NOT NULL AND due_at > ${iso}
    AND coalesce(reminded_at, launched_at) + make_interval(days => reminder_every_days) <= ${iso}`;
  const escalatable = sql`status = 'active' AND due_at <= ${iso} AND escalated_at IS NULL`;
  const out: Nudged = { reminded: 0, escalated: 0, notified: 0 };
  const due = await readRows(
    db,
    { id: sql<string>`id`, escalate: sql<boolean>`escalate` },
    sql`SELECT id, (${escalatable}) AS escalate FROM campaigns WHERE (${remindable}) OR (${escalatable}) ORDER BY id`,
  );
  for (const c of due) {
    await db.transaction(async (tx) =>
      inAuditBatch(tx, async () => {
        const [locked] = await readRows(
          tx,
          { id: sql<string>`id`, name: sql<string>`name`, day: sql<string>`day` },
          sql`SELECT id, name, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM campaigns WHERE id = ${c.id}::uuid AND ${c.escalate ? escalatable : remindable} FOR UPDATE`,
        );
        if (!locked) return; // another run got there first
        if (c.escalate) {
          const n = await escalate(tx, locked, iso);
          out.escalated += n.items;
          out.notified += n.notified;
          await record(tx, {
            actor: by,
            action: "campaign.escalated",
            subject: { type: "campaign", id: c.id },
            after: n,
          });
        } else {
          const notified = await remind(tx, locked, iso);
          out.reminded += 1;
          out.notified += notified;
          await record(tx, {
            actor: by,
            action: "campaign.reminded",
            subject: { type: "campaign", id: c.id },
            after: { notified },
          });
        }
      }),
    );
  }
  return out;
}

type Locked = { id: string; name: string; day: string };

async function remind(tx: Database, c: Locked, iso: SQL): Promise<number> {
  const due = c.day;
  const [row] = await readRows(
    tx,
    { n: sql<number>`n`.mapWith(Number) },
    sql`WITH waiting AS (
          SELECT reviewer_id, count(*)::int AS n FROM review_items
          WHERE campaign_id = ${c.id}::uuid AND decision IS NULL GROUP BY reviewer_id),
        recipients AS (
          SELECT w.reviewer_id AS recipient, w.n FROM waiting w JOIN users u ON u.id = w.reviewer_id AND u.status = 'active'
          UNION ALL
          SELECT s.id, w.n FROM waiting w CROSS JOIN ${SECURITY} s WHERE w.reviewer_id IS NULL),
        sent AS (
          INSERT INTO notifications (recipient_id, kind, text, href, campaign_id, created_at)
          SELECT recipient, 'review_reminder', ${items(sql`n`)} || ' wait for your review in "' || ${c.name} || '", due ' || ${due},
            '/reviews/mine', ${c.id}::uuid, ${iso} FROM recipients RETURNING 1)
        SELECT count(*)::int AS n FROM sent`,
  );
  await tx.execute(sql`UPDATE campaigns SET reminded_at = ${iso} WHERE id = ${c.id}::uuid`);
  return row?.n ?? 0;
}

async function escalate(tx: Database, c: Locked, iso: SQL): Promise<{ items: number; notified: number }> {
  // The reviewer's manager, if they could decide it: still here, not only an auditor, not the
  // identity's owner or backup; else security's queue (NULL).
  const manager = sql`(SELECT m.id FROM users rv JOIN users m ON m.id = rv.manager_id JOIN identities i ON i.id = r.identity_id
    WHERE rv.id = r.reviewer_id AND m.status = 'active' AND m.id <> rv.id AND NOT (m.roles <@ '{auditor}'::role[])
      AND m.id IS DISTINCT FROM i.owner_id AND m.id IS DISTINCT FROM i.backup_owner_id)`;
  const [row] = await readRows(
    tx,
    { items: sql<number>`items`.mapWith(Number), notified: sql<number>`notified`.mapWith(Number) },
    sql`WITH moved AS (
          UPDATE review_items r SET escalated_at = ${iso}, escalated_to_id = ${manager}
          WHERE r.campaign_id = ${c.id}::uuid AND r.decision IS NULL
          RETURNING r.reviewer_id, r.escalated_to_id),
        pairs AS (
          SELECT m.reviewer_id, m.escalated_to_id, count(*)::int AS n, coalesce(rv.name, 'the security queue') AS reviewer,
            coalesce(up.name, 'security') AS upward
          FROM moved m LEFT JOIN users rv ON rv.id = m.reviewer_id LEFT JOIN users up ON up.id = m.escalated_to_id
          GROUP BY 1, 2, 4, 5),
        told AS (
          -- Whoever it went up to (security's queue: each member of security).
          SELECT coalesce(p.escalated_to_id, s.id) AS recipient, 'review_escalated' AS kind, '/reviews/mine' AS href,
            ${items(sql`p.n`)} || ' of ' || p.reviewer || ' in "' || ${c.name} || '" are overdue and now wait for you too' AS text
          FROM pairs p LEFT JOIN ${SECURITY} s ON p.escalated_to_id IS NULL WHERE p.reviewer_id IS NOT NULL
          UNION ALL
          -- The reviewer themselves.
          SELECT p.reviewer_id, 'review_overdue', '/reviews/mine',
            ${items(sql`p.n`)} || ' of yours in "' || ${c.name} || '" are overdue: ' || p.upward || ' may decide them now'
          FROM pairs p JOIN users u ON u.id = p.reviewer_id AND u.status = 'active'
          UNION ALL
          -- Security's own queue has nobody above it: its members are told it is overdue.
          SELECT s.id, 'review_overdue', '/reviews/mine', ${items(sql`p.n`)} || ' in the security queue of "' || ${c.name} || '" are overdue'
          FROM pairs p CROSS JOIN ${SECURITY} s WHERE p.reviewer_id IS NULL
          UNION ALL
          -- Whoever runs the campaign.
          SELECT cc.created_by, 'review_overdue', '/reviews/' || cc.id::text,
            '"' || ${c.name} || '" is past its due date with ' || ${items(sql`(SELECT sum(n) FROM pairs)`)} || ' undecided'
          FROM campaigns cc WHERE cc.id = ${c.id}::uuid AND EXISTS (SELECT 1 FROM pairs)),
        sent AS (
          INSERT INTO notifications (recipient_id, kind, text, href, campaign_id, created_at)
          SELECT recipient, kind, text, href, ${c.id}::uuid, ${iso} FROM told WHERE recipient IS NOT NULL RETURNING 1)
        SELECT (SELECT count(*)::int FROM moved) AS items, (SELECT count(*)::int FROM sent) AS notified`,
  );
  await tx.execute(sql`UPDATE campaigns SET escalated_at = ${iso} WHERE id = ${c.id}::uuid`);
  return { items: row?.items ?? 0, notified: row?.notified ?? 0 };
}
