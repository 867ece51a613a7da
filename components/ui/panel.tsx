import type { ReactNode } from "react";

/**
 * A white panel with its heading: the section is named by the h2 (aria-labelledby), so a screen
 * reader lists it as a region. `className` adds to the frame (a grid span, spacing).
 */
export function Panel({
  id,
  title,
  className,
  children,
}: {
  id: string;
  title: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={id}
      className={`rounded-lg border border-slate-200 bg-white p-4${className ? ` ${className}` : ""}`}
    >
      <h2 id={id} className="font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** One term and its description inside a FactList. */
export function Fact({ term, className, children }: { term: ReactNode; className?: string; children: ReactNode }) {
  return (
    <div className="contents">
      <dt className="text-slate-600">{term}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}

/** Terms beside their descriptions (stacked on a narrow screen); the children are Facts. */
export function FactList({ className, children }: { className: string; children: ReactNode }) {
  return <dl className={`grid grid-cols-1 gap-x-6 text-sm sm:grid-cols-[max-content_1fr] ${className}`}>{children}</dl>;
}

/** A column heading: its label, or the label and extra classes. */
export type Heading = string | { label: string; className: string };

/**
 * A plain table inside a panel: a screen-reader caption, the column headings and the rows (the
 * children, `<tr>`s). Columns are spaced by right padding, the last one has none.
 */
export function PlainTable({
  caption,
  headings,
  className = "mt-2",
  children,
}: {
  caption: ReactNode;
  headings: Heading[];
  className?: string;
  children: ReactNode;
}) {
  return (
    <table className={`${className} min-w-full text-sm`}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="text-left text-slate-700">
          {headings.map((h, i) => {
            const label = typeof h === "string" ? h : h.label;
            const base = i === 0 ? "py-1 pr-4" : i < headings.length - 1 ? "pr-4" : "";
            const extra = typeof h === "string" ? "" : h.className;
            const cls = [base, extra].filter(Boolean).join(" ");
            return (
              <th key={label} scope="col" className={cls || undefined}>
                {label}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">{children}</tbody>
    </table>
  );
}

/** The column headings of a list page's framed table; `medium` draws them in medium weight, not bold. */
export function ListHeadings({ headings, medium = false }: { headings: string[]; medium?: boolean }) {
  return (
    <thead className="bg-slate-50 text-left text-slate-700">
      <tr>
        {headings.map((h) => (
          <th key={h} scope="col" className={medium ? "px-3 py-2 font-medium" : "px-3 py-2"}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * A list page's framed table: the screen-reader caption, the column headings and the rows, or
 * `empty` in one cell across them when there are none.
 */
export function ListTable({
  caption,
  headings,
  empty,
  medium,
  rows,
}: {
  caption: string;
  headings: string[];
  empty?: ReactNode;
  medium?: boolean;
  rows: ReactNode[];
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <ListHeadings headings={headings} medium={medium} />
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 && empty ? (
            <tr>
              <td colSpan={headings.length} className="px-3 py-6 text-center text-slate-600">
                {empty}
              </td>
            </tr>
          ) : (
            rows
          )}
        </tbody>
      </table>
    </div>
  );
}
