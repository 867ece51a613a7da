"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { formFields, SelectField, TextareaField } from "@/components/ui/field";
import { previewRequestAction, submitRequestAction, type PreviewState, type SubmitState } from "../actions";
import { PolicyVerdict } from "./policy-verdict";
import { ChangeFields, NewIdentityFields, type IdentityChoice } from "./request-fields";

const TYPE_LABELS: Record<string, string> = {
  new_identity: "A new identity",
  grant_entitlement: "More access for an identity",
  extend_expiry: "A later expiry",
  policy_exception: "An exception to policy",
  transfer_ownership: "A new owner for an identity",
};

/**
 * The request form: one per request type, with policy's verdict updated as the fields change (a
 * dry run on the server). Fields keep what was typed when the server refuses the request.
 */
export function RequestForm({
  initialType,
  identityId,
  identities,
  systems,
  requesterEmail,
}: {
  initialType: string;
  identityId?: string;
  identities: IdentityChoice[];
  systems: { id: string; name: string; environment: string }[];
  requesterEmail: string;
}) {
  const [type, setType] = useState(initialType);
  const [state, submit, submitting] = useActionState<SubmitState, FormData>(submitRequestAction, null);
  const [preview, setPreview] = useState<PreviewState>(null);
  // Policy's "not complete yet" speaks only of the fields the person has touched: a fresh form
  // does not greet them with a list of what they have not typed yet.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const touch = (e: { target: EventTarget }) => {
    const name = (e.target as { name?: string }).name;
    if (name && !touched.has(name)) setTouched(new Set([...touched, name]));
  };
  const form = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const v = (k: string, fallback = "") => state?.values?.[k] ?? fallback;
  const f = formFields({ errors: state, value: v, className: "w-full text-sm" });

  // Ask policy again shortly after the last change.
  const refresh = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      if (form.current) setPreview(await previewRequestAction(new FormData(form.current)));
    }, 300);
  };
  useEffect(() => {
    refresh();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [type]);

  return (
    <form
      ref={form}
      action={submit}
      onChange={(e) => {
        touch(e);
        refresh();
      }}
      onBlur={touch}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
      aria-label="Request"
    >
      <SelectField
        label="What are you asking for?"
        {...f("type")}
        defaultValue={undefined}
        value={type}
        onChange={(e) => setType(e.target.value)}
        options={Object.entries(TYPE_LABELS)}
      />

      {type === "new_identity" ? (
        <NewIdentityFields f={f} v={v} systems={systems} requesterEmail={requesterEmail} />
      ) : (
        <ChangeFields type={type} f={f} v={v} identities={identities} identityId={identityId} />
      )}

      <TextareaField label="Justification" {...f("justification")} rows={3} />

      <PolicyVerdict preview={preview} touched={touched} />
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" disabled={submitting}>
        Submit request
      </Button>
    </form>
  );
}
