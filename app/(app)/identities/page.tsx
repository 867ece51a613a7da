import type { Metadata } from "next";
import { Suspense } from "react";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { ErrorAlert, ListPage } from "@/components/ui/page-header";
import { getDb } from "@/db";
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
import { mayRunCampaigns } from "@/lib/reviews";
import { readListPage, type SearchParamsProps as Props } from "../read-or-error";
import { FilterForm } from "./_components/filter-form";
import { InventoryResults, InventoryResultsLoading } from "./_components/inventory-results";
import { TotalLine } from "./_components/total-line";

export const metadata: Metadata = { title: "Identities" };

export default async function IdentitiesPage(props: Props) {
  const {
    actor,
    raw,
    state: filter,
    error,
  } = await readListPage<InventoryFilter | null>(
    props,
    (raw) => {
      const parsed = parseInventoryFilter(raw);
      // A broken page link is a bad parameter too: say so here, with the other filters.
      if (parsed.after) decodeCursor(parsed.after, parsed.sort, "after");
      if (parsed.before) decodeCursor(parsed.before, parsed.sort, "before");
      return parsed;
    },
    null,
  );
  const facets = await inventoryFacets(getDb(), actor, { owner: filter?.owner, team: filter?.team });
  const f: Partial<InventoryFilter> = filter ?? {};
  const visible = filter?.cols ?? [...COLUMN_KEYS];
  // The export is a POST carrying the current filter: it is audited, so no link from elsewhere may start it.
  const exportFields = [...inventoryParams(f)];

  return (
    <ListPage
      id="identities-heading"
      title="Identities"
      description="Every non-human identity you may see: who owns it, what it is for, when it ends and whether it is still used."
      actions={
        <div className="flex flex-wrap gap-2">
          {mayRunCampaigns(actor) ? (
            <Link
              href={`/reviews/new?${inventoryParams(f, { sort: undefined, dir: undefined, size: undefined, cols: undefined })}`}
              className={buttonClass("secondary")}
            >
              Review these identities
            </Link>
          ) : null}
          <form method="post" action="/identities/export">
            {exportFields.map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <button type="submit" className={buttonClass("secondary")}>
              Export CSV
            </button>
          </form>
        </div>
      }
    >
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
        <ErrorAlert error={error} variant="box" fields="list">
          <Link href="/identities" className="underline">
            Start over with no filters
          </Link>
        </ErrorAlert>
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
    </ListPage>
  );
}
