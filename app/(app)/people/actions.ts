"use server";

import { getDb } from "@/db";
import { actorAction, fields } from "@/lib/action";
import { setPersonRoles, setPersonStatus } from "@/lib/people";

// Every change to a person shows on the people page. Each action calls actorAction itself: the
// authorization matrix's scan checks that an action reads the session before its domain call.

export const setRolesAction = actorAction(
  async (actor, form) => {
    await setPersonRoles(getDb(), actor, { personId: form.get("personId"), roles: form.getAll("roles") });
    return "Roles saved.";
  },
  { revalidate: "/people" },
);

export const setStatusAction = actorAction(
  async (actor, form) => {
    await setPersonStatus(getDb(), actor, fields(form, "personId", "status"));
    return form.get("status") === "departed" ? "Marked as departed." : "Reinstated.";
  },
  { revalidate: "/people" },
);
