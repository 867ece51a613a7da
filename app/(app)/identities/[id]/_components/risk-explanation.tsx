import { Panel, PlainTable } from "@/components/ui/panel";
import { MAX_RISK, RISK_FACTORS, type RiskFactor } from "@/lib/identities";

/** Every factor of the score: why it counts, its weight and its OWASP NHI Top 10 item. */
export function RiskExplanation({ score, factors }: { score: number; factors: RiskFactor[] }) {
  const sum = factors.reduce((s, f) => s + f.weight, 0);
  const held = new Set(factors.map((f) => f.key));
  return (
    <Panel
      id="risk-heading"
      title={
        <>
          Risk {score} of {MAX_RISK}
        </>
      }
    >
      <p className="mt-1 text-sm text-slate-600">
        The score adds the weight of each factor that holds
        {sum > MAX_RISK ? `, capped at ${MAX_RISK} (the factors add up to ${sum})` : ""}. Each factor maps to an item of
        the OWASP Non-Human Identities Top 10.
      </p>
      {factors.length === 0 ? <p className="mt-2 text-sm">No risk factor holds for this identity.</p> : null}
      <PlainTable
        className="mt-3"
        caption="Risk factors"
        headings={["Factor", "Holds", { label: "Weight", className: "text-right" }, "OWASP NHI", "Why it matters"]}
      >
        {RISK_FACTORS.map((f) => (
          <tr
            key={f.key}
            className={held.has(f.key) ? "" : "text-slate-500"}
            data-testid={held.has(f.key) ? "risk-factor-held" : undefined}
          >
            <td className="py-1 pr-4 font-medium">{f.label}</td>
            <td className="pr-4">{held.has(f.key) ? "yes" : "no"}</td>
            <td className="pr-4 text-right tabular-nums">{held.has(f.key) ? `+${f.weight}` : f.weight}</td>
            <td className="pr-4 whitespace-nowrap">
              {f.owasp.id} {f.owasp.title}
            </td>
            <td>{f.why}</td>
          </tr>
        ))}
      </PlainTable>
    </Panel>
  );
}
