"use server";

import { getDb } from "@/db";
import { actorAction } from "@/lib/action";
import { setPersonRoles, setPersonStatus } from "@/lib/people";

/** Every change to a person shows on the people page. */
const peopleAction = (run: Parameters<typeof actorAction>[0]) => actorAction(run, { revalidate: "/people" });

export const setRolesAction = peopleAction(async (actor, form) => {
  await setPersonRoles(getDb(), actor, { personId: form.get("personId"), roles: form.getAll("roles") });
  return "Roles saved.";
});

export const setStatusAction = peopleAction(async (actor, form) => {
  await setPersonStatus(getDb(), actor, { personId: form.get("personId"), status: form.get("status") });
  return form.get("status") === "departed" ? "Marked as departed." : "Reinstated.";
});
