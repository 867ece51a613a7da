"use server";

import { after } from "next/server";
import { getDb } from "@/db";
import { actorAction, optionalText, text } from "@/lib/action";
import { type Actor, auditActor } from "@/lib/auth";
import { completePostUseReview, decideBreakGlass, endBreakGlass, requestBreakGlass } from "@/lib/break-glass";
import { now } from "@/lib/clock";
import { runRevocations } from "@/lib/revocations";

// Thin: the form's fields become the input; lib/break-glass parses, authorizes and decides.

/** Carries out, right after the answer, the grant or revocation the change just queued (the job catches what this misses). */
function carryOut(actor: Actor, id: string | null) {
  if (id) after(() => runRevocations(getDb(), auditActor(actor), now(), { ids: [id], limit: 1 }).then(() => undefined));
}

const page = (form: FormData) => `/break-glass/${String(form.get("id"))}`;

export const requestBreakGlassAction = actorAction(
  async (actor, form) => {
    const out = await requestBreakGlass(getDb(), actor, {
      identityId: text(form, "identityId"),
      resource: optionalText(form, "resource"),
      permission: optionalText(form, "permission"),
      justification: text(form, "justification"),
      incidentRef: text(form, "incidentRef"),
      hours: text(form, "hours"),
      startsAt: optionalText(form, "startsAt"),
    });
    carryOut(actor, out.grantId);
    return { redirect: `/break-glass/${out.id}` };
  },
  { revalidate: "/break-glass", keepValues: true },
);

export const decideBreakGlassAction = actorAction(
  async (actor, form) => {
    const out = await decideBreakGlass(getDb(), actor, {
      id: form.get("id"),
      decision: form.get("decision"),
      comment: optionalText(form, "comment"),
    });
    carryOut(actor, out.grantId);
    return out.status === "denied"
      ? "Denied: the requester is told."
      : out.status === "active"
        ? "Approved: the access is open now."
        : "Approved: it opens at its start.";
  },
  { revalidate: (form) => [page(form), "/break-glass"] },
);

export const endBreakGlassAction = actorAction(
  async (actor, form) => {
    const { revocationId } = await endBreakGlass(getDb(), actor, { id: form.get("id") });
    carryOut(actor, revocationId);
    return revocationId
      ? "Ended: the access is being removed, and its post-use review is open."
      : "Ended: its post-use review is open.";
  },
  { revalidate: (form) => [page(form), "/break-glass"] },
);

export const reviewBreakGlassAction = actorAction(
  async (actor, form) => {
    await completePostUseReview(getDb(), actor, {
      id: form.get("id"),
      comment: text(form, "comment"),
      requireRotation: form.get("requireRotation"),
    });
    return "Reviewed.";
  },
  { revalidate: (form) => [page(form), "/break-glass"] },
);
