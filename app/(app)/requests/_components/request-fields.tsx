import { InputField, SelectField, TextareaField, type FormFields } from "@/components/ui/field";

// The fields each request type asks for, inside the request form (request-form.tsx). `f(key, name)`
// gives a field its id, name, error and the value last submitted; `v` reads a value with a default.

export type IdentityChoice = { id: string; name: string; environment: string };

type Fields = {
  f: FormFields;
  v: (name: string, fallback?: string) => string;
};

const LIFETIME_RULE =
  "Lifetime: while in force, later requests may set an expiry up to the environment's maximum counted from the exception's end";

/** Options whose labels are the values with spaces for underscores. */
const spaced = (values: string[]) => values.map((k) => [k, k.replace(/_/g, " ")] as const);

/** A new identity: everything it will be created with. */
export function NewIdentityFields({
  f,
  v,
  systems,
  requesterEmail,
}: Fields & { systems: { id: string; name: string; environment: string }[]; requesterEmail: string }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <InputField label="Name" {...f("name")} />
      <SelectField
        label="Kind"
        {...f("kind")}
        defaultValue={v("kind", "service_account")}
        options={spaced(["service_account", "api_key", "oauth_app", "workload", "ci_token", "bot", "ai_agent"])}
      />
      <SelectField
        label="System (its environment is the identity's)"
        {...f("systemId")}
        blank="Choose…"
        options={systems.map((s) => [s.id, `${s.name} — ${s.environment}`])}
      />
      <InputField
        label="Owner (email)"
        {...f("ownerId", "ownerEmail")}
        type="email"
        defaultValue={v("ownerEmail", requesterEmail)}
      />
      <InputField label="Backup owner (email, optional)" {...f("backupOwnerId", "backupOwnerEmail")} type="email" />
      <div className="sm:col-span-2">
        <TextareaField label="Purpose" {...f("purpose")} rows={2} />
      </div>
      <InputField label="Expires on" {...f("expiresOn")} type="date" />
      <SelectField
        label="Credential type"
        {...f("credentialType")}
        defaultValue={v("credentialType", "short_lived_token")}
        options={spaced(["static_secret", "certificate", "short_lived_token", "federated"])}
      />
      <InputField label="Rotate every (days, optional)" {...f("rotationPeriodDays")} type="number" min={1} max={3650} />
      <InputField label="Secret store (vault path, optional)" {...f("secretStore")} />
      <div className="sm:col-span-2">
        <TextareaField
          label="Entitlements (one per line: resource permission)"
          {...f("entitlements")}
          rows={3}
          className="w-full font-mono text-sm"
        />
      </div>
    </div>
  );
}

/** A change to an existing identity: which one, and what the type asks for. */
export function ChangeFields({
  type,
  f,
  v,
  identities,
  identityId,
}: Fields & { type: string; identities: IdentityChoice[]; identityId?: string }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <SelectField
        label="Identity"
        {...f("identityId")}
        defaultValue={v("identityId", identityId ?? "")}
        blank="Choose…"
        options={identities.map((i) => [i.id, `${i.name} (${i.environment})`])}
      />
      {type === "grant_entitlement" ? (
        <>
          <InputField label="Resource" {...f("resource")} />
          <InputField label="Permission" {...f("permission")} />
          <InputField
            label="Ends on (optional)"
            {...f("expiresOn")}
            type="date"
            description="Or give a duration instead: just-in-time access that ends by itself."
          />
          <InputField label="Duration (optional)" {...f("duration")} type="number" min={1} />
          <SelectField
            label="Duration in"
            {...f("durationUnit")}
            defaultValue={v("durationUnit", "hours")}
            options={[
              ["hours", "hours"],
              ["days", "days"],
            ]}
          />
        </>
      ) : null}
      {type === "extend_expiry" ? <InputField label="New expiry" {...f("expiresOn")} type="date" /> : null}
      {type === "policy_exception" ? (
        <>
          <SelectField
            label="Rule to waive"
            {...f("rule")}
            defaultValue={v("rule") || "expiry-within-lifetime"}
            options={[["expiry-within-lifetime", LIFETIME_RULE]]}
          />
          <InputField label="Exception ends on" {...f("endsOn")} type="date" />
        </>
      ) : null}
      {type === "transfer_ownership" ? (
        <InputField label="New owner (email)" {...f("newOwnerId", "newOwnerEmail")} type="email" />
      ) : null}
    </div>
  );
}
