import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClass } from "./button";

/**
 * The prev/next links under every list: "« First" back to the start, the previous and next pages
 * (each only when there is one), and what sits between them (a page number, a count). Hrefs come
 * from the list's `href` builder (lib/paging), so a pager link keeps the view and names its cursor.
 */
export function Pager({
  label = "Pages",
  first,
  prev,
  next,
  prevLabel = "← Previous",
  nextLabel = "Next →",
  children,
}: {
  label?: string;
  first?: string | null;
  prev?: string | null;
  next?: string | null;
  prevLabel?: string;
  nextLabel?: string;
  children?: ReactNode;
}) {
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2 text-sm">
      <div className="flex gap-2">
        {first ? (
          <Link className={buttonClass("ghost")} href={first}>
            « First
          </Link>
        ) : null}
        {prev ? (
          <Link className={buttonClass("secondary")} href={prev} rel="prev">
            {prevLabel}
          </Link>
        ) : null}
      </div>
      {children}
      {next ? (
        <Link className={buttonClass("secondary")} href={next} rel="next">
          {nextLabel}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
