import Link from "next/link";
import { SuggestInput } from "@/components/inventory/suggest-input";
import { buttonClass } from "@/components/ui/button";
import { ENVIRONMENTS, IDENTITY_KINDS, IDENTITY_STATUSES } from "@/db/schema/enums";
import { humanize } from "@/lib/format";
import { DERIVED_STATE_LABELS, DERIVED_STATES } from "@/lib/identities/derived-states";
import type { InventoryFacets } from "@/lib/identities/facets";
import {
  COLUMN_KEYS,
  inventoryParams,
  SORT_KEYS,
  SORT_LABELS,
  type InventoryFilter,
} from "@/lib/identities/inventory-filter";

type Props = {
  filter: Partial<InventoryFilter>;
  raw: Record<string, string | string[] | undefined>;
  facets: InventoryFacets;
  visible: string[];
  fieldErrors?: Record<string, string[]>;
};

const COLUMN_LABELS: Record<string, string> = {
  kind: "Kind",
  system: "System",
  environment: "Environment",
  owner: "Owner",
  team: "Team",
  purpose: "Purpose",
  status: "Status",
  expires: "Expires",
  lastUsed: "Last used",
  risk: "Risk",
  states: "Flags",
};

/**
 * Plain GET forms: the URL is the table's state, so every view can be bookmarked and shared, and
 * the form works before (and without) JavaScript. On a bad value the raw input is shown again.
 */
export function FilterForm({ filter, raw, facets, visible, fieldErrors }: Props) {
  const rawValue = (k: string) => {
    const v = raw[k];
    return typeof v === "string" ? v : Array.isArray(v) ? (v[0] ?? "") : "";
  };
  const value = (k: keyof InventoryFilter) => (filter[k] !== undefined ? String(filter[k]) : rawValue(k));
  const states = new Set(filter.state ?? []);
  const keepForColumns = [...inventoryParams(filter, { cols: undefined }).entries()];

  return (
    <div className="space-y-2">
      <form
        method="get"
        action="/identities"
        aria-label="Filter identities"
        className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-6"
      >
        <div className="col-span-2 flex flex-col gap-1 text-sm">
          <label htmlFor="f-q" className="font-medium">
            Search
          </label>
          <input
            id="f-q"
            name="q"
            type="search"
            defaultValue={value("q")}
            placeholder="name, purpose or external id"
            className="rounded-md border border-slate-300 px-2 py-1.5"
            {...errorProps("q", fieldErrors)}
          />
          <FieldError name="q" errors={fieldErrors} />
        </div>
        <Select
          label="Kind"
          name="kind"
          value={value("kind")}
          options={IDENTITY_KINDS.map((k) => [k, humanize(k)])}
          errors={fieldErrors}
        />
        <Select
          label="System"
          name="system"
          value={value("system")}
          options={facets.systems.map((s) => [s.id, s.name])}
          errors={fieldErrors}
        />
        <Select
          label="Environment"
          name="env"
          value={value("env")}
          options={ENVIRONMENTS.map((k) => [k, humanize(k)])}
          errors={fieldErrors}
        />
        <Select
          label="Status"
          name="status"
          value={value("status")}
          options={IDENTITY_STATUSES.map((k) => [k, humanize(k)])}
          errors={fieldErrors}
        />
        <SuggestInput
          id="f-owner"
          name="owner"
          label="Owner"
          kind="person"
          defaultValue={facets.ownerLabel ?? value("owner")}
          placeholder="me, none or an email"
          fixed={[
            { value: "me", label: "Me" },
            { value: "none", label: "No owner" },
          ]}
          error={fieldErrors?.owner?.join(" ")}
        />
        <SuggestInput
          id="f-team"
          name="team"
          label="Team"
          kind="team"
          defaultValue={facets.teamLabel ?? value("team")}
          placeholder="a team's name"
          error={fieldErrors?.team?.join(" ")}
        />
        <NumberField
          label="Risk at or above"
          name="riskMin"
          value={value("riskMin")}
          min={0}
          max={100}
          errors={fieldErrors}
        />
        <NumberField
          label="Expiring within (days)"
          name="within"
          value={value("within")}
          min={1}
          max={3650}
          errors={fieldErrors}
        />
        <NumberField
          label="Dormant for (days)"
          name="idle"
          value={value("idle")}
          min={1}
          max={3650}
          errors={fieldErrors}
        />
        <Select
          label="Sort by"
          name="sort"
          value={value("sort") || "name"}
          options={SORT_KEYS.map((k) => [k, SORT_LABELS[k]])}
          any={false}
          errors={fieldErrors}
        />
        <Select
          label="Direction"
          name="dir"
          value={value("dir")}
          options={[
            ["asc", "Ascending"],
            ["desc", "Descending"],
          ]}
          anyLabel="Default"
          errors={fieldErrors}
        />
        <Select
          label="Rows per page"
          name="size"
          value={String(filter.size ?? 50)}
          options={["25", "50", "100", "200"].map((n) => [n, n])}
          any={false}
          errors={fieldErrors}
        />
        <fieldset className="col-span-2 md:col-span-4 lg:col-span-6">
          <legend className="text-sm font-medium">Flags</legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {DERIVED_STATES.map((s) => (
              <label key={s} className="inline-flex items-center gap-1.5">
                <input type="checkbox" name="state" value={s} defaultChecked={states.has(s)} />
                {DERIVED_STATE_LABELS[s]}
              </label>
            ))}
            <label className="inline-flex items-center gap-1.5">
              <input type="checkbox" name="privileged" value="1" defaultChecked={filter.privileged === true} />
              Privileged
            </label>
          </div>
          <FieldError name="state" errors={fieldErrors} />
        </fieldset>
        {filter.cols ? <input type="hidden" name="cols" value={filter.cols.join(",")} /> : null}
        <div className="col-span-2 flex items-end gap-2 md:col-span-4 lg:col-span-6">
          <button type="submit" className={buttonClass("primary")}>
            Apply filters
          </button>
          <Link href="/identities" className={buttonClass("ghost")}>
            Clear
          </Link>
        </div>
      </form>

      <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
        <summary className="cursor-pointer font-medium">Columns</summary>
        <form
          method="get"
          action="/identities"
          aria-label="Choose columns"
          className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1"
        >
          {keepForColumns.map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          {COLUMN_KEYS.map((c) => (
            <label key={c} className="inline-flex items-center gap-1.5">
              <input type="checkbox" name="cols" value={c} defaultChecked={visible.includes(c)} />
              {COLUMN_LABELS[c]}
            </label>
          ))}
          <button type="submit" className={buttonClass("secondary")}>
            Show columns
          </button>
        </form>
      </details>
    </div>
  );
}

function errorProps(name: string, errors?: Record<string, string[]>) {
  return errors?.[name] ? { "aria-invalid": true as const, "aria-describedby": `f-${name}-error` } : {};
}

function FieldError({ name, errors }: { name: string; errors?: Record<string, string[]> }) {
  return errors?.[name] ? (
    <span id={`f-${name}-error`} className="text-xs text-red-700">
      {errors[name]!.join(" ")}
    </span>
  ) : null;
}

function Select({
  label,
  name,
  value,
  options,
  any = true,
  anyLabel = "Any",
  errors,
}: {
  label: string;
  name: string;
  value: string;
  options: [string, string][];
  any?: boolean;
  anyLabel?: string;
  errors?: Record<string, string[]>;
}) {
  const known = options.some(([v]) => v === value);
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={`f-${name}`} className="font-medium">
        {label}
      </label>
      <select
        id={`f-${name}`}
        name={name}
        defaultValue={value}
        className="rounded-md border border-slate-300 px-2 py-1.5"
        {...errorProps(name, errors)}
      >
        {any ? <option value="">{anyLabel}</option> : null}
        {!known && value ? <option value={value}>{value}</option> : null}
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      <FieldError name={name} errors={errors} />
    </div>
  );
}

function NumberField({
  label,
  name,
  value,
  min,
  max,
  errors,
}: {
  label: string;
  name: string;
  value: string;
  min: number;
  max: number;
  errors?: Record<string, string[]>;
}) {
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={`f-${name}`} className="font-medium">
        {label}
      </label>
      <input
        id={`f-${name}`}
        name={name}
        type="number"
        min={min}
        max={max}
        defaultValue={value}
        className="rounded-md border border-slate-300 px-2 py-1.5"
        {...errorProps(name, errors)}
      />
      <FieldError name={name} errors={errors} />
    </div>
  );
}
