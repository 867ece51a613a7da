import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { canReadAuditLog, hasRole } from "@/lib/auth/actor";
import { requireActor } from "@/lib/auth/session";
import { orphanCount, ownedSummary } from "@/lib/identities/summary";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await requireActor();
  const db = getDb();
  const [owned, orphans] = await Promise.all([ownedSummary(db, actor), orphanCount(db, actor)]);
  const cards: { label: string; value: number; hint: string }[] = [
    { label: "Identities you own", value: owned.owned, hint: "active or suspended" },
    { label: "Expiring within 30 days", value: owned.expiring, hint: "extend or let them end" },
    { label: "Expired", value: owned.expired, hint: "past their end date" },
    { label: "Dormant", value: owned.dormant, hint: "no use in 90 days" },
    { label: "Review overdue", value: owned.reviewOverdue, hint: "attest that you still need them" },
    { label: "No expiry", value: owned.noExpiry, hint: "long-lived: give them an end" },
  ];
  return (
    <section aria-labelledby="overview-heading" className="space-y-6">
      <div>
        <h1 id="overview-heading" className="text-xl font-semibold">Welcome, {actor.name.split(" ")[0]}</h1>
        <p className="text-sm text-slate-600">Signed in as {actor.email} with the {actor.roles.join(", ")} role{actor.roles.length > 1 ? "s" : ""}.</p>
      </div>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        {cards.map((c) => (
          <div key={c.label} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-sm text-slate-600">{c.label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">{c.value.toLocaleString("en")}</dd>
            <dd className="text-xs text-slate-600">{c.hint}</dd>
          </div>
        ))}
      </dl>
      {orphans !== null ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4">
          <h2 className="font-medium">Orphaned identities across the company</h2>
          <p className="mt-1 text-sm"><span className="text-2xl font-semibold tabular-nums" data-testid="orphan-count">{orphans.toLocaleString("en")}</span> active identities have no owner or an owner who has left.</p>
        </div>
      ) : null}
      {canReadAuditLog(actor) ? (
        <p className="text-sm"><Link className="text-brand-700 underline" href="/audit">Open the audit log</Link> to see every change and who made it.</p>
      ) : null}
      {hasRole(actor, "admin") ? (
        <p className="text-sm"><Link className="text-brand-700 underline" href="/people">Manage people and roles</Link>.</p>
      ) : null}
    </section>
  );
}
