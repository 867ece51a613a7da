import type { ActionResult } from "@/lib/action";

/**
 * A server action's answer beside its form: a status when done, an alert (with field messages if
 * asked) when refused. `className` sets its size and spacing where the form is not text-sm.
 */
export function ActionOutcome({
  result,
  withFields = false,
  className = "text-sm",
}: {
  result: ActionResult;
  withFields?: boolean;
  className?: string;
}) {
  if (!result) return null;
  if (result.ok)
    return (
      <p role="status" className={`${className} text-emerald-800`}>
        {result.message}
      </p>
    );
  const fields = withFields
    ? Object.values(result.fieldErrors ?? {})
        .flat()
        .join(" ")
    : "";
  return (
    <p role="alert" className={`${className} text-red-800`}>
      {result.error}
      {fields ? ` ${fields}` : ""}
    </p>
  );
}
