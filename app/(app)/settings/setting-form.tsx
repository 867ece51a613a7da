"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
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
  const [text, setText] = useState(value);
  const id = `setting-${field}`;
  const errors = result && !result.ok ? result.fieldErrors?.[field] : undefined;
  return (
    <form action={action} className="space-y-1 rounded-lg border border-slate-200 bg-white p-3">
      <input type="hidden" name="field" value={field} />
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <p className="text-xs text-slate-600">{help}</p>
      <textarea
        id={id}
        name="value"
        rows={Math.min(6, text.split("\n").length + 1)}
        value={text}
        readOnly={!editable}
        onChange={(e) => setText(e.target.value)}
        className="w-full rounded-md border border-slate-300 px-2 py-1.5 font-mono text-xs"
        aria-describedby={errors ? `${id}-error` : undefined}
      />
      {errors ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {errors.join(" ")}
        </p>
      ) : null}
      {editable ? (
        <Button type="submit" variant="secondary" disabled={saving}>
          Save
        </Button>
      ) : null}
      {result ? (
        <p
          role={result.ok ? "status" : "alert"}
          className={result.ok ? "text-sm text-emerald-800" : "text-sm text-red-800"}
        >
          {result.ok ? result.message : result.error}
        </p>
      ) : null}
    </form>
  );
}
