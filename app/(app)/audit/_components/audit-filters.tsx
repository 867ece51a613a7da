import { FilterActions } from "@/components/ui/filter-actions";
import { formFields, InputField, SelectField, type FieldErrors } from "@/components/ui/field";

type Props = {
  /** The filter as it came in the URL: a bad value is shown again beside its message. */
  raw: Record<string, string | string[] | undefined>;
  facets: { actions: string[]; subjectTypes: string[] };
  fieldErrors?: FieldErrors;
};

/** A plain GET form: the URL is the log's state, so a view can be bookmarked and shared. */
export function AuditFilters({ raw, facets, fieldErrors }: Props) {
  const value = (k: string) => {
    const v = raw[k];
    return typeof v === "string" ? v : "";
  };
  const f = formFields({ errors: { fieldErrors }, value, idPrefix: "f-" });
  const choices = (values: string[]) => values.map((v) => [v, v] as const);
  return (
    <form
      method="get"
      action="/audit"
      className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-7"
      aria-label="Filter audit events"
    >
      <InputField label="Actor" {...f("actor")} placeholder="name or email" />
      <SelectField label="Action" {...f("action")} blank="Any" options={choices(facets.actions)} />
      <SelectField label="Subject type" {...f("subjectType")} blank="Any" options={choices(facets.subjectTypes)} />
      <InputField label="Subject id" {...f("subjectId")} />
      <InputField label="From" {...f("from")} type="date" />
      <InputField label="To" {...f("to")} type="date" />
      <SelectField
        label="Order"
        {...f("order")}
        defaultValue={value("order") || "desc"}
        options={[
          ["desc", "Newest first"],
          ["asc", "Oldest first"],
        ]}
      />
      <FilterActions clear="/audit" span="lg:col-span-7" />
    </form>
  );
}
