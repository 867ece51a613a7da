"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import { discoverAction } from "../actions";

/** Reads the system's accounts now: new ones become identities (no owner until claimed). */
export function DiscoverForm({ systemId, name }: { systemId: string; name: string }) {
  const [result, action, pending] = useActionState<ActionResult, FormData>(discoverAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3 text-sm" aria-label={`Discover ${name}`}>
      <input type="hidden" name="systemId" value={systemId} />
      <Button type="submit" variant="secondary" disabled={pending}>
        Discover accounts
      </Button>
      <ActionOutcome result={result} />
    </form>
  );
}
