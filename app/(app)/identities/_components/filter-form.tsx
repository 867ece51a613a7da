import type { ComponentProps } from "react";
import { SuggestInput } from "@/components/inventory/suggest-input";
import { FilterActions } from "@/components/ui/filter-actions";
import { Checkbox } from "@/components/ui/controls";
import { FieldError, fieldError, formFields, InputField, SelectField, type FieldErrors } from "@/components/ui/field";
import { ENVIRONMENTS, IDENTITY_KINDS, IDENTITY_STATUSES } from "@/db/schema/enums";
import { humanize } from "@/lib/format";
import {
  DERIVED_STATE_LABELS,
  DERIVED_STATES,
  type InventoryFacets,
  SORT_KEYS,
  SORT_LABELS,
  type InventoryFilter,
} from "@/lib/identities";
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
  const value = (k: string) => {
    const parsed = filter[k as keyof InventoryFilter];
    return parsed !== undefined ? String(parsed) : rawValue(k);
  };
  const f = formFields({ errors: { fieldErrors }, value, idPrefix: "f-" });
  const error = (k: string) => fieldError({ fieldErrors }, k);
  const states = new Set(filter.state ?? []);
  return (
    <div className="space-y-2">
      <form
        method="get"
        action="/identities"
        aria-label="Filter identities"
        className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-6"
      >
        <div className="col-span-2">
          <InputField label="Search" {...f("q")} type="search" placeholder="name, purpose or external id" />
        </div>
        <FilterSelect label="Kind" {...f("kind")} options={IDENTITY_KINDS.map((k) => [k, humanize(k)])} blank="Any" />
        <FilterSelect label="System" {...f("system")} options={facets.systems.map((s) => [s.id, s.name])} blank="Any" />
        <FilterSelect
          label="Environment"
          {...f("env")}
          options={ENVIRONMENTS.map((k) => [k, humanize(k)])}
          blank="Any"
        />
        <FilterSelect
          label="Status"
          {...f("status")}
          options={IDENTITY_STATUSES.map((k) => [k, humanize(k)])}
          blank="Any"
        />
        <SuggestInput
          label="Owner"
          kind="person"
          {...f("owner")}
          defaultValue={facets.ownerLabel ?? value("owner")}
          placeholder="me, none or an email"
          fixed={[
            { value: "me", label: "Me" },
            { value: "none", label: "No owner" },
          ]}
        />
        <SuggestInput
          label="Team"
          kind="team"
          {...f("team")}
          defaultValue={facets.teamLabel ?? value("team")}
          placeholder="a team's name"
        />
        <InputField label="Risk at or above" {...f("riskMin")} type="number" min={0} max={100} />
        <InputField label="Expiring within (days)" {...f("within")} type="number" min={1} max={3650} />
        <InputField label="Dormant for (days)" {...f("idle")} type="number" min={1} max={3650} />
        <FilterSelect
          label="Sort by"
          {...f("sort")}
          defaultValue={value("sort") || "name"}
          options={SORT_KEYS.map((k) => [k, SORT_LABELS[k]])}
        />
        <FilterSelect
          label="Direction"
          {...f("dir")}
          options={[
            ["asc", "Ascending"],
            ["desc", "Descending"],
          ]}
          blank="Default"
        />
        <FilterSelect
          label="Rows per page"
          {...f("size")}
          defaultValue={String(filter.size ?? 50)}
          options={["25", "50", "100", "200"].map((n) => [n, n])}
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
        <FilterActions clear="/identities" span="lg:col-span-6" />
      </form>
      <ColumnChooser filter={filter} visible={visible} />
    </div>
  );
}

/** A filter's select; a value its options do not know (a stale link) is still shown, as typed. */
function FilterSelect({ options, ...props }: ComponentProps<typeof SelectField>) {
  const shown = String(props.defaultValue ?? "");
  const known = options.some(([v]) => v === shown);
  return <SelectField {...props} options={!known && shown ? [[shown, shown], ...options] : options} />;
}
