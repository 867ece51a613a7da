"use server";

import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { toActionResult, type ActionResult } from "@/lib/action-result";
import { requireActor } from "@/lib/auth/session";
import { changePolicySetting } from "@/lib/policy/settings-admin";

export async function changeSettingAction(_prev: ActionResult, formData: FormData): Promise<ActionResult> {
  const actor = await requireActor();
  const result = await toActionResult(async () => {
    await changePolicySetting(getDb(), actor, { field: formData.get("field"), value: formData.get("value") });
    return "Saved.";
  });
  if (result?.ok) revalidatePath("/settings");
  return result;
}
