"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/controls";
import { formFields, InputField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { createTokenAction, revokeTokenAction } from "../actions";

const SCOPE_HELP: Record<string, string> = {
  read: "read: list and read what you may see",
  write: "write: submit requests, decide, revoke, break-glass — whatever you may do",
  scim: "scim: people, managers and teams from the identity provider (admins)",
};

/** A new token: shown once, right here, after it is made. */
export function NewToken({ scopes, maxDays }: { scopes: string[]; maxDays: number }) {
  const [made, make, making] = useActionState<ActionResult, FormData>(createTokenAction, null);
  const name = useKeptValue("");
  const purpose = useKeptValue("");
  const days = useKeptValue("30");
  const [chosen, setChosen] = useState<string[]>(["read"]);
  const f = formFields({ errors: made, layout: "flow", className: "w-full text-sm" });
  return (
    <form action={make} className="space-y-3" aria-label="New API token">
      <div className="grid gap-3 sm:grid-cols-2">
        <InputField label="Name (letters, digits, . _ -)" {...f("name")} {...name} autoComplete="off" />
        <InputField
          label={`Expires in (days, at most ${maxDays})`}
          {...f("expiresInDays")}
          {...days}
          type="number"
          min={1}
        />
      </div>
      <InputField label="What it is for" {...f("purpose")} {...purpose} />
      <fieldset className="space-y-1 text-sm">
        <legend className="font-medium">Scopes</legend>
        {scopes.map((s) => (
          <Checkbox
            key={s}
            className="flex items-center gap-2"
            name="scopes"
            value={s}
            checked={chosen.includes(s)}
            onChange={(e) => setChosen((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))}
            label={SCOPE_HELP[s]}
          />
        ))}
        {made && !made.ok && made.fieldErrors?.scopes ? (
          <p className="text-red-800">{made.fieldErrors.scopes.join(" ")}</p>
        ) : null}
      </fieldset>
      <Button type="submit" disabled={making}>
        Make token
      </Button>
      <ActionOutcome result={made} />
      {made?.ok && made.reveal ? (
        <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">Your new token (shown once):</p>
          <code aria-label="New token" className="mt-1 block break-all font-mono text-xs">
            {made.reveal}
          </code>
        </div>
      ) : null}
    </form>
  );
}

/** Revoke one of one's tokens: its identity is revoked, and the token refused at once. */
export function RevokeToken({ identityId, label }: { identityId: string; label: string }) {
  const [revoked, revoke, revoking] = useActionState<ActionResult, FormData>(revokeTokenAction, null);
  const reason = useKeptValue("");
  const f = formFields({ errors: revoked, layout: "flow", className: "w-48 text-sm" });
  return (
    <form action={revoke} className="flex flex-wrap items-end gap-2" aria-label={`Revoke ${label}`}>
      <input type="hidden" name="identityId" value={identityId} />
      <InputField label="Reason" {...f("reason")} {...reason} />
      <Button type="submit" variant="danger" disabled={revoking}>
        Revoke
      </Button>
      <ActionOutcome result={revoked} />
    </form>
  );
}
