"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { formFields, InputField, SelectField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { handOverAction } from "../actions";

/** The campaign's creator hands a reviewer's undecided items to someone else, with a note. */
export function HandOver({ campaignId, reviewers }: { campaignId: string; reviewers: [string, string][] }) {
  const [result, handOver, handing] = useActionState<ActionResult, FormData>(handOverAction, null);
  const from = useKeptValue(reviewers[0]?.[0] ?? "");
  const to = useKeptValue("");
  const note = useKeptValue("");
  const f = formFields({ errors: result, idPrefix: "h-", layout: "flow", className: "w-full max-w-md text-sm" });
  return (
    <form action={handOver} className="mt-4 space-y-2" aria-label="Hand over undecided items">
      <h3 className="text-sm font-semibold">Hand a reviewer&apos;s undecided items to someone else</h3>
      <input type="hidden" name="campaignId" value={campaignId} />
      <SelectField label="Whose items" {...f("from")} {...from} options={reviewers} />
      <InputField label="New reviewer's email" {...f("to")} type="email" autoComplete="off" {...to} />
      <InputField label="Note (why)" {...f("note")} {...note} placeholder="Olivia is on leave until March" />
      <Button type="submit" variant="secondary" disabled={handing}>
        Hand over
      </Button>
      <ActionOutcome result={result} />
    </form>
  );
}
