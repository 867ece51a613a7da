"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { requireActor } from "@/lib/auth/session";
import { setPersonRoles, setPersonStatus } from "@/lib/people/people";

export async function setRolesAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    await setPersonRoles(getDb(), actor, { personId: formData.get("personId"), roles: formData.getAll("roles") });
    return "Roles saved.";
  });
  if (result?.ok) revalidatePath("/people");
  return result;
}

export async function setStatusAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    await setPersonStatus(getDb(), actor, { personId: formData.get("personId"), status: formData.get("status") });
    return formData.get("status") === "departed" ? "Marked as departed." : "Reinstated.";
  });
  if (result?.ok) revalidatePath("/people");
  return result;
}
