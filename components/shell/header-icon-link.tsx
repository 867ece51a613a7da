import Link from "next/link";
import type { ReactNode } from "react";

/** An icon link in the header (the bell, the inbox) with its count badge; the label says it in words. */
export function HeaderIconLink({
  href,
  label,
  testId,
  badge,
  children,
}: {
  href: string;
  label: string;
  testId: string;
  /** What the badge shows; nothing when there is nothing to count. */
  badge: string | number | null;
  children: ReactNode;
}) {
  return (
    <Link
      href={href}
      className="relative rounded-md p-2 text-slate-700 hover:bg-slate-100"
      aria-label={label}
      data-testid={testId}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2">
        {children}
      </svg>
      {badge ? (
        <span className="absolute -right-0.5 -top-0.5 rounded-full bg-red-700 px-1.5 text-xs font-semibold text-white">
          {badge}
        </span>
      ) : null}
    </Link>
  );
}
