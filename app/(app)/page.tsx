import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { canReadAuditLog, hasRole, requireActor } from "@/lib/auth";
import { orphanTotal, ownedSummary } from "@/lib/identities";
import { breakGlassSummary } from "@/lib/break-glass";
import { unusualUseSummary } from "@/lib/usage";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await requireActor();
  const db = getDb();
  const [owned, orphans, glass, unusual] = await Promise.all([
    ownedSummary(db, actor),
    orphanTotal(db, actor),
    breakGlassSummary(db, actor),
    unusualUseSummary(db, actor),
  ]);
  // Each card opens the inventory on exactly those identities (active or suspended, like the counts).
  const mine = (state?: string) => `/identities?owner=me${state ? `&state=${state}` : ""}`;
  const cards: { label: string; value: number; hint: string; href: string }[] = [
    { label: "Identities you own", value: owned.owned, hint: "active or suspended", href: mine() },
    {
      label: "Expiring within 30 days",
      value: owned.expiring,
      hint: "extend or let them end",
      href: `${mine("expiring")}&sort=expires`,
    },
    { label: "Expired", value: owned.expired, hint: "past their end date", href: mine("expired") },
    { label: "Dormant", value: owned.dormant, hint: "no use in 90 days", href: mine("dormant") },
    {
      label: "Review overdue",
      value: owned.reviewOverdue,
      hint: "attest that you still need them",
      href: mine("review_overdue"),
    },
    { label: "No expiry", value: owned.noExpiry, hint: "long-lived: give them an end", href: mine("no_expiry") },
  ];
  return (
    <section aria-labelledby="overview-heading" className="space-y-6">
      <div>
        <h1 id="overview-heading" className="text-xl font-semibold">
          Welcome, {actor.name.split(" ")[0]}
        </h1>
        <p className="text-sm text-slate-600">
          Signed in as {actor.email} with the {actor.roles.join(", ")} role{actor.roles.length > 1 ? "s" : ""}.
        </p>
      </div>
      {glass.active + glass.waiting + glass.reviewsOpen > 0 ? (
        <div
          role="region"
          aria-label="Break-glass"
          className={`rounded-lg border p-3 text-sm ${glass.reviewsOverdue ? "border-red-300 bg-red-50" : "border-amber-300 bg-amber-50"}`}
        >
          <p className="font-semibold">
            Break-glass: {glass.active} active, {glass.waiting} waiting for security, {glass.reviewsOpen} post-use{" "}
            {glass.reviewsOpen === 1 ? "review" : "reviews"} open
            {glass.reviewsOverdue ? `, ${glass.reviewsOverdue} overdue` : ""}.
          </p>
          <Link href="/break-glass" className="text-brand-700 underline">
            Open break-glass
          </Link>
        </div>
      ) : null}
      {unusual.count > 0 ? (
        <div role="region" aria-label="Unusual use" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm">
          <p className="font-semibold" data-testid="unusual-use">
            Unusual use: {unusual.count.toLocaleString("en")} {unusual.count === 1 ? "identity was" : "identities were"}{" "}
            used from a new source or by a person at a keyboard. Review each on its page:
          </p>
          <ul className="mt-1 flex flex-wrap gap-x-4">
            {unusual.latest.map((i) => (
              <li key={i.id}>
                <Link className="text-brand-700 underline" href={`/identities/${i.id}`}>
                  {i.name}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6">
        {cards.map((c) => (
          <div key={c.label} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-sm text-slate-600">{c.label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <Link
                href={c.href}
                className="underline-offset-2 hover:underline"
                aria-label={`${c.value.toLocaleString("en")} — ${c.label}: open in the inventory`}
              >
                {c.value.toLocaleString("en")}
              </Link>
            </dd>
            <dd className="text-xs text-slate-600">{c.hint}</dd>
          </div>
        ))}
      </dl>
      {orphans !== null ? (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-4">
          <h2 className="font-medium">Orphaned identities across the company</h2>
          <p className="mt-1 text-sm">
            {orphans.kind === "estimate" ? "About " : orphans.kind === "atLeast" ? "More than " : null}
            <span className="text-2xl font-semibold tabular-nums" data-testid="orphan-count">
              {"value" in orphans ? orphans.value.toLocaleString("en") : "?"}
            </span>{" "}
            identities have no owner or an owner who has left.{" "}
            <Link className="text-brand-700 underline" href="/identities?state=orphaned">
              Open them in the inventory
            </Link>
            .
          </p>
        </div>
      ) : null}
      {canReadAuditLog(actor) ? (
        <p className="text-sm">
          <Link className="text-brand-700 underline" href="/audit">
            Open the audit log
          </Link>{" "}
          to see every change and who made it.
        </p>
      ) : null}
      {hasRole(actor, "admin") ? (
        <p className="text-sm">
          <Link className="text-brand-700 underline" href="/people">
            Manage people and roles
          </Link>
          .
        </p>
      ) : null}
    </section>
  );
}
