import { InputField, SelectField, TextareaField } from "@/components/ui/field";

// The fields each request type asks for, inside the request form (request-form.tsx): `v` gives a
// field's value as last submitted, `err` its error.

export type IdentityChoice = { id: string; name: string; environment: string };

type Read = { v: (name: string, fallback?: string) => string; err: (name: string) => string | undefined };

export const WIDE = "w-full text-sm";

const LIFETIME_RULE =
  "Lifetime: while in force, later requests may set an expiry up to the environment's maximum counted from the exception's end";

/** Options whose labels are the values with spaces for underscores. */
const spaced = (values: string[]) => values.map((k) => [k, k.replace(/_/g, " ")] as const);

/** A new identity: everything it will be created with. */
export function NewIdentityFields({
  v,
  err,
  systems,
  requesterEmail,
}: Read & { systems: { id: string; name: string; environment: string }[]; requesterEmail: string }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <InputField id="name" label="Name" name="name" defaultValue={v("name")} className={WIDE} error={err("name")} />
      <SelectField
        id="kind"
        label="Kind"
        name="kind"
        defaultValue={v("kind", "service_account")}
        className={WIDE}
        options={spaced(["service_account", "api_key", "oauth_app", "workload", "ci_token", "bot", "ai_agent"])}
        error={err("kind")}
      />
      <SelectField
        id="systemId"
        label="System (its environment is the identity's)"
        name="systemId"
        defaultValue={v("systemId")}
        className={WIDE}
        blank="Choose…"
        options={systems.map((s) => [s.id, `${s.name} — ${s.environment}`])}
        error={err("systemId")}
      />
      <InputField
        id="ownerId"
        label="Owner (email)"
        name="ownerEmail"
        type="email"
        defaultValue={v("ownerEmail", requesterEmail)}
        className={WIDE}
        error={err("ownerId")}
      />
      <InputField
        id="backupOwnerId"
        label="Backup owner (email, optional)"
        name="backupOwnerEmail"
        type="email"
        defaultValue={v("backupOwnerEmail")}
        className={WIDE}
        error={err("backupOwnerId")}
      />
      <div className="sm:col-span-2">
        <TextareaField
          id="purpose"
          label="Purpose"
          name="purpose"
          rows={2}
          defaultValue={v("purpose")}
          className={WIDE}
          error={err("purpose")}
        />
      </div>
      <InputField
        id="expiresOn"
        label="Expires on"
        name="expiresOn"
        type="date"
        defaultValue={v("expiresOn")}
        className={WIDE}
        error={err("expiresOn")}
      />
      <SelectField
        id="credentialType"
        label="Credential type"
        name="credentialType"
        defaultValue={v("credentialType", "short_lived_token")}
        className={WIDE}
        options={spaced(["static_secret", "certificate", "short_lived_token", "federated"])}
        error={err("credentialType")}
      />
      <InputField
        id="rotationPeriodDays"
        label="Rotate every (days, optional)"
        name="rotationPeriodDays"
        type="number"
        min={1}
        max={3650}
        defaultValue={v("rotationPeriodDays")}
        className={WIDE}
        error={err("rotationPeriodDays")}
      />
      <InputField
        id="secretStore"
        label="Secret store (vault path, optional)"
        name="secretStore"
        defaultValue={v("secretStore")}
        className={WIDE}
        error={err("secretStore")}
      />
      <div className="sm:col-span-2">
        <TextareaField
          id="entitlements"
          label="Entitlements (one per line: resource permission)"
          name="entitlements"
          rows={3}
          defaultValue={v("entitlements")}
          className={`${WIDE} font-mono`}
          error={err("entitlements")}
        />
      </div>
    </div>
  );
}

/** A change to an existing identity: which one, and what the type asks for. */
export function ChangeFields({
  type,
  v,
  err,
  identities,
  identityId,
}: Read & { type: string; identities: IdentityChoice[]; identityId?: string }) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <SelectField
        id="identityId"
        label="Identity"
        name="identityId"
        defaultValue={v("identityId", identityId ?? "")}
        className={WIDE}
        blank="Choose…"
        options={identities.map((i) => [i.id, `${i.name} (${i.environment})`])}
        error={err("identityId")}
      />
      {type === "grant_entitlement" ? (
        <>
          <InputField
            id="resource"
            label="Resource"
            name="resource"
            defaultValue={v("resource")}
            className={WIDE}
            error={err("resource")}
          />
          <InputField
            id="permission"
            label="Permission"
            name="permission"
            defaultValue={v("permission")}
            className={WIDE}
            error={err("permission")}
          />
          <InputField
            id="expiresOn"
            label="Ends on (optional)"
            name="expiresOn"
            type="date"
            defaultValue={v("expiresOn")}
            className={WIDE}
            error={err("expiresOn")}
          />
        </>
      ) : null}
      {type === "extend_expiry" ? (
        <InputField
          id="expiresOn"
          label="New expiry"
          name="expiresOn"
          type="date"
          defaultValue={v("expiresOn")}
          className={WIDE}
          error={err("expiresOn")}
        />
      ) : null}
      {type === "policy_exception" ? (
        <>
          <SelectField
            id="rule"
            label="Rule to waive"
            name="rule"
            defaultValue={v("rule") || "expiry-within-lifetime"}
            className={WIDE}
            options={[["expiry-within-lifetime", LIFETIME_RULE]]}
            error={err("rule")}
          />
          <InputField
            id="endsOn"
            label="Exception ends on"
            name="endsOn"
            type="date"
            defaultValue={v("endsOn")}
            className={WIDE}
            error={err("endsOn")}
          />
        </>
      ) : null}
      {type === "transfer_ownership" ? (
        <InputField
          id="newOwnerId"
          label="New owner (email)"
          name="newOwnerEmail"
          type="email"
          defaultValue={v("newOwnerEmail")}
          className={WIDE}
          error={err("newOwnerId")}
        />
      ) : null}
    </div>
  );
}
