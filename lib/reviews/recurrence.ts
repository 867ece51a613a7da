import "server-only";
import { and, asc, eq, isNotNull, lte } from "drizzle-orm";
import type { Database } from "@/db";
import { campaignColumns } from "@/db/columns";
import { campaigns } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { resolveActor } from "@/lib/auth";
import { DAY } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { isoDay } from "@/lib/format";
import { launchCampaign } from "./campaigns";
import { nextLaunch } from "./recurrence-dates";
import { mayRunCampaigns } from "./scope";

/**
 * The recurring campaigns' job: every campaign whose next launch is due makes its successor (same
 * scope, reviewers and outcome, due the same span after launch) and launches it as its creator, so
 * the creator's scope rules hold. The next launch is handed on to the successor, so a run that
 * comes late after downtime launches once, not once per missed period, and two runners never
 * launch the same one (SKIP LOCKED). A creator who has left or lost the role ends the series.
 */
export async function launchRecurringCampaigns(
  db: Database,
  by: AuditActor,
  at: Date,
): Promise<{ launched: number; stopped: number; skipped: number }> {
  const out = { launched: 0, stopped: 0, skipped: 0 };
  for (;;) {
    const more = await db.transaction(async (tx) => {
      const [due] = await tx
        .select(campaignColumns)
        .from(campaigns)
        .where(and(isNotNull(campaigns.nextLaunchAt), lte(campaigns.nextLaunchAt, at)))
        .orderBy(asc(campaigns.nextLaunchAt))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!due) return false;
      await tx.update(campaigns).set({ nextLaunchAt: null }).where(eq(campaigns.id, due.id));
      const creator = await resolveActor(tx, due.createdBy);
      if (!creator || !mayRunCampaigns(creator)) {
        await record(tx, {
          actor: by,
          action: "campaign.series_ended",
          subject: { type: "campaign", id: due.id },
          after: { reason: "Its creator has left or no longer runs campaigns." },
        });
        out.stopped++;
        return true;
      }
      // Due the same span after launch as the last one (at least a day, whatever the last one was).
      const span = Math.max(DAY, due.dueAt.getTime() - (due.launchedAt ?? due.startsAt).getTime());
      // The successor keeps the scope, reviewers, outcome, cadence and creator; the rest is its own.
      const {
        id: _id,
        name: _name,
        status: _status,
        startsAt: _startsAt,
        dueAt: _dueAt,
        createdAt: _createdAt,
        ...kept
      } = due;
      const {
        launchedAt: _launchedAt,
        itemCount: _itemCount,
        closedAt: _closedAt,
        nextLaunchAt: _next,
        appliedAt: _appliedAt,
        remindedAt: _remindedAt,
        escalatedAt: _escalatedAt,
        scopeCount: _scopeCount,
        fillParts: _fillParts,
        fillNext: _fillNext,
        snapshotAt: _snapshotAt,
        filledAt: _filledAt,
        ...same
      } = kept;
      try {
        // In a savepoint: a launch that fails leaves no successor behind, and the series goes on.
        await tx.transaction(async (sp) => {
          const [next] = await sp
            .insert(campaigns)
            .values({
              ...same,
              name: `${due.name.replace(/ \(\d{4}-\d{2}-\d{2}\)$/, "")} (${isoDay(at.toISOString())})`,
              startsAt: at,
              dueAt: new Date(at.getTime() + span),
              createdAt: at,
            })
            .returning({ id: campaigns.id });
          await record(sp, {
            actor: by,
            action: "campaign.recurred",
            subject: { type: "campaign", id: next!.id },
            after: { from: due.id, dueAt: new Date(at.getTime() + span).toISOString() },
          });
          await launchCampaign(sp, creator, next!.id, by);
        });
        out.launched++;
      } catch (e) {
        // An empty scope this time waits for the next period; anything else is tried in an hour,
        // and never holds up the other series.
        const expected = e instanceof DomainError;
        const retryAt = expected ? nextLaunch(at, due.recurrence) : new Date(at.getTime() + 3_600_000);
        await tx.update(campaigns).set({ nextLaunchAt: retryAt }).where(eq(campaigns.id, due.id));
        await record(tx, {
          actor: by,
          action: expected ? "campaign.launch_skipped" : "campaign.launch_failed",
          subject: { type: "campaign", id: due.id },
          after: { reason: e instanceof Error ? e.message : String(e), retryAt: retryAt?.toISOString() ?? null },
        });
        out.skipped++;
      }
      return true;
    });
    if (!more) return out;
  }
}
