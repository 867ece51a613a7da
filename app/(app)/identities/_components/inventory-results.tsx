import { Pager } from "@/components/ui/pager";
import { getDb } from "@/db";
import { hasRole, type Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { listIdentities, inventoryParams, sortDir, type InventoryFilter, type SortKey } from "@/lib/identities";
import { href } from "@/lib/paging";
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
      href: href("/identities", inventoryParams({ ...filter, sort: key as SortKey, dir: nextDir })),
      direction: active ? (dir === "asc" ? "ascending" : "descending") : null,
      label,
    };
  }
  const pageNo = filter.page;
  const view = inventoryParams(filter);

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
      <Pager
        first={filter.after || filter.before ? href("/identities", view) : null}
        prev={
          page.prevCursor ? href("/identities", view, { before: page.prevCursor, page: Math.max(1, pageNo - 1) }) : null
        }
        next={page.nextCursor ? href("/identities", view, { after: page.nextCursor, page: pageNo + 1 }) : null}
      >
        <span className="text-slate-600">Page {pageNo.toLocaleString("en")}</span>
      </Pager>
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
