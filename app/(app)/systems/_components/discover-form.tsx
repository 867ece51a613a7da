"use client";

import { useActionState } from "react";
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
      {result ? (
        <span role={result.ok ? "status" : "alert"} className={result.ok ? "text-emerald-800" : "text-red-800"}>
          {result.ok ? result.message : result.error}
        </span>
      ) : null}
    </form>
  );
}
