"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { requireActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import type { PolicyDecision } from "@/lib/policy/evaluate";
import { approveStandardInBulk, cancelRequest, decideStage } from "@/lib/requests/decide";
import { requestFromForm } from "@/lib/requests/form";
import { previewRequest, submitRequest } from "@/lib/requests/submit";

// Thin: the form's fields become the request input (lib/requests/form.ts); lib/requests parses,
// authorizes and decides. The session's actor is the requester, never a field of the form.

export type SubmitState = (ActionResult & { values?: Record<string, string> }) | null;

export async function submitRequestAction(_prev: SubmitState, formData: FormData): Promise<SubmitState> {
  const actor = await requireActor();
  const values = Object.fromEntries([...formData.entries()].filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
  let id: string | null = null;
  const result = await toActionResult(async () => {
    const submitted = await submitRequest(getDb(), actor, await requestFromForm(getDb(), formData));
    id = submitted.id;
  });
  if (result?.ok && id) {
    revalidatePath("/requests");
    redirect(`/requests/${id}`);
  }
  return { ...result!, values };
}

export type PreviewState =
  { decision: PolicyDecision } | { error: string; fieldErrors?: Record<string, string[]> } | null;

/** The dry run behind the form's live verdict: nothing is written. */
export async function previewRequestAction(formData: FormData): Promise<PreviewState> {
  const actor = await requireActor();
  try {
    return { decision: await previewRequest(getDb(), actor, await requestFromForm(getDb(), formData)) };
  } catch (e) {
    if (e instanceof DomainError) return { error: e.message, fieldErrors: e.fieldErrors };
    throw e;
  }
}

export async function decideAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const requestId = formData.get("requestId");
  const result = await toActionResult(async () => {
    const shortenTo = String(formData.get("shortenTo") ?? "").trim();
    const outcome = await decideStage(getDb(), actor, {
      requestId,
      decision: formData.get("decision"),
      comment: String(formData.get("comment") ?? "").trim() || undefined,
      shortenTo: shortenTo || undefined,
    });
    if (outcome.policyDenials)
      return `Approved, but policy, looking again now, refuses it: ${outcome.policyDenials.join(" ")} The request is closed as denied.`;
    if (outcome.addedStages)
      return `Approved. Policy, looking again now, also needs ${outcome.addedStages.map((s) => (s === "owner_manager" ? "the owner's manager" : s)).join(" and ")}: it waits for that stage.`;
    return outcome.status === "fulfilled"
      ? "Approved: the request is carried out."
      : outcome.status === "denied"
        ? "Denied."
        : "Approved: it moves to the next stage.";
  });
  if (result?.ok) {
    revalidatePath(`/requests/${String(requestId)}`);
    revalidatePath("/requests");
  }
  return result;
}

export async function cancelAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const requestId = formData.get("requestId");
  const result = await toActionResult(async () => {
    await cancelRequest(getDb(), actor, requestId);
    return "Cancelled.";
  });
  if (result?.ok) revalidatePath(`/requests/${String(requestId)}`);
  return result;
}

export async function bulkApproveAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const out = await approveStandardInBulk(getDb(), actor, { requestIds: formData.getAll("ids") });
    const skipped = out.skipped.length
      ? ` Not approved: ${out.skipped.length} (${[...new Set(out.skipped.map((s) => s.reason))].join(" ")})`
      : "";
    return `Approved ${out.approved} ${out.approved === 1 ? "request" : "requests"} (${out.fulfilled} carried out).${skipped}`;
  });
  if (result?.ok) revalidatePath("/requests");
  return result;
}
