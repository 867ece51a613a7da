import type { PreviewState } from "../actions";

const STAGE_LABELS: Record<string, string> = { owner_manager: "the owner's manager", security: "the security team" };

/** The error key a form field answers to (people are typed as emails, checked as ids). */
const errorKey = (field: string) => field.replace(/Email$/, "Id");

/**
 * Policy's verdict in plain words: allowed now, who approves and why, or each reason it is refused.
 * While the form is incomplete it names what is missing only among the fields already touched.
 */
export function PolicyVerdict({ preview, touched }: { preview: PreviewState; touched: ReadonlySet<string> }) {
  if (!preview) return null;
  if ("error" in preview) {
    const keys = new Set([...touched].map(errorKey));
    const shown = Object.entries(preview.fieldErrors ?? {}).filter(([k]) => keys.has(k));
    return (
      <div role="status" className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200">
        <p className="font-medium">{shown.length ? "Not complete yet" : "Fill in the form to see policy's verdict."}</p>
        {shown.length ? (
          <ul className="list-disc pl-5 text-slate-700">
            {shown.map(([k, m]) => (
              <li key={k}>{m.join(" ")}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  const d = preview.decision;
  const tone =
    d.outcome === "deny"
      ? "bg-red-50 ring-red-200 text-red-900"
      : d.outcome === "allow"
        ? "bg-emerald-50 ring-emerald-200 text-emerald-900"
        : "bg-amber-50 ring-amber-200 text-amber-950";
  return (
    <div
      role="status"
      aria-live="polite"
      className={`rounded-md p-3 text-sm ring-1 ${tone}`}
      data-testid="policy-verdict"
    >
      {d.outcome === "allow" ? <p className="font-medium">Allowed at once: this is the standard baseline.</p> : null}
      {d.outcome === "needs_approval" ? (
        <>
          <p className="font-medium">
            Needs approval by {d.stages.map((s) => STAGE_LABELS[s.rule] ?? s.rule).join(", then ")}.
          </p>
          <ul className="list-disc pl-5">
            {d.stages.map((s) => (
              <li key={s.rule}>{s.reason}</li>
            ))}
          </ul>
        </>
      ) : null}
      {d.outcome === "deny" ? (
        <>
          <p className="font-medium">Policy would refuse this:</p>
          <ul className="list-disc pl-5">
            {d.denials.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="mt-1 text-xs opacity-80">Policy {d.version}</p>
    </div>
  );
}
