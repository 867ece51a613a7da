import "server-only";
import { sql } from "drizzle-orm";
import type { Database } from "@/db";
import { campaignColumns, pick, readRows } from "@/db/columns";
import { lockById } from "@/db/locks";
import { campaigns } from "@/db/schema";
import { record, type AuditActor } from "@/lib/audit";
import { type Actor, auditActor, hasRole, isAuditorOnly, requireCanChange, resolveActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { conflict, forbidden, invalid, notFound, parseInput } from "@/lib/errors";
import { campaignIdSchema, campaignInputSchema } from "./input";
import { activePersonByEmail } from "./people";
import { nextLaunch } from "./recurrence-dates";
import { mayRunCampaigns, previewScope, resolvedScope, storedScope } from "./scope";
import { analyzeItemsIf, FILL_SIZES, insertItems, partsFor, snapshotColumns, type FillSizes } from "./snapshot";

/**
 * A campaign is drafted (its scope, reviewers, due date and outcome), then launched: launch
 * snapshots the scope into review items in one INSERT … SELECT, each with its reviewer chosen
 * set-based by the campaign's rule, falling back when the first choice has left, is missing, or
 * would review their own identity.
 */
export async function createCampaign(db: Database, actor: Actor, raw: unknown): Promise<{ id: string }> {
  requireCanChange(actor);
  if (!mayRunCampaigns(actor)) throw forbidden("Only security and managers run review campaigns.");
  const input = parseInput(campaignInputSchema, raw, "The campaign was not created.");
  const at = now();
  if (input.dueOn.getTime() <= at.getTime())
    throw invalid("The due date must be after today.", { dueOn: ["Choose a day after today."] });
  return db.transaction(async (tx) => {
    const stored = await resolvedScope(tx, storedScope(actor, input.scope).stored);
    const { count } = await previewScope(tx, actor, stored, at);
    if (count === 0)
      throw invalid("That scope holds no live identities: there would be nothing to review.", {
        scope: ["The scope is empty."],
      });
    const named =
      input.reviewerRule === "named" ? await activePersonByEmail(tx, input.reviewer, "reviewer", "the reviewer") : null;
    if (named && isAuditorOnly(named.roles))
      throw invalid(`${named.name} is an auditor: auditors read everything and decide nothing.`, {
        reviewer: ["An auditor cannot review."],
      });
    const [row] = await tx
      .insert(campaigns)
      .values({
        name: input.name,
        scope: stored,
        reviewerRule: input.reviewerRule,
        reviewerId: named?.id ?? null,
        fallbackReviewerRule: input.fallbackRule,
        startsAt: at,
        dueAt: input.dueOn,
        noResponseOutcome: input.noResponse,
        recurrence: input.recurrence,
        reminderEveryDays: input.remindEvery,
        confirmPrivileged: input.confirmPrivileged,
        createdBy: actor.personId,
        createdAt: at,
      })
      .returning({ id: campaigns.id });
    await record(tx, {
      actor: auditActor(actor),
      action: "campaign.created",
      subject: { type: "campaign", id: row!.id },
      after: {
        recurrence: input.recurrence,
        remindEvery: input.remindEvery,
        confirmPrivileged: input.confirmPrivileged,
        name: input.name,
        scope: stored,
        identities: count,
        reviewerRule: input.reviewerRule,
        dueAt: input.dueOn.toISOString(),
        noResponse: input.noResponse,
      },
    });
    return { id: row!.id };
  });
}

/** Who may launch or close a campaign: its creator, or security. */
export function mayManage(actor: Actor, campaign: { createdBy: string }): boolean {
  return mayRunCampaigns(actor) && (campaign.createdBy === actor.personId || hasRole(actor, "security"));
}

const lockedColumns = {
  ...snapshotColumns,
  ...pick(campaignColumns, "noResponseOutcome", "dueAt", "recurrence", "filledAt", "fillNext", "fillParts"),
};

/** A campaign locked for a change, refused unless the actor may manage it. */
export async function lockCampaign(tx: Database, actor: Actor, rawId: unknown) {
  const id = parseInput(campaignIdSchema, rawId, "That campaign id is not valid.");
  const campaign = await lockById(tx, campaigns, lockedColumns, id);
  if (!campaign) throw notFound("That campaign");
  if (!mayManage(actor, campaign)) throw forbidden("Only the campaign's creator or security may do this.");
  return campaign;
}

// The later of the app's clock and the database's: identities are stamped by either.
async function launchMoment(tx: Database, at: Date): Promise<Date> {
  const [row] = await readRows(
    tx,
    { ms: sql<number>`ms`.mapWith(Number) },
    sql`SELECT ceil(extract(epoch FROM greatest(${at.toISOString()}::timestamptz, clock_timestamp())) * 1000)::float8 AS ms`,
  );
  return row ? new Date(row.ms) : at;
}

/**
 * Launches a draft: the scope's live identities become review items, each with its reviewer. The
 * scope is checked again for its creator as it stands now (a manager whose reports changed is
 * refused, not silently narrowed). `by` is who the audit log names (the recurring job, for one).
 */
export async function launchCampaign(
  db: Database,
  actor: Actor,
  rawId: unknown,
  by: AuditActor = auditActor(actor),
  sizes: FillSizes = FILL_SIZES,
): Promise<{ items: number; scopeCount: number; filling: boolean }> {
  requireCanChange(actor);
  const out = await db.transaction(async (tx) => {
    const c = await lockCampaign(tx, actor, rawId);
    if (c.status !== "draft") throw conflict(`This campaign is already ${c.status}.`);
    const creator = await resolveActor(tx, c.createdBy);
    if (!creator || !mayRunCampaigns(creator))
      throw conflict("The campaign's creator has left or no longer runs campaigns; create it again.");
    const at = now();
    if (c.dueAt.getTime() <= at.getTime())
      throw conflict("Its due date has passed: create the campaign again with a later one.");
    // Refuses a scope that now reaches beyond the creator's reports.
    const { count } = await previewScope(tx, creator, c.scope, at);
    if (count === 0) throw conflict("The scope holds no live identities now: there is nothing to review.");
    const inline = count <= sizes.inlineUpTo;
    const items = inline ? await insertItems(tx, c, creator, at) : 0;
    if (inline && items === 0) throw conflict("The scope holds no live identities now: there is nothing to review.");
    // A large scope is taken after this transaction, part by part (snapshot.ts): from the moment
    // of the launch by either clock, so an identity already there is never left out.
    const snapshotAt = inline ? at : await launchMoment(tx, at);
    const fillParts = inline ? null : partsFor(count, sizes.part);
    await tx
      .update(campaigns)
      .set({
        status: "active",
        launchedAt: at,
        startsAt: at,
        itemCount: items,
        scopeCount: count,
        snapshotAt,
        fillParts,
        fillNext: inline ? null : 0,
        filledAt: inline ? at : null,
        nextLaunchAt: nextLaunch(at, c.recurrence),
      })
      .where(sql`${campaigns.id} = ${c.id}::uuid`);
    await record(tx, {
      actor: by,
      action: "campaign.launched",
      subject: { type: "campaign", id: c.id },
      after: inline
        ? { name: c.name, scope: c.scope, items, snapshotAt: at.toISOString() }
        : { name: c.name, scope: c.scope, scopeCount: count, parts: fillParts, snapshotAt: snapshotAt.toISOString() },
    });
    return { items, scopeCount: count, filling: !inline };
  });
  // After the launch's transaction, holding no lock (as a snapshot part does, snapshot.ts).
  await analyzeItemsIf(db, out.items);
  return out;
}
