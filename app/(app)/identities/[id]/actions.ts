"use server";

import { getDb } from "@/db";
import { actorAction, field, optionalText, text, type ActionOptions } from "@/lib/action";
import { plural } from "@/lib/format";
import { auditActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { invalid } from "@/lib/errors";
import { attestIdentity, editPurpose, handOverIdentity, shortenExpiry } from "@/lib/identities";
import { activePersonIdByEmail } from "@/lib/people";
import { confirmManualRevocation, requestRevocation, runRevocations } from "@/lib/revocations";
import { reviewUsageFlags } from "@/lib/usage";

// Thin: parse the form, call lib/identities with the session's actor, report back. The identity
// id comes from the form, but every function re-checks the actor's relation to that identity.

/** The identity's own page, revalidated after a change to it. */
const identityPage: ActionOptions = {
  revalidate: (form) => {
    const id = field(form, "id");
    return id === undefined ? undefined : `/identities/${id}`;
  },
};

export const attestAction = actorAction(async (actor, form) => {
  const { nextReviewAt } = await attestIdentity(getDb(), actor, form.get("id"));
  return `Attested. Next review ${nextReviewAt.slice(0, 10)}.`;
}, identityPage);

export const editPurposeAction = actorAction(async (actor, form) => {
  await editPurpose(getDb(), actor, { id: form.get("id"), purpose: form.get("purpose") });
  return "Purpose saved.";
}, identityPage);

export const handOverAction = actorAction(async (actor, form) => {
  const email = text(form, "newOwnerEmail");
  if (!email) throw invalid("Ownership was not handed over.", { newOwnerEmail: ["Enter the new owner's email."] });
  const newOwnerId = await activePersonIdByEmail(getDb(), email);
  if (!newOwnerId)
    throw invalid("Ownership was not handed over.", { newOwnerEmail: [`Nobody active has the email ${email}.`] });
  await handOverIdentity(getDb(), actor, { id: form.get("id"), newOwnerId });
  return `Handed over to ${email}.`;
}, identityPage);

export const shortenExpiryAction = actorAction(async (actor, form) => {
  const { expiresAt } = await shortenExpiry(getDb(), actor, { id: form.get("id"), expiresOn: form.get("expiresOn") });
  return `Expiry brought forward to ${expiresAt.slice(0, 10)}.`;
}, identityPage);

/**
 * Revoke: the request is recorded, then the connector runs for it at once, so the person sees
 * where it stands (verified, waiting for a confirmation, or failed and to be retried).
 */
export const revokeAction = actorAction(async (actor, form) => {
  const asked = await requestRevocation(getDb(), actor, {
    identityId: form.get("id"),
    entitlementId: optionalText(form, "entitlementId", { trim: false }),
    reason: form.get("reason") ?? undefined,
  });
  if (!asked.created) return `Already being revoked (${asked.status}): see below.`;
  const run = await runRevocations(getDb(), auditActor(actor), now(), { ids: [asked.id] });
  if (run.verified) return "Revoked, and the target system confirms it.";
  if (run.awaitingConfirmation) return "Asked: this system has no API, so confirm below once the access is removed.";
  return "The target system did not confirm the revocation; it will be retried. See below.";
}, identityPage);

export const confirmRevocationAction = actorAction(async (actor, form) => {
  await confirmManualRevocation(getDb(), actor, {
    revocationId: form.get("revocationId"),
    evidence: form.get("evidence") ?? undefined,
  });
  return "Confirmed: it is revoked.";
}, identityPage);

export const reviewUsageAction = actorAction(async (actor, form) => {
  const { reviewed } = await reviewUsageFlags(getDb(), actor, {
    identityId: field(form, "id"),
    comment: field(form, "comment"),
  });
  return `Marked ${plural(reviewed, "flag")} reviewed.`;
}, identityPage);
