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

/** A field in its form's flow, full width, its id made unique by the system's. */
const flowField =
  (systemId: string) =>
  (key: string, name = key) => ({
    layout: "flow" as const,
    id: `${key}-${systemId}`,
    name,
    className: "w-full text-sm",
  });

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
  const flow = flowField(id);
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
            {...flow("environment")}
            label="Environment (policy judges every identity in it by this)"
            {...environment}
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
      {system.connector === "steward" ? (
        <p className="text-sm text-gray-600">
          Steward&apos;s own system: its identities are API tokens, revoked by Steward itself.
        </p>
      ) : (
        <details>
          <summary className="cursor-pointer text-sm text-brand-700">Configure the connector</summary>
          <form
            onSubmit={submit(configure)}
            className="mt-2 max-w-lg space-y-2 text-sm"
            aria-label={`Connector of ${system.name}`}
          >
            <input type="hidden" name="systemId" value={id} />
            <SelectField
              {...flow("connector")}
              label="Connector"
              {...connector}
              options={[
                ["manual", "Manual: a person confirms with evidence"],
                ["postgres", "PostgreSQL: login roles and memberships"],
                ["webhook", "Webhook: a signed call to a receiver"],
              ]}
            />
            {connector.value !== "manual" ? (
              <InputField
                {...flow("url")}
                label={`${connector.value === "postgres" ? "Connection URL (postgres://role:password@host/db)" : "Receiver URL"} — blank keeps the stored one`}
                {...url}
                autoComplete="off"
              />
            ) : null}
            {connector.value === "webhook" ? (
              <>
                <InputField
                  {...flow("status", "statusUrl")}
                  label="Status URL (optional; else the receiver calls back)"
                  {...statusUrl}
                />
                <InputField
                  {...flow("secret")}
                  label={`Signing secret ${system.settings.secretSet ? "(set; blank keeps it)" : "(16+ characters)"}`}
                  type="password"
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
      )}
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
            <TextareaField {...flow("reason")} label="Why it ends" rows={2} {...reason} />
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
