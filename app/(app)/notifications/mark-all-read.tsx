"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import { markAllReadAction } from "./actions";

export function MarkAllRead() {
  const [result, mark, marking] = useActionState<ActionResult, FormData>(markAllReadAction, null);
  return (
    <form action={mark} className="flex items-center gap-3">
      <Button type="submit" variant="secondary" disabled={marking}>
        Mark all read
      </Button>
      <ActionOutcome result={result} />
    </form>
  );
}
