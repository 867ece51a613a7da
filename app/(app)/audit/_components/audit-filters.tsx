import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { fieldError, InputField, SelectField, type FieldErrors } from "@/components/ui/field";

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
  const error = (k: string) => fieldError({ fieldErrors }, k);
  const choices = (values: string[]) => values.map((v) => [v, v] as const);
  return (
    <form
      method="get"
      action="/audit"
      className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-7"
      aria-label="Filter audit events"
    >
      <InputField id="f-actor" label="Actor" name="actor" defaultValue={value("actor")} placeholder="name or email" />
      <SelectField
        id="f-action"
        label="Action"
        name="action"
        defaultValue={value("action")}
        blank="Any"
        options={choices(facets.actions)}
      />
      <SelectField
        id="f-subjectType"
        label="Subject type"
        name="subjectType"
        defaultValue={value("subjectType")}
        blank="Any"
        options={choices(facets.subjectTypes)}
      />
      <InputField
        id="f-subjectId"
        label="Subject id"
        name="subjectId"
        defaultValue={value("subjectId")}
        error={error("subjectId")}
      />
      <InputField id="f-from" label="From" name="from" type="date" defaultValue={value("from")} error={error("from")} />
      <InputField id="f-to" label="To" name="to" type="date" defaultValue={value("to")} error={error("to")} />
      <SelectField
        id="f-order"
        label="Order"
        name="order"
        defaultValue={value("order") || "desc"}
        options={[
          ["desc", "Newest first"],
          ["asc", "Oldest first"],
        ]}
      />
      <div className="col-span-2 flex items-end gap-2 md:col-span-4 lg:col-span-7">
        <button type="submit" className={buttonClass("primary")}>
          Apply filters
        </button>
        <Link href="/audit" className={buttonClass("ghost")}>
          Clear
        </Link>
      </div>
    </form>
  );
}
