"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { requireActor } from "@/lib/auth/session";
import { after } from "next/server";
import { auditActor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { bulkAttest } from "@/lib/identities/identity-actions";
import { bulkRevoke } from "@/lib/revocations/bulk";
import { runRevocations } from "@/lib/revocations/run";

export async function bulkAttestAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const { count } = await bulkAttest(getDb(), actor, formData.getAll("ids"));
    return `Attested ${count} ${count === 1 ? "identity" : "identities"}: the next review moved out by the policy period.`;
  });
  if (result?.ok) revalidatePath("/identities");
  return result;
}

/** Revokes a selection (all or nothing); the connectors run after the answer is sent. */
export async function bulkRevokeAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const { requested, alreadyInFlight } = await bulkRevoke(getDb(), actor, {
      ids: formData.getAll("ids"),
      reason: formData.get("reason") ?? undefined,
    });
    if (requested.length)
      after(() =>
        runRevocations(getDb(), auditActor(actor), now(), { ids: requested, limit: requested.length }).then(
          () => undefined,
        ),
      );
    return `${requested.length} ${requested.length === 1 ? "revocation" : "revocations"} requested${alreadyInFlight ? `; ${alreadyInFlight} already under way` : ""}. Follow them on the Revocations page.`;
  });
  if (result?.ok) revalidatePath("/identities");
  return result;
}
