"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { formFields, InputField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { reviewUsageAction } from "../actions";

/** Marks the identity's unusual use reviewed, saying what it was. */
export function ReviewUnusualUse({ identityId }: { identityId: string }) {
  const [reviewed, review, reviewing] = useActionState<ActionResult, FormData>(reviewUsageAction, null);
  const comment = useKeptValue("");
  const f = formFields({ errors: reviewed, layout: "flow", className: "w-full text-sm" });
  return (
    <form action={review} className="mt-3 space-y-2" aria-label="Review the unusual use">
      <input type="hidden" name="id" value={identityId} />
      <InputField label="What was it? (a new runner, a person debugging…)" {...f("comment")} {...comment} />
      <Button type="submit" variant="secondary" disabled={reviewing}>
        Mark reviewed
      </Button>
      <ActionOutcome result={reviewed} />
    </form>
  );
}
