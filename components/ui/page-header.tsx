import Link from "next/link";
import type { ReactNode } from "react";

/**
 * A page's h1 (its id names the page's section) and the line under it. `actions` (a button, a
 * form) stand to the right; `spaced` keeps the page's own spacing between the heading and the
 * line, as on the pages whose heading stands straight in their section.
 */
export function PageHeader({
  id,
  title,
  description,
  wide = false,
  spaced = false,
  actions,
}: {
  id: string;
  title: ReactNode;
  description?: ReactNode;
  /** A longer introduction: darker text kept to a readable width. */
  wide?: boolean;
  spaced?: boolean;
  /** Given (even as null), the heading and the actions share a row. */
  actions?: ReactNode;
}) {
  const heading = (
    <h1 id={id} className="text-xl font-semibold">
      {title}
    </h1>
  );
  const text = description ? (
    <p className={wide ? "max-w-3xl text-sm text-slate-700" : "text-sm text-slate-600"}>{description}</p>
  ) : null;
  const block = text ? (
    <div className={spaced ? "space-y-4" : undefined}>
      {heading}
      {text}
    </div>
  ) : (
    heading
  );
  return actions !== undefined ? (
    <div className="flex flex-wrap items-end justify-between gap-3">
      {block}
      {actions}
    </div>
  ) : (
    block
  );
}

/**
 * A record's page header: the link back to its list, the h1 (its id names the page's article)
 * with badges beside it, and what follows under them (`children`).
 */
export function DetailHeader({
  back,
  id,
  title,
  titleClassName = "text-xl font-semibold",
  badges,
  children,
}: {
  back: { href: string; label: string };
  id: string;
  title: ReactNode;
  titleClassName?: string;
  badges: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div>
      <Link href={back.href} className="text-sm text-brand-700 underline">
        ← {back.label}
      </Link>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <h1 id={id} className={titleClassName}>
          {title}
        </h1>
        {badges}
      </div>
      {children}
    </div>
  );
}

/** A page the person may not use: its heading and why, read out as an alert. */
export function Refusal({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <section>
      <h1 className="text-xl font-semibold">{title}</h1>
      <p role="alert" className="mt-4">
        {children}
      </p>
    </section>
  );
}

type Problem = { message: string; fieldErrors?: Record<string, string[]> };

/**
 * The alert at the top of a page whose URL could not be read. "line": the message, every field's
 * messages and what the page shows instead (`then`). "box": the message and each field's messages
 * by name, boxed; `fields="list"` lists them under the message, with `children` below (a way out).
 */
export function ErrorAlert({
  error,
  variant = "line",
  fields = "inline",
  then,
  children,
}: {
  error: Problem;
  variant?: "line" | "box";
  fields?: "inline" | "list" | "none";
  then?: string;
  children?: ReactNode;
}) {
  const entries = Object.entries(error.fieldErrors ?? {});
  if (variant === "line") {
    return (
      <p role="alert" className="text-sm text-red-800">
        {error.message}{" "}
        {fields === "none"
          ? null
          : entries
              .map(([, msgs]) => msgs)
              .flat()
              .join(" ") + " "}
        {then}
      </p>
    );
  }
  return (
    <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
      {fields === "list" ? (
        <>
          <p className="font-medium">{error.message}</p>
          <ul className="list-disc pl-5">
            {entries.map(([k, msgs]) => (
              <li key={k}>
                <span className="font-mono">{k}</span>: {msgs.join(" ")}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          {error.message}{" "}
          {entries.map(([k, msgs]) => (
            <span key={k}>
              {k}: {msgs.join(" ")}{" "}
            </span>
          ))}
        </>
      )}
      {children}
    </div>
  );
}

/** A page's section, named by its PageHeader's h1, with the page's content under the header. */
export function ListPage({
  className = "space-y-4",
  children,
  ...header
}: Parameters<typeof PageHeader>[0] & { className?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={header.id} className={className}>
      <PageHeader {...header} />
      {children}
    </section>
  );
}
