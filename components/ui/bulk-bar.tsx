import type { ActionResult } from "@/lib/action";
import { ActionOutcome } from "./action-outcome";
import { Button } from "./button";

type Props = {
  /** The form's accessible name, e.g. "Bulk approve". */
  name: string;
  /** The button's words before the count, e.g. "Approve selected". */
  verb: string;
  hint: string;
  ids: string[];
  action: (formData: FormData) => void;
  pending: boolean;
  result: ActionResult;
  /** Fields the action needs besides the ids (a reason, say). */
  children?: React.ReactNode;
  danger?: boolean;
};

/** The bar above a table with a selection: one button that posts the selected ids, and the outcome. */
export function BulkBar({ name, verb, hint, ids, action, pending, result, children, danger }: Props) {
  return (
    <form action={action} className="flex flex-wrap items-center gap-3 text-sm" aria-label={name}>
      {ids.map((id) => (
        <input key={id} type="hidden" name="ids" value={id} />
      ))}
      {children}
      <Button type="submit" variant={danger ? "danger" : "secondary"} disabled={pending || ids.length === 0}>
        {verb} ({ids.length})
      </Button>
      <span className="text-slate-600">{hint}</span>
      <ActionOutcome result={result} />
    </form>
  );
}
