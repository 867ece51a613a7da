import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { getDb } from "@/db";
import { REQUEST_STATUSES, REQUEST_TYPES } from "@/db/schema";
import { requireActor } from "@/lib/auth/session";
import { now } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { humanize, isoDay } from "@/lib/format";
import { RequestStatusBadge } from "./_components/request-status-badge";
import { canSeeAllRequests, cursorAfter, listRequests, parseQueueFilter, type QueueFilter, type QueueRow } from "@/lib/requests/queue";

export const metadata: Metadata = { title: "Requests" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Past this wait a pending request is highlighted: it is holding someone up. */
const SERVICE_LEVEL_HOURS = 48;

export default async function RequestsPage({ searchParams }: Props) {
  const actor = await requireActor();
  const raw = await searchParams;
  let filter: QueueFilter;
  let error: DomainError | null = null;
  try {
    filter = parseQueueFilter(raw);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e;
    filter = parseQueueFilter({});
  }
  const at = now();
  const rows = await listRequests(getDb(), actor, filter, at);
  const tabs = [
    { key: "decide", label: "Needs my decision" },
    { key: "mine", label: "My requests" },
    ...(canSeeAllRequests(actor) ? [{ key: "all", label: "All requests" }] : []),
  ];
  const link = (over: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ queue: filter.queue, type: filter.type, status: filter.status, dir: filter.dir, size: filter.size === 50 ? undefined : String(filter.size), ...over })) if (v) q.set(k, v);
    return `/requests?${q}`;
  };

  return (
    <section aria-labelledby="requests-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 id="requests-heading" className="text-xl font-semibold">Requests</h1>
        <Link href="/requests/new" className={buttonClass("primary")}>New request</Link>
      </div>
      <nav aria-label="Queues" className="flex gap-2 text-sm">
        {tabs.map((t) => (
          <Link key={t.key} href={link({ queue: t.key, status: undefined })} aria-current={filter.queue === t.key ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${filter.queue === t.key ? "border-brand-600 bg-brand-50 text-brand-800" : "border-slate-300 bg-white hover:bg-slate-100"}`}>
            {t.label}
          </Link>
        ))}
      </nav>
      <form method="get" action="/requests" aria-label="Filter requests" className="flex flex-wrap items-end gap-3 text-sm">
        <input type="hidden" name="queue" value={filter.queue} />
        <label className="flex flex-col gap-1"><span className="font-medium">Type</span>
          <select name="type" defaultValue={filter.type ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5">
            <option value="">Any</option>
            {REQUEST_TYPES.map((t) => <option key={t} value={t}>{humanize(t)}</option>)}
          </select>
        </label>
        {filter.queue !== "decide" ? (
          <label className="flex flex-col gap-1"><span className="font-medium">Status</span>
            <select name="status" defaultValue={filter.status ?? ""} className="rounded-md border border-slate-300 px-2 py-1.5">
              <option value="">Any</option>
              {REQUEST_STATUSES.map((t) => <option key={t} value={t}>{humanize(t)}</option>)}
            </select>
          </label>
        ) : null}
        <label className="flex flex-col gap-1"><span className="font-medium">Order</span>
          <select name="dir" defaultValue={filter.dir} className="rounded-md border border-slate-300 px-2 py-1.5">
            <option value="asc">Waiting longest first</option>
            <option value="desc">Newest first</option>
          </select>
        </label>
        <button type="submit" className={buttonClass("secondary")}>Apply</button>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-800">
          {error.message} {Object.values(error.fieldErrors ?? {}).flat().join(" ")} Showing the default view.
        </p>
      ) : null}
      <RequestsTable rows={rows} />
      <nav aria-label="Pages" className="flex justify-between text-sm">
        {filter.after ? <Link href={link({ after: undefined })} className={buttonClass("ghost")}>« First</Link> : <span />}
        {rows.length === filter.size ? <Link href={link({ after: cursorAfter(rows.at(-1)!) })} className={buttonClass("secondary")} rel="next">Next →</Link> : null}
      </nav>
    </section>
  );
}

function RequestsTable({ rows }: { rows: QueueRow[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Requests</caption>
        <thead className="bg-slate-50 text-left text-slate-700">
          <tr><th scope="col" className="px-3 py-2">Request</th><th scope="col" className="px-3 py-2">Requester</th><th scope="col" className="px-3 py-2">Status</th><th scope="col" className="px-3 py-2">Waiting for</th><th scope="col" className="px-3 py-2">Submitted</th><th scope="col" className="px-3 py-2">Waiting</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 ? <tr><td colSpan={6} className="px-3 py-6 text-center text-slate-600">Nothing here.</td></tr> : rows.map((r) => {
            const late = r.status === "pending" && r.waitingHours >= SERVICE_LEVEL_HOURS;
            return (
              <tr key={r.id} className={late ? "bg-amber-50" : ""}>
                <td className="px-3 py-2"><a href={`/requests/${r.id}`} className="font-medium text-brand-700 underline-offset-2 hover:underline">{humanize(r.type)}{r.subject ? `: ${r.subject}` : ""}</a></td>
                <td className="px-3 py-2">{r.requester}</td>
                <td className="px-3 py-2"><RequestStatusBadge status={r.status} /></td>
                <td className="px-3 py-2">{r.stage ? `${r.stage === "owner_manager" ? "owner's manager" : r.stage} (stage ${r.stagePosition} of ${r.stages})` : "—"}{r.mine ? <span className="ml-1"><Badge tone="warn">you</Badge></span> : null}</td>
                <td className="px-3 py-2 whitespace-nowrap">{isoDay(r.createdAt)}</td>
                <td className="px-3 py-2 whitespace-nowrap">{r.status === "pending" ? <>{r.waitingHours < 48 ? `${r.waitingHours} h` : `${Math.floor(r.waitingHours / 24)} days`}{late ? <span className="ml-1"><Badge tone="warn">past {SERVICE_LEVEL_HOURS} h</Badge></span> : null}</> : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
