import type { Metadata } from "next";
import { Suspense } from "react";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { href } from "@/lib/paging";
import {
  inventoryFacets,
  decodeCursor,
  COLUMN_KEYS,
  inventoryParams,
  parseInventoryFilter,
  SAVED_VIEWS,
  type InventoryFilter,
} from "@/lib/identities";
import { FilterForm } from "./_components/filter-form";
import { InventoryResults, InventoryResultsLoading } from "./_components/inventory-results";
import { TotalLine } from "./_components/total-line";

export const metadata: Metadata = { title: "Identities" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function IdentitiesPage({ searchParams }: Props) {
  const actor = await requireActor();
  const raw = await searchParams;

  let filter: InventoryFilter | null = null;
  let error: DomainError | null = null;
  try {
    filter = parseInventoryFilter(raw);
    // A broken page link is a bad parameter too: say so here, with the other filters.
    if (filter.after) decodeCursor(filter.after, filter.sort, "after");
    if (filter.before) decodeCursor(filter.before, filter.sort, "before");
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e;
  }
  const facets = await inventoryFacets(getDb(), actor, { owner: filter?.owner, team: filter?.team });
  const f: Partial<InventoryFilter> = filter ?? {};
  const visible = filter?.cols ?? [...COLUMN_KEYS];
  // The export is a POST carrying the current filter: it is audited, so no link from elsewhere may start it.
  const exportFields = [...inventoryParams(f)];

  return (
    <section aria-labelledby="identities-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="identities-heading" className="text-xl font-semibold">
            Identities
          </h1>
          <p className="text-sm text-slate-600">
            Every non-human identity you may see: who owns it, what it is for, when it ends and whether it is still
            used.
          </p>
        </div>
        <form method="post" action="/identities/export">
          {exportFields.map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <button type="submit" className={buttonClass("secondary")}>
            Export CSV
          </button>
        </form>
      </div>

      <nav aria-label="Saved views" className="flex flex-wrap gap-2 text-sm">
        {SAVED_VIEWS.map((v) => (
          <Link
            key={v.key}
            href={href("/identities", v.params)}
            className="rounded-full border border-slate-300 bg-white px-3 py-1 hover:bg-slate-100"
          >
            {v.label}
          </Link>
        ))}
        <Link href="/identities" className="rounded-full px-3 py-1 text-slate-700 underline">
          Clear all
        </Link>
      </nav>

      <FilterForm filter={f} raw={raw} facets={facets} visible={visible} fieldErrors={error?.fieldErrors} />

      {error ? (
        <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
          <p className="font-medium">{error.message}</p>
          <ul className="list-disc pl-5">
            {Object.entries(error.fieldErrors ?? {}).map(([k, msgs]) => (
              <li key={k}>
                <span className="font-mono">{k}</span>: {msgs.join(" ")}
              </li>
            ))}
          </ul>
          <Link href="/identities" className="underline">
            Start over with no filters
          </Link>
        </div>
      ) : null}

      {filter && !error ? (
        <Suspense
          key={inventoryParams(filter).toString() + (filter.after ?? "") + (filter.before ?? "")}
          fallback={<InventoryResultsLoading />}
        >
          <InventoryResults actor={actor} filter={filter} visible={visible} />
        </Suspense>
      ) : (
        <TotalLine total={{ kind: "exact", value: 0 }} shown={0} pageNo={1} size={filter?.size ?? 50} />
      )}
    </section>
  );
}
