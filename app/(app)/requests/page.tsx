import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { buttonClass } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { ErrorAlert, ListPage } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import type { SortLink } from "@/components/ui/sort-header";
import { getDb } from "@/db";
import { REQUEST_STATUSES, REQUEST_TYPES } from "@/db/schema";
import { canChange, hasRole, type Actor } from "@/lib/auth";
import { breakGlassSummary } from "@/lib/break-glass";
import { now } from "@/lib/clock";
import { humanize } from "@/lib/format";
import { flagParam, href } from "@/lib/paging";
import {
  canSeeAllRequests,
  cursorAfter,
  listRequests,
  parseQueueFilter,
  SERVICE_LEVEL_HOURS,
  type QueueFilter,
  type QueueSort,
} from "@/lib/requests";
import { readListPage, type SearchParamsProps as Props } from "../read-or-error";
import { QueueTable } from "./_components/queue-table";

export const metadata: Metadata = { title: "Requests" };

export default async function RequestsPage(props: Props) {
  const { actor, state: filter, error } = await readListPage(props, parseQueueFilter, parseQueueFilter({}));
  // Break-glass waiting for security stands above security's queue: it is urgent by nature.
  const glass = hasRole(actor, "security") ? await breakGlassSummary(getDb(), actor) : null;
  const tabs = [
    { key: "decide", label: "Needs my decision" },
    { key: "mine", label: "My requests" },
    ...(canSeeAllRequests(actor) ? [{ key: "all", label: "All requests" }] : []),
  ];
  // The view as URL params, defaults left out; every link below is this with overrides.
  const view = {
    queue: filter.queue,
    type: filter.type,
    status: filter.status,
    overdue: flagParam(filter.overdue),
    standard: flagParam(filter.standard),
    sort: filter.sort === "created" ? undefined : filter.sort,
    dir: filter.dir === "asc" ? undefined : filter.dir,
    size: filter.size === 50 ? undefined : filter.size,
  };
  const link = (over: Record<string, string | undefined>) => href("/requests", view, over);
  // Clicking the sorted column reverses it; another column starts ascending (oldest first for "Submitted").
  const sortLink = (key: QueueSort, label: string): SortLink => ({
    label,
    href: link({
      sort: key === "created" ? undefined : key,
      dir: filter.sort === key && filter.dir === "asc" ? "desc" : undefined,
    }),
    direction: filter.sort === key ? (filter.dir === "asc" ? "ascending" : "descending") : null,
  });
  const sortLinks = {
    created: sortLink("created", "Submitted"),
    type: sortLink("type", "Request"),
    ...(filter.queue === "decide" ? {} : { status: sortLink("status", "Status") }),
  };

  // A filter by one of a list of values, or any.
  const anyOf = (name: "type" | "status", label: string, values: readonly string[]) => (
    <SelectField
      id={`requests-${name}`}
      label={label}
      name={name}
      defaultValue={filter[name] ?? ""}
      blank="Any"
      options={values.map((t) => [t, humanize(t)])}
    />
  );

  return (
    <ListPage
      id="requests-heading"
      title="Requests"
      actions={
        canChange(actor) ? (
          <Link href="/requests/new" className={buttonClass("primary")}>
            New request
          </Link>
        ) : null
      }
    >
      {glass?.waiting ? (
        <p role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm font-semibold">
          {glass.waiting === 1 ? "1 break-glass waits" : `${glass.waiting} break-glass requests wait`} for security:{" "}
          <Link href="/break-glass" className="text-brand-700 underline">
            approve or deny it now
          </Link>
          .
        </p>
      ) : null}
      <nav aria-label="Queues" className="flex gap-2 text-sm">
        {tabs.map((t) => (
          <Link
            key={t.key}
            href={link({ queue: t.key, status: undefined, standard: undefined, sort: undefined, dir: undefined })}
            aria-current={filter.queue === t.key ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${filter.queue === t.key ? "border-brand-600 bg-brand-50 text-brand-800" : "border-slate-300 bg-white hover:bg-slate-100"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <form
        method="get"
        action="/requests"
        aria-label="Filter requests"
        className="flex flex-wrap items-end gap-3 text-sm"
      >
        <input type="hidden" name="queue" value={filter.queue} />
        {filter.sort !== "created" ? <input type="hidden" name="sort" value={filter.sort} /> : null}
        {filter.dir !== "asc" ? <input type="hidden" name="dir" value={filter.dir} /> : null}
        {anyOf("type", "Type", REQUEST_TYPES)}
        {filter.queue !== "decide" ? anyOf("status", "Status", REQUEST_STATUSES) : null}
        <label className="flex items-center gap-2 pb-2">
          <input type="checkbox" name="overdue" value="1" defaultChecked={filter.overdue} /> Past {SERVICE_LEVEL_HOURS}{" "}
          h
        </label>
        <label className="flex items-center gap-2 pb-2">
          <input type="checkbox" name="standard" value="1" defaultChecked={filter.standard} /> Standard only
        </label>
        <button type="submit" className={buttonClass("secondary")}>
          Apply
        </button>
      </form>
      {error ? <ErrorAlert error={error} then="Showing the default view." /> : null}
      {/* The frame and the filters go out at once; the rows follow when their query returns. */}
      <Suspense
        key={link({ after: filter.after })}
        fallback={
          <p
            role="status"
            className="rounded-lg border border-slate-200 bg-white px-3 py-6 text-center text-sm text-slate-600"
          >
            Loading requests…
          </p>
        }
      >
        <QueueResults actor={actor} filter={filter} link={link} sortLinks={sortLinks} />
      </Suspense>
    </ListPage>
  );
}

async function QueueResults({
  actor,
  filter,
  link,
  sortLinks,
}: {
  actor: Actor;
  filter: QueueFilter;
  link: (over: Record<string, string | undefined>) => string;
  sortLinks: Record<string, SortLink>;
}) {
  const rows = await listRequests(getDb(), actor, filter, now());
  const first = link({});
  return (
    <>
      <QueueTable
        key={first}
        rows={rows}
        sortLinks={sortLinks}
        serviceLevelHours={SERVICE_LEVEL_HOURS}
        bulk={filter.queue === "decide"}
      />
      <Pager
        first={filter.after ? first : null}
        next={rows.length === filter.size ? link({ after: cursorAfter(rows.at(-1)!, filter.sort) }) : null}
      />
    </>
  );
}
