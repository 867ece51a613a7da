"use client";

import { useActionState } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { formFields, InputField, SelectField, TextareaField } from "@/components/ui/field";
import type { FormState } from "@/lib/action";
import { requestBreakGlassAction } from "../actions";

/**
 * Asking for break-glass: the identity, the elevated entitlement (or none: the identity itself),
 * the incident, why, how long (up to policy's maximum) and an optional later start. A refused
 * form keeps what was typed and says what is wrong beside each field.
 */
export function BreakGlassForm({
  identities,
  identityId,
  maxHours,
  onCall,
}: {
  identities: { id: string; name: string; environment: string }[];
  identityId?: string;
  maxHours: number;
  onCall: boolean;
}) {
  const [state, submit, submitting] = useActionState<FormState, FormData>(requestBreakGlassAction, null);
  const v = (k: string, fallback = "") => state?.values?.[k] ?? fallback;
  const f = formFields({ errors: state, value: v, className: "w-full text-sm" });
  return (
    <form action={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" noValidate>
      <p className="text-sm" role="note">
        {onCall
          ? "You are on call: it opens as soon as you submit, and security is told."
          : "You are not on call: one security approval opens it. Security is told at once."}
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          label="Identity"
          {...f("identityId")}
          defaultValue={v("identityId", identityId ?? "")}
          blank="Choose…"
          options={identities.map((i) => [i.id, `${i.name} (${i.environment})`])}
        />
        <InputField label="Incident (ticket or reference)" {...f("incidentRef")} placeholder="INC-2041" />
        <InputField
          label="Elevated resource (optional)"
          {...f("resource")}
          description="Leave both empty for the identity itself (its credential)."
        />
        <InputField label="Permission (optional)" {...f("permission")} />
        <InputField
          label={`Duration (hours, at most ${maxHours})`}
          {...f("hours")}
          type="number"
          min={1}
          defaultValue={v("hours", String(Math.min(maxHours, 2)))}
        />
        <InputField
          label="Starts at (optional, UTC)"
          {...f("startsAt")}
          type="datetime-local"
          description="Empty: now."
        />
        <div className="sm:col-span-2">
          <TextareaField label="What is happening, and why you need this access" {...f("justification")} rows={3} />
        </div>
      </div>
      <Button type="submit" variant="danger" disabled={submitting}>
        Request break-glass access
      </Button>
      <ActionOutcome result={state} />
    </form>
  );
}
