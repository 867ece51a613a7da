"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/controls";
import { ROLES } from "@/db/schema/enums";
import type { PersonDto } from "@/lib/people";
import { setRolesAction, setStatusAction } from "../actions";

export function PersonRow({ person }: { person: PersonDto }) {
  const [rolesState, rolesAction, savingRoles] = useActionState(setRolesAction, null);
  const [statusState, statusAction, savingStatus] = useActionState(setStatusAction, null);
  const state = statusState ?? rolesState;
  return (
    <tr className="align-top">
      <th scope="row" className="px-3 py-2 text-left font-medium">
        {person.name}
        <div className="text-xs font-normal text-slate-600">{person.email}</div>
      </th>
      <td className="px-3 py-2">{person.team ?? "—"}</td>
      <td className="px-3 py-2">{person.manager ?? "—"}</td>
      <td className="px-3 py-2">
        {person.status === "departed" ? <Badge tone="bad">departed</Badge> : <Badge tone="good">active</Badge>}
      </td>
      <td className="px-3 py-2">
        <form action={rolesAction} className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <input type="hidden" name="personId" value={person.id} />
          <fieldset className="flex flex-wrap gap-x-3">
            <legend className="sr-only">Roles of {person.name}</legend>
            {ROLES.map((role) => (
              <Checkbox
                key={role}
                className="flex items-center gap-1 text-sm"
                name="roles"
                value={role}
                defaultChecked={person.roles.includes(role)}
                label={role}
              />
            ))}
          </fieldset>
          <Button type="submit" variant="secondary" disabled={savingRoles} aria-label={`Save roles of ${person.name}`}>
            Save
          </Button>
        </form>
      </td>
      <td className="px-3 py-2">
        <form action={statusAction}>
          <input type="hidden" name="personId" value={person.id} />
          <input type="hidden" name="status" value={person.status === "active" ? "departed" : "active"} />
          <Button type="submit" variant="ghost" disabled={savingStatus}>
            {person.status === "active" ? "Mark departed" : "Reinstate"}
          </Button>
        </form>
        <ActionOutcome result={state} className="mt-1 text-xs" />
      </td>
    </tr>
  );
}
