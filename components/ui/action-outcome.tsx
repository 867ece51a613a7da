import type { ActionResult } from "@/lib/action-result";

/** A server action's answer under its form: a status when done, an alert (with field messages if asked) when refused. */
export function ActionOutcome({ result, withFields = false }: { result: ActionResult; withFields?: boolean }) {
  if (!result) return null;
  if (result.ok)
    return (
      <p role="status" className="text-sm text-emerald-800">
        {result.message}
      </p>
    );
  const fields = withFields
    ? Object.values(result.fieldErrors ?? {})
        .flat()
        .join(" ")
    : "";
  return (
    <p role="alert" className="text-sm text-red-800">
      {result.error}
      {fields ? ` ${fields}` : ""}
    </p>
  );
}
