"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button, SubmitChoices } from "@/components/ui/button";
import { formFields, InputField, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { cancelAction, decideAction } from "../actions";

/** Approve or deny the stage that is the viewer's to decide; cancel one's own pending request. */
export function DecisionForms({
  requestId,
  canDecide,
  canCancel,
}: {
  requestId: string;
  canDecide: boolean;
  canCancel: boolean;
}) {
  const [decided, decide, deciding] = useActionState<ActionResult, FormData>(decideAction, null);
  const [cancelled, cancel, cancelling] = useActionState<ActionResult, FormData>(cancelAction, null);
  const comment = useKeptValue("");
  const shortenTo = useKeptValue("");
  const f = formFields({ errors: decided, layout: "flow", className: "w-full text-sm" });
  if (!canDecide && !canCancel && !decided && !cancelled) return null;
  return (
    <section aria-labelledby="decide-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="decide-heading" className="font-semibold">
        {canDecide ? "Your decision" : "Your request"}
      </h2>
      {canDecide ? (
        <form action={decide} className="space-y-2">
          <input type="hidden" name="requestId" value={requestId} />
          <TextareaField label="Comment (required to deny)" {...f("comment")} rows={2} {...comment} />
          <InputField
            label="Shorten to (optional)"
            {...f("shortenTo")}
            className="text-sm"
            type="date"
            {...shortenTo}
          />
          <SubmitChoices
            name="decision"
            choices={[
              ["approve", "Approve"],
              ["deny", "Deny", "danger"],
            ]}
            disabled={deciding}
          />
        </form>
      ) : null}
      <ActionOutcome result={decided} />
      {canCancel ? (
        <form action={cancel}>
          <input type="hidden" name="requestId" value={requestId} />
          <Button type="submit" variant="secondary" disabled={cancelling}>
            Cancel request
          </Button>
        </form>
      ) : null}
      <ActionOutcome result={cancelled} />
    </section>
  );
}
