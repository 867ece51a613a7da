import { pluralWord } from "@/lib/format";
import type { Total } from "@/lib/identities";

/** "1–50 of 1,234", "of about 870,000 (estimate)" or "of more than 10,000": honest about precision. */
export function TotalLine({
  total,
  shown,
  pageNo,
  size,
}: {
  total: Total;
  shown: number;
  pageNo: number;
  size: number;
}) {
  const from = shown ? (pageNo - 1) * size + 1 : 0;
  const to = shown ? from + shown - 1 : 0;
  const n = (v: number) => v.toLocaleString("en");
  let of: React.ReactNode;
  switch (total.kind) {
    case "exact":
      of = (
        <>
          of <strong data-testid="total">{n(total.value)}</strong> {pluralWord(total.value, "identity", "identities")}
        </>
      );
      break;
    case "estimate":
      of = (
        <>
          of about <strong data-testid="total">{n(total.value)}</strong> identities{" "}
          <span className="rounded bg-slate-100 px-1 text-xs">estimate</span>
        </>
      );
      break;
    case "atLeast":
      of = (
        <>
          of more than <strong data-testid="total">{n(total.value)}</strong> identities
        </>
      );
      break;
    default:
      of = null;
  }
  return (
    <p className="text-sm text-slate-700" role="status" aria-live="polite">
      {shown ? (
        <>
          Showing {n(from)}–{n(to)}{" "}
        </>
      ) : (
        <>No rows </>
      )}
      {of}
    </p>
  );
}
