/** A bulk decision's fields (over a selection or over a filter): the decision and an optional comment. */
export function BulkDecisionFields({ label = "Decision" }: { label?: string }) {
  return (
    <>
      <label className="flex items-center gap-2">
        <span className="font-medium">{label}</span>
        <select name="decision" className="rounded-md border border-slate-300 px-2 py-1" defaultValue="suggested">
          <option value="suggested">Accept suggestions</option>
          <option value="certify">Certify</option>
          <option value="revoke">Revoke</option>
        </select>
      </label>
      <label className="flex items-center gap-2">
        <span className="font-medium">Comment</span>
        <input name="comment" className="w-56 rounded-md border border-slate-300 px-2 py-1" />
      </label>
    </>
  );
}
