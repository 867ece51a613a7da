import { buttonClass } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/controls";
import { COLUMN_KEYS, inventoryParams, type InventoryFilter } from "@/lib/identities";

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

/** Which columns the inventory shows: a GET form of its own that carries the current filter along. */
export function ColumnChooser({ filter, visible }: { filter: Partial<InventoryFilter>; visible: string[] }) {
  const keep = [...inventoryParams(filter, { cols: undefined }).entries()];
  return (
    <details className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
      <summary className="cursor-pointer font-medium">Columns</summary>
      <form
        method="get"
        action="/identities"
        aria-label="Choose columns"
        className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1"
      >
        {keep.map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        {COLUMN_KEYS.map((c) => (
          <Checkbox key={c} name="cols" value={c} defaultChecked={visible.includes(c)} label={COLUMN_LABELS[c]} />
        ))}
        <button type="submit" className={buttonClass("secondary")}>
          Show columns
        </button>
      </form>
    </details>
  );
}
