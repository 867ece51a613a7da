"use client";

import { startTransition, useActionState, type FormEvent } from "react";
import { ActionOutcome } from "@/components/ui/action-outcome";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/controls";
import { InputField, SelectField, TextareaField } from "@/components/ui/field";
import { useKeptValue } from "@/components/ui/kept-value";
import type { ActionResult } from "@/lib/action";
import { pluralWord } from "@/lib/format";
import type { SystemView } from "@/lib/systems";
import { configureAction, retireAction, setEnvironmentAction } from "../actions";

const WIDE = "w-full text-sm";

/** An admin's forms for one system: its connector, and retiring it (with the count to confirm). */
export function SystemForms({ system }: { system: SystemView }) {
  const [configured, configure, saving] = useActionState<ActionResult, FormData>(configureAction, null);
  const [retired, retire, retiring] = useActionState<ActionResult, FormData>(retireAction, null);
  const [placed, place, placing] = useActionState<ActionResult, FormData>(setEnvironmentAction, null);
  const environment = useKeptValue(system.environment);
  const connector = useKeptValue(system.connector);
  const url = useKeptValue("");
  const statusUrl = useKeptValue("");
  const reason = useKeptValue("");
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
          <SelectField
            layout="flow"
            id={`environment-${id}`}
            label="Environment (policy judges every identity in it by this)"
            name="environment"
            {...environment}
            className={WIDE}
            options={[
              ["production", "Production"],
              ["staging", "Staging"],
              ["development", "Development"],
            ]}
          />
        </div>
        <Button type="submit" variant="secondary" disabled={placing || environment.value === system.environment}>
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
          <SelectField
            layout="flow"
            id={`connector-${id}`}
            label="Connector"
            name="connector"
            {...connector}
            className={WIDE}
            options={[
              ["manual", "Manual: a person confirms with evidence"],
              ["postgres", "PostgreSQL: login roles and memberships"],
              ["webhook", "Webhook: a signed call to a receiver"],
            ]}
          />
          {connector.value !== "manual" ? (
            <InputField
              layout="flow"
              id={`url-${id}`}
              label={`${connector.value === "postgres" ? "Connection URL (postgres://role:password@host/db)" : "Receiver URL"} — blank keeps the stored one`}
              name="url"
              {...url}
              className={WIDE}
              autoComplete="off"
            />
          ) : null}
          {connector.value === "webhook" ? (
            <>
              <InputField
                layout="flow"
                id={`status-${id}`}
                label="Status URL (optional; else the receiver calls back)"
                name="statusUrl"
                {...statusUrl}
                className={WIDE}
              />
              <InputField
                layout="flow"
                id={`secret-${id}`}
                label={`Signing secret ${system.settings.secretSet ? "(set; blank keeps it)" : "(16+ characters)"}`}
                name="secret"
                type="password"
                className={WIDE}
                autoComplete="new-password"
              />
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
            <TextareaField
              layout="flow"
              id={`reason-${id}`}
              label="Why it ends"
              name="reason"
              rows={2}
              {...reason}
              className={WIDE}
            />
            <Checkbox
              className="flex items-start gap-2"
              required
              name="understood"
              label={
                <span>
                  I understand this revokes all <strong>{system.liveIdentities.toLocaleString("en")}</strong> live{" "}
                  {pluralWord(system.liveIdentities, "identity", "identities")} in {system.name}.
                </span>
              }
            />
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
