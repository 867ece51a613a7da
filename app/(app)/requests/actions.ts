"use server";

import { after } from "next/server";
import { getDb } from "@/db";
import { auditActor, type Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { grantsOfRequests, runRevocations } from "@/lib/revocations";
import { actorAction, optionalText, type ActionError, type FormState } from "@/lib/action";
import { leftOut, plural } from "@/lib/format";
import type { PolicyDecision } from "@/lib/policy";
import {
  approveStandardInBulk,
  cancelRequest,
  decideStage,
  requestFromForm,
  previewRequest,
  submitRequest,
} from "@/lib/requests";

// Thin: the form's fields become the request input (lib/requests/form.ts); lib/requests parses,
// authorizes and decides. The session's actor is the requester, never a field of the form.

export type SubmitState = FormState;

/**
 * An approval that grants an entitlement queues its grant; it is carried out in the target system
 * right after the answer is sent (the lifecycle job picks up whatever this misses).
 */
function carryOutGrants(actor: Actor, requestIds: string[]) {
  after(async () => {
    const ids = await grantsOfRequests(getDb(), requestIds);
    if (ids.length) await runRevocations(getDb(), auditActor(actor), now(), { ids, limit: ids.length });
  });
}

/** Submits, then opens the new request; a refused form keeps what was typed. */
export const submitRequestAction = actorAction(
  async (actor, form) => {
    const { id, status } = await submitRequest(getDb(), actor, await requestFromForm(getDb(), form));
    if (status === "fulfilled") carryOutGrants(actor, [id]);
    return { redirect: `/requests/${id}` };
  },
  { revalidate: "/requests", keepValues: true },
);

export type PreviewState = { decision: PolicyDecision } | ActionError | null;

/** The dry run behind the form's live verdict: nothing is written. */
export const previewRequestAction = actorAction.preview(async (actor, form) => ({
  decision: await previewRequest(getDb(), actor, await requestFromForm(getDb(), form)),
}));

/** The request's own page. */
const requestPage = (form: FormData) => `/requests/${String(form.get("requestId"))}`;

export const decideAction = actorAction(
  async (actor, form) => {
    const outcome = await decideStage(getDb(), actor, {
      requestId: form.get("requestId"),
      decision: form.get("decision"),
      comment: optionalText(form, "comment"),
      shortenTo: optionalText(form, "shortenTo"),
    });
    if (outcome.status === "fulfilled") carryOutGrants(actor, [String(form.get("requestId"))]);
    if (outcome.policyDenials)
      return `Approved, but policy, looking again now, refuses it: ${outcome.policyDenials.join(" ")} The request is closed as denied.`;
    if (outcome.addedStages)
      return `Approved. Policy, looking again now, also needs ${outcome.addedStages.map((s) => (s === "owner_manager" ? "the owner's manager" : s)).join(" and ")}: it waits for that stage.`;
    return outcome.status === "fulfilled"
      ? "Approved: the request is carried out (a grant is shown as granted once the system confirms it)."
      : outcome.status === "denied"
        ? "Denied."
        : "Approved: it moves to the next stage.";
  },
  { revalidate: (form) => [requestPage(form), "/requests"] },
);

export const cancelAction = actorAction(
  async (actor, form) => {
    await cancelRequest(getDb(), actor, form.get("requestId"));
    return "Cancelled.";
  },
  { revalidate: requestPage },
);

export const bulkApproveAction = actorAction(
  async (actor, form) => {
    const out = await approveStandardInBulk(getDb(), actor, { requestIds: form.getAll("ids") });
    carryOutGrants(
      actor,
      form.getAll("ids").filter((v): v is string => typeof v === "string"),
    );
    return `Approved ${plural(out.approved, "request")} (${out.fulfilled} carried out).${leftOut("Not approved", out.skipped)}`;
  },
  { revalidate: "/requests" },
);
