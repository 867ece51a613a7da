"use server";

import { getDb } from "@/db";
import { actorAction, fields } from "@/lib/action";
import { changePolicySetting } from "@/lib/policy";

export const changeSettingAction = actorAction(
  async (actor, form) => {
    await changePolicySetting(getDb(), actor, fields(form, "field", "value"));
    return "Saved.";
  },
  { revalidate: "/settings" },
);
