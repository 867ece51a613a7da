"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { previewRequestAction, submitRequestAction, type PreviewState, type SubmitState } from "../actions";
import { PolicyVerdict } from "./policy-verdict";

export type IdentityChoice = { id: string; name: string; environment: string };

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
  const err = (k: string) => (state && !state.ok ? state.fieldErrors?.[k]?.join(" ") : undefined);

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
      <Field label="What are you asking for?" name="type" error={err("type")}>
        <select id="type" name="type" value={type} onChange={(e) => setType(e.target.value)} className={INPUT}>
          {Object.entries(TYPE_LABELS).map(([k, l]) => (
            <option key={k} value={k}>
              {l}
            </option>
          ))}
        </select>
      </Field>

      {type === "new_identity" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Name" name="name" error={err("name")}>
            <input id="name" name="name" defaultValue={v("name")} className={INPUT} />
          </Field>
          <Field label="Kind" name="kind" error={err("kind")}>
            <select id="kind" name="kind" defaultValue={v("kind", "service_account")} className={INPUT}>
              {["service_account", "api_key", "oauth_app", "workload", "ci_token", "bot", "ai_agent"].map((k) => (
                <option key={k} value={k}>
                  {k.replace(/_/g, " ")}
                </option>
              ))}
            </select>
          </Field>
          <Field label="System (its environment is the identity's)" name="systemId" error={err("systemId")}>
            <select id="systemId" name="systemId" defaultValue={v("systemId")} className={INPUT}>
              <option value="">Choose…</option>
              {systems.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} — {s.environment}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Owner (email)" name="ownerId" error={err("ownerId")}>
            <input
              id="ownerId"
              name="ownerEmail"
              type="email"
              defaultValue={v("ownerEmail", requesterEmail)}
              className={INPUT}
            />
          </Field>
          <Field label="Backup owner (email, optional)" name="backupOwnerId" error={err("backupOwnerId")}>
            <input
              id="backupOwnerId"
              name="backupOwnerEmail"
              type="email"
              defaultValue={v("backupOwnerEmail")}
              className={INPUT}
            />
          </Field>
          <div className="sm:col-span-2">
            <Field label="Purpose" name="purpose" error={err("purpose")}>
              <textarea id="purpose" name="purpose" rows={2} defaultValue={v("purpose")} className={INPUT} />
            </Field>
          </div>
          <Field label="Expires on" name="expiresOn" error={err("expiresOn")}>
            <input id="expiresOn" name="expiresOn" type="date" defaultValue={v("expiresOn")} className={INPUT} />
          </Field>
          <Field label="Credential type" name="credentialType" error={err("credentialType")}>
            <select
              id="credentialType"
              name="credentialType"
              defaultValue={v("credentialType", "short_lived_token")}
              className={INPUT}
            >
              {["static_secret", "certificate", "short_lived_token", "federated"].map((k) => (
                <option key={k} value={k}>
                  {k.replace(/_/g, " ")}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Rotate every (days, optional)" name="rotationPeriodDays" error={err("rotationPeriodDays")}>
            <input
              id="rotationPeriodDays"
              name="rotationPeriodDays"
              type="number"
              min={1}
              max={3650}
              defaultValue={v("rotationPeriodDays")}
              className={INPUT}
            />
          </Field>
          <Field label="Secret store (vault path, optional)" name="secretStore" error={err("secretStore")}>
            <input id="secretStore" name="secretStore" defaultValue={v("secretStore")} className={INPUT} />
          </Field>
          <div className="sm:col-span-2">
            <Field
              label="Entitlements (one per line: resource permission)"
              name="entitlements"
              error={err("entitlements")}
            >
              <textarea
                id="entitlements"
                name="entitlements"
                rows={3}
                defaultValue={v("entitlements")}
                className={`${INPUT} font-mono`}
              />
            </Field>
          </div>
        </div>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Identity" name="identityId" error={err("identityId")}>
            <select
              id="identityId"
              name="identityId"
              defaultValue={v("identityId", identityId ?? "")}
              className={INPUT}
            >
              <option value="">Choose…</option>
              {identities.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name} ({i.environment})
                </option>
              ))}
            </select>
          </Field>
          {type === "grant_entitlement" ? (
            <>
              <Field label="Resource" name="resource" error={err("resource")}>
                <input id="resource" name="resource" defaultValue={v("resource")} className={INPUT} />
              </Field>
              <Field label="Permission" name="permission" error={err("permission")}>
                <input id="permission" name="permission" defaultValue={v("permission")} className={INPUT} />
              </Field>
              <Field label="Ends on (optional)" name="expiresOn" error={err("expiresOn")}>
                <input id="expiresOn" name="expiresOn" type="date" defaultValue={v("expiresOn")} className={INPUT} />
              </Field>
            </>
          ) : null}
          {type === "extend_expiry" ? (
            <Field label="New expiry" name="expiresOn" error={err("expiresOn")}>
              <input id="expiresOn" name="expiresOn" type="date" defaultValue={v("expiresOn")} className={INPUT} />
            </Field>
          ) : null}
          {type === "policy_exception" ? (
            <>
              <Field label="Rule to waive" name="rule" error={err("rule")}>
                <select id="rule" name="rule" defaultValue={v("rule") || "expiry-within-lifetime"} className={INPUT}>
                  <option value="expiry-within-lifetime">
                    Lifetime: while in force, later requests may set an expiry up to the environment&apos;s maximum
                    counted from the exception&apos;s end
                  </option>
                </select>
              </Field>
              <Field label="Exception ends on" name="endsOn" error={err("endsOn")}>
                <input id="endsOn" name="endsOn" type="date" defaultValue={v("endsOn")} className={INPUT} />
              </Field>
            </>
          ) : null}
          {type === "transfer_ownership" ? (
            <Field label="New owner (email)" name="newOwnerId" error={err("newOwnerId")}>
              <input
                id="newOwnerId"
                name="newOwnerEmail"
                type="email"
                defaultValue={v("newOwnerEmail")}
                className={INPUT}
              />
            </Field>
          ) : null}
        </div>
      )}

      <Field label="Justification" name="justification" error={err("justification")}>
        <textarea
          id="justification"
          name="justification"
          rows={3}
          defaultValue={v("justification")}
          className={INPUT}
        />
      </Field>

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

const INPUT = "w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

function Field({
  label,
  name,
  error,
  children,
}: {
  label: string;
  name: string;
  error?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={name} className="font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <span className="text-xs text-red-700" id={`${name}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
