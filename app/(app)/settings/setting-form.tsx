"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { fieldError, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { changeSettingAction } from "./actions";

/** One setting's value as JSON, editable by security; it keeps what was typed when refused. */
export function SettingForm({
  field,
  label,
  help,
  value,
  editable,
}: {
  field: string;
  label: string;
  help: string;
  value: string;
  editable: boolean;
}) {
  const [result, action, saving] = useActionState<ActionResult, FormData>(changeSettingAction, null);
  const text = useKeptValue(value);
  return (
    <form action={action} className="space-y-1 rounded-lg border border-slate-200 bg-white p-3">
      <input type="hidden" name="field" value={field} />
      <TextareaField
        layout="flow"
        id={`setting-${field}`}
        label={label}
        description={help}
        name="value"
        rows={Math.min(6, text.value.split("\n").length + 1)}
        {...text}
        readOnly={!editable}
        className="w-full font-mono text-xs"
        error={fieldError(result, field)}
      />
      {editable ? (
        <Button type="submit" variant="secondary" disabled={saving}>
          Save
        </Button>
      ) : null}
      <ActionOutcome result={result} />
    </form>
  );
}
