import type { Metadata } from "next";
import { ErrorAlert, ListPage } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { getDb } from "@/db";
import { auditFacets, listAuditEvents, parseAuditFilter, type AuditFilter, type AuditPage } from "@/lib/audit";
import { canReadAuditLog, requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { href } from "@/lib/paging";
import { AuditFilters } from "./_components/audit-filters";
import { AuditTable } from "./_components/audit-table";
import type { SearchParamsProps as Props } from "../read-or-error";

export const metadata: Metadata = { title: "Audit log" };

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
  const view = Object.fromEntries(FILTER_KEYS.map((k) => [k, value(k)]));
  const link = (cursor: { after?: string; before?: string }) => href("/audit", view, cursor);

  return (
    <ListPage
      id="audit-heading"
      title="Audit log"
      description={
        <>
          Every change in Steward, append-only and hash-chained. Check the chain with{" "}
          <code className="font-mono">npx steward audit verify</code>.
        </>
      }
    >
      <AuditFilters raw={raw} facets={facets} fieldErrors={error?.fieldErrors} />

      {error ? <ErrorAlert error={error} variant="box" /> : null}

      <AuditTable events={page.events} />

      <Pager
        label="Audit log pages"
        prev={page.newerCursor !== null && filter ? link({ after: page.newerCursor }) : null}
        prevLabel={`← ${filter?.order === "asc" ? "Earlier" : "Newer"}`}
        next={page.olderCursor !== null && filter ? link({ before: page.olderCursor }) : null}
        nextLabel={`${filter?.order === "asc" ? "Later" : "Older"} →`}
      >
        <span className="text-slate-600">{page.events.length} events on this page</span>
      </Pager>
    </ListPage>
  );
}
