import { Badge, type BadgeTone } from "@/components/ui/badge";
import { humanize } from "@/lib/format";
import { riskBand } from "@/lib/identities/browser";

const STATUS_TONE: Record<string, BadgeTone> = {
  active: "good",
  pending: "info",
  suspended: "warn",
  revoked: "neutral",
  expired: "neutral",
};
const STATE_TONE: Record<string, BadgeTone> = {
  orphaned: "bad",
  expired: "bad",
  dormant: "warn",
  expiring: "warn",
  review_overdue: "warn",
  rotation_overdue: "warn",
  no_expiry: "info",
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? "neutral"}>{humanize(status)}</Badge>;
}

export function StateBadges({ states, labels }: { states: string[]; labels: Record<string, string> }) {
  if (!states.length) return <span className="text-slate-500">—</span>;
  return (
    <ul className="flex max-w-56 flex-wrap gap-1" aria-label="Flags">
      {states.map((s) => (
        <li key={s}>
          <Badge tone={STATE_TONE[s] ?? "neutral"}>{labels[s] ?? s}</Badge>
        </li>
      ))}
    </ul>
  );
}

export function RiskBadge({ score, top }: { score: number; top: { label: string; owasp: string } | null }) {
  const tone: BadgeTone = { high: "bad", medium: "warn", low: "good" }[riskBand(score)] as BadgeTone;
  return (
    <span className="flex min-w-32 flex-col gap-0.5">
      <span>
        <Badge tone={tone}>
          <span className="tabular-nums">{score}</span>
          <span className="sr-only"> out of 100</span>
        </Badge>
      </span>
      {top ? (
        <span className="text-xs text-slate-600">
          {top.label} ({top.owasp})
        </span>
      ) : null}
    </span>
  );
}
