import Link from "next/link";
import { SuggestInput } from "@/components/inventory/suggest-input";
import { buttonClass } from "@/components/ui/button";
import { Checkbox, type Options } from "@/components/ui/controls";
import { FieldError, fieldError, InputField, SelectField, type FieldErrors } from "@/components/ui/field";
import { ENVIRONMENTS, IDENTITY_KINDS, IDENTITY_STATUSES } from "@/db/schema/enums";
import { humanize } from "@/lib/format";
import { DERIVED_STATE_LABELS, DERIVED_STATES } from "@/lib/identities/derived-states";
import type { InventoryFacets } from "@/lib/identities/facets";
import { SORT_KEYS, SORT_LABELS, type InventoryFilter } from "@/lib/identities/inventory-filter";
import { ColumnChooser } from "./column-chooser";

type Props = {
  filter: Partial<InventoryFilter>;
  raw: Record<string, string | string[] | undefined>;
  facets: InventoryFacets;
  visible: string[];
  fieldErrors?: FieldErrors;
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
  const error = (k: string) => fieldError({ fieldErrors }, k);
  const states = new Set(filter.state ?? []);
  const days = (name: "riskMin" | "within" | "idle", label: string, min: number, max: number) => (
    <InputField
      id={`f-${name}`}
      label={label}
      name={name}
      type="number"
      min={min}
      max={max}
      defaultValue={value(name)}
      error={error(name)}
    />
  );

  return (
    <div className="space-y-2">
      <form
        method="get"
        action="/identities"
        aria-label="Filter identities"
        className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-6"
      >
        <div className="col-span-2">
          <InputField
            id="f-q"
            label="Search"
            name="q"
            type="search"
            defaultValue={value("q")}
            placeholder="name, purpose or external id"
            error={error("q")}
          />
        </div>
        <FilterSelect
          name="kind"
          label="Kind"
          value={value("kind")}
          options={IDENTITY_KINDS.map((k) => [k, humanize(k)])}
          blank="Any"
          error={error("kind")}
        />
        <FilterSelect
          name="system"
          label="System"
          value={value("system")}
          options={facets.systems.map((s) => [s.id, s.name])}
          blank="Any"
          error={error("system")}
        />
        <FilterSelect
          name="env"
          label="Environment"
          value={value("env")}
          options={ENVIRONMENTS.map((k) => [k, humanize(k)])}
          blank="Any"
          error={error("env")}
        />
        <FilterSelect
          name="status"
          label="Status"
          value={value("status")}
          options={IDENTITY_STATUSES.map((k) => [k, humanize(k)])}
          blank="Any"
          error={error("status")}
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
          error={error("owner")}
        />
        <SuggestInput
          id="f-team"
          name="team"
          label="Team"
          kind="team"
          defaultValue={facets.teamLabel ?? value("team")}
          placeholder="a team's name"
          error={error("team")}
        />
        {days("riskMin", "Risk at or above", 0, 100)}
        {days("within", "Expiring within (days)", 1, 3650)}
        {days("idle", "Dormant for (days)", 1, 3650)}
        <FilterSelect
          name="sort"
          label="Sort by"
          value={value("sort") || "name"}
          options={SORT_KEYS.map((k) => [k, SORT_LABELS[k]])}
          error={error("sort")}
        />
        <FilterSelect
          name="dir"
          label="Direction"
          value={value("dir")}
          options={[
            ["asc", "Ascending"],
            ["desc", "Descending"],
          ]}
          blank="Default"
          error={error("dir")}
        />
        <FilterSelect
          name="size"
          label="Rows per page"
          value={String(filter.size ?? 50)}
          options={["25", "50", "100", "200"].map((n) => [n, n])}
          error={error("size")}
        />
        <fieldset
          className="col-span-2 md:col-span-4 lg:col-span-6"
          aria-describedby={error("state") ? "f-state-error" : undefined}
        >
          <legend className="text-sm font-medium">Flags</legend>
          <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {DERIVED_STATES.map((s) => (
              <Checkbox key={s} name="state" value={s} defaultChecked={states.has(s)} label={DERIVED_STATE_LABELS[s]} />
            ))}
            <Checkbox name="privileged" value="1" defaultChecked={filter.privileged === true} label="Privileged" />
          </div>
          <FieldError id="f-state" error={error("state")} />
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
      <ColumnChooser filter={filter} visible={visible} />
    </div>
  );
}

/** A filter's select; a value its options do not know (a stale link) is still shown, as typed. */
function FilterSelect({
  name,
  label,
  value,
  options,
  blank,
  error,
}: {
  name: string;
  label: string;
  value: string;
  options: Options;
  blank?: string;
  error?: string;
}) {
  const known = options.some(([v]) => v === value);
  return (
    <SelectField
      id={`f-${name}`}
      label={label}
      name={name}
      defaultValue={value}
      blank={blank}
      options={!known && value ? [[value, value], ...options] : options}
      error={error}
    />
  );
}
