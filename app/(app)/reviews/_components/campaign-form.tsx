"use client";

import { useActionState, useState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { formFields, InputField, SelectField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { createCampaignAction } from "../actions";

// Each select's choices, value: label.
const REVIEWERS = {
  owner: "The owner attests to each of their identities",
  owner_manager: "The owner's manager",
  security: "Security (a shared queue)",
  named: "A named person",
};
const FALLBACKS = { owner_manager: "The owner's manager", security: "Security" };
const REPEATS = { none: "Once", quarterly: "Every quarter", half_yearly: "Every half year", yearly: "Every year" };
const REMINDERS = {
  "7": "Every 7 days",
  "3": "Every 3 days",
  "14": "Every 14 days",
  "0": "Never",
};
const OUTCOMES = { keep: "Keep them as they are", suspend: "Suspend them", revoke: "Revoke them" };

/**
 * The campaign's name, reviewers, due date and outcome; its scope is the filter previewed above,
 * carried as hidden `scope.*` fields. A refused form keeps what was typed and says what is wrong.
 */
export function CampaignForm({ scope, defaultDue }: { scope: Record<string, string>; defaultDue: string }) {
  const [result, create, creating] = useActionState<ActionResult, FormData>(createCampaignAction, null);
  const name = useKeptValue("");
  const rule = useKeptValue("owner");
  const reviewer = useKeptValue("");
  const fallback = useKeptValue("owner_manager");
  const due = useKeptValue(defaultDue);
  const noResponse = useKeptValue("keep");
  const repeats = useKeptValue("none");
  const remind = useKeptValue("7");
  const [confirm, setConfirm] = useState(false);
  const f = formFields({ errors: result, layout: "flow", className: "w-full max-w-md text-sm" });
  return (
    <form action={create} className="space-y-3" aria-label="New campaign">
      {Object.entries(scope).map(([k, v]) => (
        <input key={k} type="hidden" name={`scope.${k}`} value={v} />
      ))}
      <InputField label="Name" {...f("name")} required {...name} placeholder="Payments Q1 access review" />
      <SelectField label="Who reviews" {...f("reviewerRule")} {...rule} options={Object.entries(REVIEWERS)} />
      {rule.value === "named" ? (
        <InputField label="Reviewer's email" {...f("reviewer")} type="email" autoComplete="off" {...reviewer} />
      ) : null}
      <SelectField
        label="When the first choice cannot review (has left, is missing, or owns the identity)"
        {...f("fallbackRule")}
        {...fallback}
        options={Object.entries(FALLBACKS)}
      />
      <label className="flex max-w-md items-start gap-2 text-sm">
        <input
          type="checkbox"
          name="confirmPrivileged"
          value="1"
          checked={confirm}
          onChange={(e) => setConfirm(e.target.checked)}
          className="mt-1"
        />
        <span>
          Second stage: security confirms each certification of a privileged or high-risk identity (one left unconfirmed
          at close gets the no-response outcome)
        </span>
      </label>
      <InputField label="Due" {...f("dueOn")} type="date" required {...due} />
      <SelectField
        label="Remind reviewers with items waiting (in the app, until the due date; past it, their manager may decide)"
        {...f("remindEvery")}
        {...remind}
        options={Object.entries(REMINDERS)}
      />
      <SelectField
        label="Repeats (each launch is due the same time after it)"
        {...f("recurrence")}
        {...repeats}
        options={Object.entries(REPEATS)}
      />
      <SelectField
        label="Items nobody decides by close"
        {...f("noResponse")}
        {...noResponse}
        options={Object.entries(OUTCOMES)}
      />
      {noResponse.value === "revoke" ? (
        <p
          role="note"
          className="max-w-md rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-300"
        >
          Revoke on no response removes the access of every identity nobody answers for, verified in its system. If
          reviewers ignore the campaign, that can be all of them.
        </p>
      ) : null}
      {f("scope").error ? (
        <p role="alert" className="text-sm text-red-700">
          {f("scope").error}
        </p>
      ) : null}
      <Button type="submit" disabled={creating}>
        Create campaign
      </Button>
      <ActionOutcome result={result} />
    </form>
  );
}
