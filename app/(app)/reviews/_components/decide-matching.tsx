"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import { bulkDecideAction } from "../actions";
import { BulkDecisionFields } from "./bulk-decision-fields";

/**
 * One decision over everything the filter matches ("revoke everything unused for 90 days"), not
 * only this page: the filter travels as `filter.*` fields and the server finds the items again.
 */
export function DecideMatching({
  filter,
  total,
  max,
}: {
  filter: Record<string, string | number | undefined>;
  total: number;
  max: number;
}) {
  const [result, decide, deciding] = useActionState<ActionResult, FormData>(bulkDecideAction, null);
  const n = Math.min(total, max);
  return (
    <form
      action={decide}
      aria-label="Decide everything matching"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
    >
      {Object.entries(filter).map(([k, v]) =>
        v === undefined || v === "" ? null : <input key={k} type="hidden" name={`filter.${k}`} value={String(v)} />,
      )}
      <BulkDecisionFields label={`Decide all ${n.toLocaleString("en")} matching`} />
      <Button type="submit" variant="secondary" disabled={deciding}>
        {deciding ? "Deciding…" : "Decide all matching"}
      </Button>
      {total > max ? (
        <span className="text-slate-600">At most {max.toLocaleString("en")} at a time: run it again for the rest.</span>
      ) : null}
      <ActionOutcome result={result} />
    </form>
  );
}
