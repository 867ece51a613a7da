"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { formFields, TextareaField } from "@/components/ui/field";
import { SubmitChoices, type Choice } from "@/components/ui/button";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { confirmItemAction } from "../actions";

const ANSWERS: Choice[] = [
  ["confirm", "Confirm"],
  ["revoke", "Overturn: revoke", "danger"],
];

/** The second stage: security confirms a reviewer's certification, or overturns it with a reason. */
export function ConfirmForm({ itemId, by, comment }: { itemId: string; by: string | null; comment: string | null }) {
  const [result, answer, answering] = useActionState<ActionResult, FormData>(confirmItemAction, null);
  const reason = useKeptValue("");
  const f = formFields({
    errors: result,
    idPrefix: `c-${itemId}-`,
    layout: "flow",
    className: "w-full max-w-md text-sm",
  });
  return (
    <form action={answer} className="mt-3 space-y-2" aria-label="Second stage">
      <p className="text-sm">
        <strong>{by ?? "The reviewer"}</strong> certified it{comment ? `: “${comment}”` : " without a comment"}.
        Confirm, or overturn it to a revocation.
      </p>
      <input type="hidden" name="itemId" value={itemId} />
      <TextareaField label="Reason (required to overturn)" {...f("comment")} rows={1} {...reason} />
      <SubmitChoices name="answer" choices={ANSWERS} disabled={answering} />
      <ActionOutcome result={result} />
    </form>
  );
}
