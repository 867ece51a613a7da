import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth/session";
import { now } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { inventoryFacets } from "@/lib/identities/facets";
import { listIdentities, type InventoryPage } from "@/lib/identities/inventory";
import { COLUMN_KEYS, inventoryParams, parseInventoryFilter, SAVED_VIEWS, sortDir, type InventoryFilter, type SortKey } from "@/lib/identities/inventory-filter";
import { FilterForm } from "./_components/filter-form";
import { InventoryTable, type SortLink } from "./_components/inventory-table";
import { TotalLine } from "./_components/total-line";

export const metadata: Metadata = { title: "Identities" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const HEADER_SORTS: SortKey[] = ["name", "expires", "lastUsed", "risk"];

export default async function IdentitiesPage({ searchParams }: Props) {
  const actor = await requireActor();
  const raw = await searchParams;
  const db = getDb();

  let filter: InventoryFilter | null = null;
  let page: InventoryPage = { rows: [], nextCursor: null, prevCursor: null, total: { kind: "exact", value: 0 } };
  let error: DomainError | null = null;
  try {
    filter = parseInventoryFilter(raw);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e;
  }
  // The page and the pickers' labels are independent: fetch them together.
  const [listed, facets] = await Promise.all([
    filter ? listIdentities(db, actor, filter).catch((e: unknown) => (e instanceof DomainError ? e : Promise.reject(e))) : null,
    inventoryFacets(db, actor, { owner: filter?.owner, team: filter?.team }),
  ]);
  if (listed instanceof DomainError) error = listed;
  else if (listed) page = listed;
  const f: Partial<InventoryFilter> = filter ?? {};
  const visible = filter?.cols ?? [...COLUMN_KEYS];
  const dir = filter ? sortDir(filter) : "asc";

  const sortLinks: Record<string, SortLink> = {};
  for (const key of HEADER_SORTS) {
    const active = f.sort === key || (!f.sort && key === "name");
    const nextDir = active ? (dir === "asc" ? "desc" : "asc") : key === "risk" ? "desc" : "asc";
    sortLinks[key] = {
      href: `/identities?${inventoryParams({ ...f, sort: key, dir: nextDir }, { after: undefined, before: undefined, page: undefined })}`,
      direction: active ? (dir === "asc" ? "ascending" : "descending") : null,
      label: { name: "Name", expires: "Expires", lastUsed: "Last used", risk: "Risk" }[key as "name"],
    };
  }
  const pageNo = filter?.page ?? 1;
  const link = (over: Record<string, string | undefined>) => `/identities?${inventoryParams(f, over)}`;
  const exportHref = `/identities/export?${inventoryParams(f)}`;

  return (
    <section aria-labelledby="identities-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="identities-heading" className="text-xl font-semibold">Identities</h1>
          <p className="text-sm text-slate-600">Every non-human identity you may see: who owns it, what it is for, when it ends and whether it is still used.</p>
        </div>
        <a href={exportHref} className={buttonClass("secondary")} download>Export CSV</a>
      </div>

      <nav aria-label="Saved views" className="flex flex-wrap gap-2 text-sm">
        {SAVED_VIEWS.map((v) => (
          <Link key={v.key} href={`/identities?${new URLSearchParams(v.params)}`} className="rounded-full border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100">
            {v.label}
          </Link>
        ))}
        <Link href="/identities" className="rounded-full px-3 py-1 text-slate-700 underline">Clear all</Link>
      </nav>

      <FilterForm filter={f} raw={raw} facets={facets} visible={visible} fieldErrors={error?.fieldErrors} />

      {error ? (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          <p className="font-medium">{error.message}</p>
          <ul className="list-disc pl-5">
            {Object.entries(error.fieldErrors ?? {}).map(([k, msgs]) => <li key={k}><span className="font-mono">{k}</span>: {msgs.join(" ")}</li>)}
          </ul>
          <Link href="/identities" className="underline">Start over with no filters</Link>
        </div>
      ) : null}

      <TotalLine total={page.total} shown={page.rows.length} pageNo={pageNo} size={filter?.size ?? 50} />

      <InventoryTable rows={page.rows} nowIso={now().toISOString()} actorId={actor.personId} visible={visible} sortLinks={sortLinks} />

      <nav aria-label="Pages" className="flex items-center justify-between gap-2 text-sm">
        <div className="flex gap-2">
          {filter && (filter.after || filter.before) ? <Link className={buttonClass("ghost")} href={link({ after: undefined, before: undefined, page: undefined })}>« First</Link> : null}
          {page.prevCursor ? <Link className={buttonClass("secondary")} href={link({ before: page.prevCursor, after: undefined, page: String(Math.max(1, pageNo - 1)) })} rel="prev">← Previous</Link> : null}
        </div>
        <span className="text-slate-600">Page {pageNo.toLocaleString("en")}</span>
        {page.nextCursor ? <Link className={buttonClass("secondary")} href={link({ after: page.nextCursor, before: undefined, page: String(pageNo + 1) })} rel="next">Next →</Link> : <span />}
      </nav>
    </section>
  );
}
