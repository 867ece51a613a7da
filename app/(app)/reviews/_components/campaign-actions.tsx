"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import { closeCampaignAction, launchCampaignAction } from "../actions";

/** Launch a draft, or close an active campaign (saying what closing will do to the undecided). */
export function CampaignActions({
  campaignId,
  status,
  undecided,
  noResponse,
  filling,
}: {
  campaignId: string;
  status: "draft" | "active" | "closed";
  undecided: number;
  noResponse: "keep" | "suspend" | "revoke";
  /** How far the snapshot has got while it is still being taken ("3 of 37 parts"); closing waits for it. */
  filling: string | null;
}) {
  const [launched, launch, launching] = useActionState<ActionResult, FormData>(launchCampaignAction, null);
  const [closed, close, closing] = useActionState<ActionResult, FormData>(closeCampaignAction, null);
  return (
    <div className="space-y-2">
      {status === "draft" ? (
        <form action={launch}>
          <input type="hidden" name="campaignId" value={campaignId} />
          <Button type="submit" disabled={launching}>
            Launch campaign
          </Button>
        </form>
      ) : null}
      {status === "active" ? (
        <form action={close} className="space-y-2">
          <input type="hidden" name="campaignId" value={campaignId} />
          {filling ? (
            <p className="max-w-xl text-sm text-slate-700">
              The snapshot is still being taken ({filling}): the campaign can be closed when it is complete.
            </p>
          ) : null}
          {undecided ? (
            <p className="max-w-xl text-sm text-slate-700">
              {undecided} {undecided === 1 ? "item has" : "items have"} no decision: closing{" "}
              {noResponse === "keep"
                ? "keeps them as they are"
                : noResponse === "suspend"
                  ? "suspends them"
                  : "revokes them"}
              .
            </p>
          ) : null}
          <Button
            type="submit"
            variant={noResponse === "revoke" && undecided ? "danger" : "primary"}
            disabled={closing || filling !== null}
          >
            Close campaign
          </Button>
        </form>
      ) : null}
      <ActionOutcome result={launched} />
      <ActionOutcome result={closed} />
    </div>
  );
}
