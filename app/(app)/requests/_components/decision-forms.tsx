"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
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
  const [comment, setComment] = useState("");
  const [shortenTo, setShortenTo] = useState("");
  if (!canDecide && !canCancel && !decided && !cancelled) return null;
  return (
    <section aria-labelledby="decide-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="decide-heading" className="font-semibold">
        {canDecide ? "Your decision" : "Your request"}
      </h2>
      {canDecide ? (
        <form action={decide} className="space-y-2">
          <input type="hidden" name="requestId" value={requestId} />
          <label htmlFor="comment" className="block text-sm font-medium">
            Comment (required to deny)
          </label>
          <textarea
            id="comment"
            name="comment"
            rows={2}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          <label htmlFor="shortenTo" className="block text-sm font-medium">
            Shorten to (optional)
          </label>
          <input
            id="shortenTo"
            name="shortenTo"
            type="date"
            value={shortenTo}
            onChange={(e) => setShortenTo(e.target.value)}
            className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          <div className="flex gap-2">
            <Button type="submit" name="decision" value="approve" disabled={deciding}>
              Approve
            </Button>
            <Button type="submit" name="decision" value="deny" variant="danger" disabled={deciding}>
              Deny
            </Button>
          </div>
        </form>
      ) : null}
      {decided ? (
        <p
          role={decided.ok ? "status" : "alert"}
          className={decided.ok ? "text-sm text-emerald-800" : "text-sm text-red-800"}
        >
          {decided.ok ? decided.message : decided.error}
        </p>
      ) : null}
      {canCancel ? (
        <form action={cancel}>
          <input type="hidden" name="requestId" value={requestId} />
          <Button type="submit" variant="secondary" disabled={cancelling}>
            Cancel request
          </Button>
        </form>
      ) : null}
      {cancelled ? (
        <p role={cancelled.ok ? "status" : "alert"} className="text-sm">
          {cancelled.ok ? cancelled.message : cancelled.error}
        </p>
      ) : null}
    </section>
  );
}
