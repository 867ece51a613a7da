import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { getDb } from "@/db";
import { auditFacets, listAuditEvents, parseAuditFilter, type AuditFilter, type AuditPage } from "@/lib/audit/query";
import { canReadAuditLog } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/session";
import { DomainError } from "@/lib/errors";
import { AuditTable } from "./_components/audit-table";

export const metadata: Metadata = { title: "Audit log" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const FILTER_KEYS = ["actor", "action", "subjectType", "subjectId", "from", "to", "order", "size"] as const;

export default async function AuditPageView({ searchParams }: Props) {
  const actor = await requireActor();
  // Who may read comes first: a member's malformed filter is still "not for you", never a failure.
  if (!canReadAuditLog(actor)) {
    return (
      <section aria-labelledby="h">
        <h1 id="h" className="text-xl font-semibold">
          Audit log
        </h1>
        <p role="alert" className="mt-4 text-slate-700">
          Only security and auditors may read the audit log.
        </p>
      </section>
    );
  }
  const raw = await searchParams;
  const db = getDb();

  let filter: AuditFilter | null = null;
  let page: AuditPage = { events: [], newerCursor: null, olderCursor: null };
  let error: DomainError | null = null;
  try {
    filter = parseAuditFilter(raw);
    page = await listAuditEvents(db, actor, filter);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e;
  }
  const facets = await auditFacets(db, actor);
  const value = (k: (typeof FILTER_KEYS)[number]) => (typeof raw[k] === "string" ? (raw[k] as string) : "");
  const link = (cursor: Record<string, number>) => {
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (value(k)) q.set(k, value(k));
    for (const [k, v] of Object.entries(cursor)) q.set(k, String(v));
    return `/audit?${q}`;
  };

  return (
    <section aria-labelledby="audit-heading" className="space-y-4">
      <div>
        <h1 id="audit-heading" className="text-xl font-semibold">
          Audit log
        </h1>
        <p className="text-sm text-slate-600">
          Every change in Steward, append-only and hash-chained. Check the chain with{" "}
          <code className="font-mono">npx steward audit verify</code>.
        </p>
      </div>

      <form
        method="get"
        action="/audit"
        className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-7"
        aria-label="Filter audit events"
      >
        <Field label="Actor" name="actor" defaultValue={value("actor")} placeholder="name or email" />
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor="f-action" className="font-medium">
            Action
          </label>
          <select
            id="f-action"
            name="action"
            defaultValue={value("action")}
            className="rounded-md border border-slate-300 px-2 py-1.5"
          >
            <option value="">Any</option>
            {facets.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor="f-subjectType" className="font-medium">
            Subject type
          </label>
          <select
            id="f-subjectType"
            name="subjectType"
            defaultValue={value("subjectType")}
            className="rounded-md border border-slate-300 px-2 py-1.5"
          >
            <option value="">Any</option>
            {facets.subjectTypes.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Subject id"
          name="subjectId"
          defaultValue={value("subjectId")}
          error={error?.fieldErrors?.subjectId}
        />
        <Field label="From" name="from" type="date" defaultValue={value("from")} error={error?.fieldErrors?.from} />
        <Field label="To" name="to" type="date" defaultValue={value("to")} error={error?.fieldErrors?.to} />
        <div className="flex flex-col gap-1 text-sm">
          <label htmlFor="f-order" className="font-medium">
            Order
          </label>
          <select
            id="f-order"
            name="order"
            defaultValue={value("order") || "desc"}
            className="rounded-md border border-slate-300 px-2 py-1.5"
          >
            <option value="desc">Newest first</option>
            <option value="asc">Oldest first</option>
          </select>
        </div>
        <div className="col-span-2 flex items-end gap-2 md:col-span-4 lg:col-span-7">
          <button type="submit" className={buttonClass("primary")}>
            Apply filters
          </button>
          <Link href="/audit" className={buttonClass("ghost")}>
            Clear
          </Link>
        </div>
      </form>

      {error ? (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          {error.message}{" "}
          {Object.entries(error.fieldErrors ?? {}).map(([k, msgs]) => (
            <span key={k}>
              {k}: {msgs.join(" ")}{" "}
            </span>
          ))}
        </div>
      ) : null}

      <AuditTable events={page.events} />

      <nav aria-label="Audit log pages" className="flex items-center justify-between text-sm">
        {page.newerCursor !== null && filter ? (
          <Link className={buttonClass("secondary")} href={link({ after: page.newerCursor })}>
            ← {filter.order === "desc" ? "Newer" : "Earlier"}
          </Link>
        ) : (
          <span />
        )}
        <span className="text-slate-600">{page.events.length} events on this page</span>
        {page.olderCursor !== null && filter ? (
          <Link className={buttonClass("secondary")} href={link({ before: page.olderCursor })}>
            {filter.order === "desc" ? "Older" : "Later"} →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </section>
  );
}

function Field({
  label,
  name,
  defaultValue,
  type = "text",
  placeholder,
  error,
}: {
  label: string;
  name: string;
  defaultValue: string;
  type?: string;
  placeholder?: string;
  error?: string[];
}) {
  const id = `f-${name}`;
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="rounded-md border border-slate-300 px-2 py-1.5"
      />
      {error ? (
        <span id={`${id}-error`} className="text-xs text-red-700">
          {error.join(" ")}
        </span>
      ) : null}
    </div>
  );
}
