"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { requireActor } from "@/lib/auth/session";
import { attestIdentity, editPurpose, handOverIdentity, shortenExpiry } from "@/lib/identities/identity-actions";
import { activePersonIdByEmail } from "@/lib/people/people";
import { invalid } from "@/lib/errors";
import { auditActor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { confirmManualRevocation } from "@/lib/revocations/confirm";
import { requestRevocation } from "@/lib/revocations/request";
import { runRevocations } from "@/lib/revocations/run";

// Thin: parse the form, call lib/identities with the session's actor, report back. The identity
// id comes from the form, but every function re-checks the actor's relation to that identity.

function done(id: FormDataEntryValue | null, result: ActionResult): ActionResult {
  if (result?.ok && typeof id === "string") revalidatePath(`/identities/${id}`);
  return result;
}

export async function attestAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const id = formData.get("id");
  return done(
    id,
    await toActionResult(async () => {
      const { nextReviewAt } = await attestIdentity(getDb(), actor, id);
      return `Attested. Next review ${nextReviewAt.slice(0, 10)}.`;
    }),
  );
}

export async function editPurposeAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const id = formData.get("id");
  return done(
    id,
    await toActionResult(async () => {
      await editPurpose(getDb(), actor, { id, purpose: formData.get("purpose") });
      return "Purpose saved.";
    }),
  );
}

export async function handOverAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const id = formData.get("id");
  return done(
    id,
    await toActionResult(async () => {
      const email = String(formData.get("newOwnerEmail") ?? "").trim();
      if (!email) throw invalid("Ownership was not handed over.", { newOwnerEmail: ["Enter the new owner's email."] });
      const newOwnerId = await activePersonIdByEmail(getDb(), email);
      if (!newOwnerId)
        throw invalid("Ownership was not handed over.", { newOwnerEmail: [`Nobody active has the email ${email}.`] });
      await handOverIdentity(getDb(), actor, { id, newOwnerId });
      return `Handed over to ${email}.`;
    }),
  );
}

export async function shortenExpiryAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const id = formData.get("id");
  return done(
    id,
    await toActionResult(async () => {
      const { expiresAt } = await shortenExpiry(getDb(), actor, { id, expiresOn: formData.get("expiresOn") });
      return `Expiry brought forward to ${expiresAt.slice(0, 10)}.`;
    }),
  );
}

/**
 * Revoke: the request is recorded, then the connector runs for it at once, so the person sees
 * where it stands (verified, waiting for a confirmation, or failed and to be retried).
 */
export async function revokeAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const id = formData.get("id");
  const entitlementId = String(formData.get("entitlementId") ?? "") || undefined;
  return done(
    id,
    await toActionResult(async () => {
      const asked = await requestRevocation(getDb(), actor, {
        identityId: id,
        entitlementId,
        reason: formData.get("reason") ?? undefined,
      });
      if (!asked.created) return `Already being revoked (${asked.status}): see below.`;
      const run = await runRevocations(getDb(), auditActor(actor), now(), { ids: [asked.id] });
      if (run.verified) return "Revoked, and the target system confirms it.";
      if (run.awaitingConfirmation)
        return "Asked: this system has no API, so confirm below once the access is removed.";
      return "The target system did not confirm the revocation; it will be retried. See below.";
    }),
  );
}

export async function confirmRevocationAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const id = formData.get("id");
  return done(
    id,
    await toActionResult(async () => {
      await confirmManualRevocation(getDb(), actor, {
        revocationId: formData.get("revocationId"),
        evidence: formData.get("evidence") ?? undefined,
      });
      return "Confirmed: it is revoked.";
    }),
  );
}
