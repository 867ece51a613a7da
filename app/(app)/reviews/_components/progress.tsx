import { Badge } from "@/components/ui/badge";

/**
 * Decided of all as a bar and in words: a native <progress> (no inline style, which the
 * Content-Security-Policy refuses), read out by screen readers with its label.
 */
export function Progress({ decided, items, label }: { decided: number; items: number; label: string }) {
  return (
    <div className="flex items-center gap-2">
      <progress
        aria-label={label}
        value={decided}
        max={Math.max(items, 1)}
        className="h-2 w-32 overflow-hidden rounded-full [&::-moz-progress-bar]:bg-brand-600 [&::-webkit-progress-bar]:bg-slate-200 [&::-webkit-progress-value]:bg-brand-600"
      />
      <span className="whitespace-nowrap text-xs text-slate-700">
        {decided.toLocaleString("en")} / {items.toLocaleString("en")}
      </span>
    </div>
  );
}

/** "overdue", beside a due date or a reviewer who still has items waiting past it. */
export function OverdueMark({ when }: { when: boolean }) {
  return when ? (
    <span className="ml-1">
      <Badge tone="bad">overdue</Badge>
    </span>
  ) : null;
}

export const STATUS_TONE = { draft: "neutral", active: "info", closed: "good" } as const;
