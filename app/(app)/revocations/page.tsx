import type { Metadata } from "next";
import Link from "next/link";
import { RevocationStatus } from "@/components/ui/revocation-status";
import { ErrorAlert, ListPage } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { ListTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { isoMinute } from "@/lib/format";
import { href } from "@/lib/paging";
import {
  cursorAfter,
  listRevocations,
  PAGE_SIZE,
  parseRevocationFilter,
  type RevocationFilter,
} from "@/lib/revocations";
import { readListPage, type SearchParamsProps as Props } from "../read-or-error";

export const metadata: Metadata = { title: "Revocations and grants" };

const OPERATIONS: { key: RevocationFilter["operation"] | undefined; label: string }[] = [
  { key: undefined, label: "Both" },
  { key: "grant", label: "Grants" },
  { key: "revoke", label: "Revocations" },
];

const TABS: { key: RevocationFilter["status"] | undefined; label: string }[] = [
  { key: undefined, label: "All" },
  { key: "attention", label: "Needs attention" },
  { key: "requested", label: "Requested" },
  { key: "executing", label: "Executing" },
  { key: "executed", label: "Awaiting confirmation" },
  { key: "verified", label: "Verified" },
];

/** Every revocation the actor may see (security and auditors: all), where it stands and why. */
export default async function RevocationsPage(props: Props) {
  const { actor, state: filter, error } = await readListPage<RevocationFilter>(props, parseRevocationFilter, {});
  const rows = await listRevocations(getDb(), actor, filter);
  const link = (over: Partial<RevocationFilter>) =>
    href("/revocations", { status: filter.status, operation: filter.operation }, over);
  return (
    <ListPage
      id="revocations-heading"
      title="Revocations and grants"
      wide
      spaced
      description="What Steward carries out in target systems: a revocation or a grant is done when the system confirms it (verified). Failed ones are retried with backoff; after the last attempt they need security."
    >
      <nav aria-label="Revocation status" className="flex flex-wrap gap-2 text-sm">
        {TABS.map((t) => (
          <Link
            key={t.label}
            href={link({ status: t.key })}
            aria-current={filter.status === t.key ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${filter.status === t.key ? "border-brand-600 bg-brand-50 text-brand-800" : "border-slate-300 bg-white hover:bg-slate-100"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <nav aria-label="Operation" className="flex flex-wrap gap-2 text-sm">
        {OPERATIONS.map((t) => (
          <Link
            key={t.label}
            href={link({ operation: t.key })}
            aria-current={filter.operation === t.key ? "page" : undefined}
            className={`rounded-full border px-3 py-1 ${filter.operation === t.key ? "border-brand-600 bg-brand-50 text-brand-800" : "border-slate-300 bg-white hover:bg-slate-100"}`}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      {error ? <ErrorAlert error={error} fields="none" then="Showing all." /> : null}
      <ListTable
        caption="Revocations and grants"
        headings={["Identity", "What", "System", "Status", "Why", "Asked"]}
        empty="No revocations here."
        rows={rows.map((r) => (
          <tr key={r.id} className={r.status === "failed" ? "bg-red-50" : ""}>
            <td className="px-3 py-2">
              <a
                href={`/identities/${r.identityId}`}
                className="font-medium text-brand-700 underline-offset-2 hover:underline"
              >
                {r.identity}
              </a>
            </td>
            <td className="px-3 py-2">
              {r.operation === "grant" ? `Grant ${r.entitlement}` : `Revoke ${r.entitlement ?? "everything"}`}
            </td>
            <td className="px-3 py-2">
              {r.system} <span className="text-slate-600">({r.connector})</span>
            </td>
            <td className="px-3 py-2">
              <RevocationStatus status={r.status} gaveUp={r.gaveUp} />
              {r.status === "failed" ? (
                <p className="mt-1 max-w-sm text-xs text-red-800">
                  Attempt {r.attempts} of {r.maxAttempts}: {r.lastError}
                  {r.nextAttemptAt ? ` Next ${isoMinute(r.nextAttemptAt)}.` : ""}
                </p>
              ) : null}
            </td>
            <td className="px-3 py-2">{r.reason}</td>
            <td className="px-3 py-2 whitespace-nowrap">
              {isoMinute(r.createdAt)}
              {r.requestedBy ? <span className="block text-xs text-slate-600">{r.requestedBy}</span> : null}
            </td>
          </tr>
        ))}
      />
      <Pager
        first={filter.after ? link({}) : null}
        next={rows.length === PAGE_SIZE ? link({ after: cursorAfter(rows.at(-1)!) }) : null}
      />
    </ListPage>
  );
}
