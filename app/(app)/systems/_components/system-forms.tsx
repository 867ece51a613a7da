"use client";

import { startTransition, useActionState, useState, type FormEvent } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";
import type { SystemView } from "@/lib/systems/systems";
import { configureAction, retireAction, setEnvironmentAction } from "../actions";

const INPUT = "w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** An admin's forms for one system: its connector, and retiring it (with the count to confirm). */
export function SystemForms({ system }: { system: SystemView }) {
  const [configured, configure, saving] = useActionState<ActionResult, FormData>(configureAction, null);
  const [retired, retire, retiring] = useActionState<ActionResult, FormData>(retireAction, null);
  const [placed, place, placing] = useActionState<ActionResult, FormData>(setEnvironmentAction, null);
  const [environment, setEnvironment] = useState<string>(system.environment);
  const [connector, setConnector] = useState(system.connector);
  const [url, setUrl] = useState("");
  const [statusUrl, setStatusUrl] = useState("");
  const [reason, setReason] = useState("");
  const id = system.id;
  // Submitted by hand, not through the form's action prop: React resets a form after its action,
  // which puts a controlled select back to its first value behind the shown state.
  const submit = (action: (f: FormData) => void) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => action(data));
  };
  return (
    <div className="space-y-3">
      <form
        onSubmit={submit(place)}
        className="flex max-w-lg flex-wrap items-end gap-2 text-sm"
        aria-label={`Environment of ${system.name}`}
      >
        <input type="hidden" name="systemId" value={id} />
        <div>
          <label htmlFor={`environment-${id}`} className="block font-medium">
            Environment (policy judges every identity in it by this)
          </label>
          <select
            id={`environment-${id}`}
            name="environment"
            value={environment}
            onChange={(e) => setEnvironment(e.target.value)}
            className={INPUT}
          >
            <option value="production">Production</option>
            <option value="staging">Staging</option>
            <option value="development">Development</option>
          </select>
        </div>
        <Button type="submit" variant="secondary" disabled={placing || environment === system.environment}>
          Save environment
        </Button>
        <ActionOutcome withFields result={placed} />
      </form>
      <details>
        <summary className="cursor-pointer text-sm text-brand-700">Configure the connector</summary>
        <form
          onSubmit={submit(configure)}
          className="mt-2 max-w-lg space-y-2 text-sm"
          aria-label={`Connector of ${system.name}`}
        >
          <input type="hidden" name="systemId" value={id} />
          <label htmlFor={`connector-${id}`} className="block font-medium">
            Connector
          </label>
          <select
            id={`connector-${id}`}
            name="connector"
            value={connector}
            onChange={(e) => setConnector(e.target.value)}
            className={INPUT}
          >
            <option value="manual">Manual: a person confirms with evidence</option>
            <option value="postgres">PostgreSQL: login roles and memberships</option>
            <option value="webhook">Webhook: a signed call to a receiver</option>
          </select>
          {connector !== "manual" ? (
            <>
              <label htmlFor={`url-${id}`} className="block font-medium">
                {connector === "postgres" ? "Connection URL (postgres://role:password@host/db)" : "Receiver URL"} —
                blank keeps the stored one
              </label>
              <input
                id={`url-${id}`}
                name="url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                className={INPUT}
                autoComplete="off"
              />
            </>
          ) : null}
          {connector === "webhook" ? (
            <>
              <label htmlFor={`status-${id}`} className="block font-medium">
                Status URL (optional; else the receiver calls back)
              </label>
              <input
                id={`status-${id}`}
                name="statusUrl"
                value={statusUrl}
                onChange={(e) => setStatusUrl(e.target.value)}
                className={INPUT}
              />
              <label htmlFor={`secret-${id}`} className="block font-medium">
                Signing secret {system.settings.secretSet ? "(set; blank keeps it)" : "(16+ characters)"}
              </label>
              <input id={`secret-${id}`} name="secret" type="password" className={INPUT} autoComplete="new-password" />
            </>
          ) : null}
          <Button type="submit" variant="secondary" disabled={saving}>
            Save connector
          </Button>
          <ActionOutcome withFields result={configured} />
        </form>
      </details>
      {system.status === "active" || retired ? (
        <details>
          <summary className="cursor-pointer text-sm text-red-800">Retire this system</summary>
          <form
            onSubmit={submit(retire)}
            className="mt-2 max-w-lg space-y-2 text-sm"
            aria-label={`Retire ${system.name}`}
          >
            <input type="hidden" name="systemId" value={id} />
            <input type="hidden" name="confirmCount" value={system.liveIdentities} />
            <label htmlFor={`reason-${id}`} className="block font-medium">
              Why it ends
            </label>
            <textarea
              id={`reason-${id}`}
              name="reason"
              rows={2}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              className={INPUT}
            />
            <label className="flex items-start gap-2">
              <input type="checkbox" required name="understood" />
              <span>
                I understand this revokes all <strong>{system.liveIdentities.toLocaleString("en")}</strong> live{" "}
                {system.liveIdentities === 1 ? "identity" : "identities"} in {system.name}.
              </span>
            </label>
            <Button type="submit" variant="danger" disabled={retiring}>
              Retire and revoke {system.liveIdentities.toLocaleString("en")}
            </Button>
            <ActionOutcome withFields result={retired} />
          </form>
        </details>
      ) : null}
    </div>
  );
}
