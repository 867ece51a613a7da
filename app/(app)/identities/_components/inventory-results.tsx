import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { getDb } from "@/db";
import { hasRole, type Actor } from "@/lib/auth/actor";
import { now } from "@/lib/clock";
import { listIdentities } from "@/lib/identities/inventory";
import { inventoryParams, sortDir, type InventoryFilter, type SortKey } from "@/lib/identities/inventory-filter";
import type { SortLink } from "@/components/ui/sort-header";
import { InventoryTable } from "./inventory-table";
import { TotalLine } from "./total-line";

const HEADER_SORTS: Record<string, string> = { name: "Name", expires: "Expires", lastUsed: "Last used", risk: "Risk" };

/**
 * The matching identities, their total and the pager. Streamed after the page's frame (filters,
 * saved views), so the page appears at once and the rows follow as soon as the query returns.
 */
export async function InventoryResults({
  actor,
  filter,
  visible,
}: {
  actor: Actor;
  filter: InventoryFilter;
  visible: string[];
}) {
  const page = await listIdentities(getDb(), actor, filter);
  const dir = sortDir(filter);
  const sortLinks: Record<string, SortLink> = {};
  for (const [key, label] of Object.entries(HEADER_SORTS)) {
    const active = filter.sort === key;
    const nextDir = active ? (dir === "asc" ? "desc" : "asc") : key === "risk" ? "desc" : "asc";
    sortLinks[key] = {
      href: `/identities?${inventoryParams({ ...filter, sort: key as SortKey, dir: nextDir }, { after: undefined, before: undefined, page: undefined })}`,
      direction: active ? (dir === "asc" ? "ascending" : "descending") : null,
      label,
    };
  }
  const pageNo = filter.page;
  const link = (over: Record<string, string | undefined>) => `/identities?${inventoryParams(filter, over)}`;

  return (
    <>
      <TotalLine total={page.total} shown={page.rows.length} pageNo={pageNo} size={filter.size} />
      <InventoryTable
        rows={page.rows}
        nowIso={now().toISOString()}
        actorId={actor.personId}
        visible={visible}
        sortLinks={sortLinks}
        security={hasRole(actor, "security")}
      />
      <nav aria-label="Pages" className="flex items-center justify-between gap-2 text-sm">
        <div className="flex gap-2">
          {filter.after || filter.before ? (
            <Link
              className={buttonClass("ghost")}
              href={link({ after: undefined, before: undefined, page: undefined })}
            >
              « First
            </Link>
          ) : null}
          {page.prevCursor ? (
            <Link
              className={buttonClass("secondary")}
              href={link({ before: page.prevCursor, after: undefined, page: String(Math.max(1, pageNo - 1)) })}
              rel="prev"
            >
              ← Previous
            </Link>
          ) : null}
        </div>
        <span className="text-slate-600">Page {pageNo.toLocaleString("en")}</span>
        {page.nextCursor ? (
          <Link
            className={buttonClass("secondary")}
            href={link({ after: page.nextCursor, before: undefined, page: String(pageNo + 1) })}
            rel="next"
          >
            Next →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </>
  );
}

export function InventoryResultsLoading() {
  return (
    <p
      role="status"
      className="rounded-lg border border-slate-200 bg-white px-3 py-6 text-center text-sm text-slate-600"
    >
      Loading identities…
    </p>
  );
}
