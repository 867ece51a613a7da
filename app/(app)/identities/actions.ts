"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { requireActor } from "@/lib/auth/session";
import { bulkAttest } from "@/lib/identities/identity-actions";

export async function bulkAttestAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    const { count } = await bulkAttest(getDb(), actor, formData.getAll("ids"));
    return `Attested ${count} ${count === 1 ? "identity" : "identities"}: the next review moved out by the policy period.`;
  });
  if (result?.ok) revalidatePath("/identities");
  return result;
}
