"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button, SubmitChoices } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/controls";
import { formFields, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { decideBreakGlassAction, endBreakGlassAction, reviewBreakGlassAction } from "../actions";

/** End now: the holder or security closes the access before its hard end. */
export function EndNow({ id, label }: { id: string; label: string }) {
  const [ended, end, ending] = useActionState<ActionResult, FormData>(endBreakGlassAction, null);
  return (
    <form action={end} className="inline-flex flex-col gap-1">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="danger" disabled={ending} aria-label={`End now: ${label}`}>
        End now
      </Button>
      <ActionOutcome result={ended} />
    </form>
  );
}

/** Security's approve or deny, with an optional comment. */
export function DecideBreakGlass({ id }: { id: string }) {
  const [decided, decide, deciding] = useActionState<ActionResult, FormData>(decideBreakGlassAction, null);
  const comment = useKeptValue("");
  const f = formFields({ errors: decided, layout: "flow", className: "w-full text-sm" });
  return (
    <form action={decide} className="space-y-2" aria-label="Decide the break-glass">
      <input type="hidden" name="id" value={id} />
      <TextareaField label="Comment (optional)" {...f("comment")} rows={2} {...comment} />
      <SubmitChoices
        name="decision"
        choices={[
          ["approve", "Approve"],
          ["deny", "Deny", "danger"],
        ]}
        disabled={deciding}
      />
      <ActionOutcome result={decided} />
    </form>
  );
}

/** The post-use review: a comment, and whether the credential must be rotated. */
export function PostUseReview({ id }: { id: string }) {
  const [reviewed, review, reviewing] = useActionState<ActionResult, FormData>(reviewBreakGlassAction, null);
  const comment = useKeptValue("");
  const f = formFields({ errors: reviewed, layout: "flow", className: "w-full text-sm" });
  return (
    <form action={review} className="space-y-2" aria-label="Post-use review">
      <input type="hidden" name="id" value={id} />
      <TextareaField label="What was done with the access, and was it right?" {...f("comment")} rows={3} {...comment} />
      <Checkbox
        name="requireRotation"
        label="Require the credential's rotation (marks its rotation overdue until it is rotated)"
      />
      <Button type="submit" disabled={reviewing}>
        Complete the review
      </Button>
      <ActionOutcome result={reviewed} />
    </form>
  );
}
