import Link from "next/link";

/** A sortable column's header: a link to the same page sorted by it (the sort lives in the URL). */
export type SortLink = { href: string; direction: "ascending" | "descending" | null; label: string };

export function SortHeader({ link }: { link: SortLink }) {
  const arrow = link.direction === "ascending" ? "▲" : link.direction === "descending" ? "▼" : "";
  return (
    <Link href={link.href} className="inline-flex items-center gap-1 underline-offset-2 hover:underline">
      {link.label}
      <span aria-hidden="true" className="text-xs">
        {arrow}
      </span>
      <span className="sr-only">
        {link.direction ? `, sorted ${link.direction}; activate to reverse` : ", activate to sort"}
      </span>
    </Link>
  );
}
