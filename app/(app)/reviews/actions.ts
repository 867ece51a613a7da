"use server";

import { after } from "next/server";
import { getDb } from "@/db";
import { actorAction, fields, optionalText } from "@/lib/action";
import { auditActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { leftOut, plural } from "@/lib/format";
import {
  applyCertifications,
  closeCampaign,
  confirmReviewItem,
  createCampaign,
  decideInBulk,
  decideReviewItem,
  fillCampaign,
  handOverItems,
  launchCampaign,
} from "@/lib/reviews";
import { runRevocations } from "@/lib/revocations";

// Thin: the form's fields become the input; lib/reviews parses, authorizes and decides.

/**
 * Fields named `<prefix>.<param>` as { param: value }: a campaign's scope (the inventory's
 * parameters, `scope.*`) and a bulk decision's filter of the queue (`filter.*`).
 */
function prefixed(form: FormData, prefix: "scope" | "filter"): Record<string, string> {
  return Object.fromEntries(
    [...form.entries()]
      .filter(([k, v]) => k.startsWith(`${prefix}.`) && typeof v === "string" && v !== "")
      .map(([k, v]) => [k.slice(prefix.length + 1), v as string]),
  );
}

export const createCampaignAction = actorAction(
  async (actor, form) => {
    const { id } = await createCampaign(getDb(), actor, {
      ...fields(
        form,
        "name",
        "reviewerRule",
        "reviewer",
        "fallbackRule",
        "dueOn",
        "noResponse",
        "recurrence",
        "remindEvery",
        "confirmPrivileged",
      ),
      scope: prefixed(form, "scope"),
    });
    return { redirect: `/reviews/${id}` };
  },
  { revalidate: "/reviews", keepValues: true },
);

const campaignPage = (form: FormData) => [`/reviews/${String(form.get("campaignId"))}`, "/reviews"];

export const launchCampaignAction = actorAction(
  async (actor, form) => {
    const id = form.get("campaignId");
    const out = await launchCampaign(getDb(), actor, id);
    if (!out.filling) return `Launched: ${plural(out.items, "item")} to review.`;
    // A large scope is snapshotted after the answer is sent; the lifecycle job resumes it after a restart.
    const by = auditActor(actor);
    after(() => fillCampaign(getDb(), by, String(id)).then(() => undefined));
    return `Launched: the snapshot of ${plural(out.scopeCount, "identity", "identities", { grouped: true })} is being taken; reviewers see their items as they arrive.`;
  },
  { revalidate: campaignPage },
);

export const closeCampaignAction = actorAction(
  async (actor, form) => {
    const out = await closeCampaign(getDb(), actor, form.get("campaignId"));
    // Certifications are applied and revocations run after the answer is sent; the lifecycle job
    // finishes what a restart interrupts, and retries failed revocations.
    const ids = out.revocationIds;
    const by = auditActor(actor);
    after(() => applyCertifications(getDb(), by, out.id).then(() => undefined));
    if (ids.length) after(() => runRevocations(getDb(), by, now(), { ids, limit: ids.length }).then(() => undefined));
    return `Closed: ${plural(out.certified, "identity", "identities")} certified, ${plural(out.reassigned, "owner")} changed, ${plural(ids.length, "revocation")} requested, ${plural(out.noResponse, "item")} without an answer${out.suspended ? ` (${out.suspended} suspended)` : ""}.`;
  },
  { revalidate: campaignPage },
);

export const decideItemAction = actorAction(
  async (actor, form) => {
    const { decision } = await decideReviewItem(getDb(), actor, {
      ...fields(form, "itemId", "decision", "newOwner"),
      comment: optionalText(form, "comment"),
    });
    return decision === "certify"
      ? "Certified."
      : decision === "revoke"
        ? "Marked for revocation at close."
        : "Marked for reassignment at close.";
  },
  { revalidate: "/reviews/mine" },
);

export const bulkDecideAction = actorAction(
  async (actor, form) => {
    // A selection (ids), or everything a filter of the queue matches (filter.* fields).
    const filter = prefixed(form, "filter");
    const out = await decideInBulk(getDb(), actor, {
      ...(Object.keys(filter).length ? { filter } : { itemIds: form.getAll("ids") }),
      decision: form.get("decision"),
      comment: optionalText(form, "comment"),
    });
    const more = out.more ? " More match: run it again for the rest." : "";
    return `Decided ${plural(out.decided, "item")}.${leftOut("Not decided", out.skipped)}${more}`;
  },
  { revalidate: "/reviews/mine" },
);

export const confirmItemAction = actorAction(
  async (actor, form) => {
    const { answer } = await confirmReviewItem(getDb(), actor, {
      ...fields(form, "itemId", "answer"),
      comment: optionalText(form, "comment"),
    });
    return answer === "confirm" ? "Certification confirmed." : "Overturned: marked for revocation at close.";
  },
  { revalidate: "/reviews/mine" },
);

export const handOverAction = actorAction(
  async (actor, form) => {
    const out = await handOverItems(getDb(), actor, fields(form, "campaignId", "from", "to", "note"));
    return `Handed ${plural(out.moved, "item")} to ${out.to}.${out.kept ? ` ${plural(out.kept, "item")} stayed: ${out.to} owns them.` : ""}`;
  },
  { revalidate: campaignPage, keepValues: true },
);
