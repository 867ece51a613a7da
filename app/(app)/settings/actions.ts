"use server";

import { getDb } from "@/db";
import { actorAction } from "@/lib/action";
import { changePolicySetting } from "@/lib/policy";

export const changeSettingAction = actorAction(
  async (actor, form) => {
    await changePolicySetting(getDb(), actor, { field: form.get("field"), value: form.get("value") });
    return "Saved.";
  },
  { revalidate: "/settings" },
);
