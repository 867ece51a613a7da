import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { DetailHeader } from "@/components/ui/page-header";
import { Fact, FactList, Panel, PlainTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { canChange, requireActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { humanize, isoDay, isoMinute, plural, relativeTime } from "@/lib/format";
import {
  DERIVED_STATE_LABELS,
  getIdentityDetail,
  type IdentityDetail,
  type PersonRef,
  reviewPeriodDays,
} from "@/lib/identities";
import { RiskBadge, StateBadges, StatusBadge } from "../_components/identity-badges";
import { listRevocations } from "@/lib/revocations";
import { OwnerActions } from "./_components/owner-actions";
import { RevocationPanel } from "./_components/revocation-panel";
import { RiskExplanation } from "./_components/risk-explanation";
import { Timeline } from "./_components/timeline";
import { ReviewUnusualUse } from "./_components/unusual-use";
import { FLAG_LABELS, openUsageFlags } from "@/lib/usage";

export const metadata: Metadata = { title: "Identity" };

type Props = { params: Promise<{ id: string }> };

export default async function IdentityPage({ params }: Props) {
  const actor = await requireActor();
  const { id } = await params;
  const db = getDb();
  let identity: IdentityDetail;
  try {
    identity = await getIdentityDetail(db, actor, id);
  } catch (e) {
    if (e instanceof DomainError && e.code === "not_found") notFound();
    throw e;
  }
  const nowIso = now().toISOString();
  const [period, revocations, unusual] = await Promise.all([
    reviewPeriodDays(db),
    listRevocations(db, actor, {}, identity.id),
    openUsageFlags(db, actor, identity.id),
  ]);
  const rel = (iso: string | null, never = "never") =>
    iso ? `${relativeTime(iso, nowIso)} (${isoMinute(iso)})` : never;

  const facts: [string, React.ReactNode][] = [
    ["Owner", <Person key="o" person={identity.owner} missing="No owner" />],
    ["Backup owner", <Person key="b" person={identity.backupOwner} missing="None" />],
    ["Team", identity.team ?? "—"],
    ["Purpose", identity.purpose ?? <span className="text-slate-600">none stated</span>],
    ["System", `${identity.system.name} (${humanize(identity.system.kind)})`],
    ["Environment", humanize(identity.environment)],
    ["Kind", humanize(identity.kind)],
    ["Created", rel(identity.createdAt)],
    [
      "Expires",
      identity.expiresAt ? rel(identity.expiresAt) : <span className="text-slate-700">never (no expiry)</span>,
    ],
    ["Credential type", humanize(identity.credentialType)],
    ["Rotation period", identity.rotationPeriodDays ? `every ${identity.rotationPeriodDays} days` : "not set"],
    [
      "Secret store",
      identity.secretStore ? (
        <code className="font-mono text-xs break-all">{identity.secretStore}</code>
      ) : (
        "not recorded"
      ),
    ],
    ["Origin", humanize(identity.origin)],
    [
      "Bound account",
      identity.externalId ? (
        <code className="font-mono text-xs break-all">{identity.externalId}</code>
      ) : (
        <span className="text-slate-700">
          none: Steward acts on no account in {identity.system.name} for it, so revoking it ends its record here only
        </span>
      ),
    ],
    ["Last used", rel(identity.lastUsedAt, "never used")],
    ["Last rotated", rel(identity.lastRotatedAt, "never rotated")],
    ...(identity.missingFromImportAt
      ? ([
          [
            "Latest import",
            `Not listed since ${isoMinute(identity.missingFromImportAt)}: removed in ${identity.system.name}, or a partial file? Revoke it if it is gone.`,
          ],
        ] as [string, React.ReactNode][])
      : []),
    ["Next review", rel(identity.nextReviewAt, "not scheduled")],
  ];

  return (
    <article aria-labelledby="identity-heading" className="space-y-6">
      <DetailHeader
        back={{ href: "/identities", label: "Identities" }}
        id="identity-heading"
        title={identity.name}
        titleClassName="text-xl font-semibold break-all"
        badges={
          <>
            <StatusBadge status={identity.status} />
            <RiskBadge
              score={identity.risk.score}
              top={
                identity.risk.factors[0]
                  ? { label: identity.risk.factors[0].label, owasp: identity.risk.factors[0].owasp.id }
                  : null
              }
            />
          </>
        }
      >
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <StateBadges states={identity.states} labels={DERIVED_STATE_LABELS} />
          {canChange(actor) && ["pending", "active", "suspended"].includes(identity.status) ? (
            <Link href={`/break-glass/new?identity=${identity.id}`} className={buttonClass("secondary")}>
              Request break-glass access
            </Link>
          ) : null}
        </div>
      </DetailHeader>

      <div className="grid gap-6 lg:grid-cols-3">
        <Panel id="birth-heading" title="Birth certificate" className="lg:col-span-2">
          <FactList className="mt-3 gap-y-2">
            {facts.map(([k, v]) => (
              <Fact key={k} term={k}>
                {v}
              </Fact>
            ))}
          </FactList>
        </Panel>
        <OwnerActions
          identity={{
            id: identity.id,
            purpose: identity.purpose,
            expiresAt: identity.expiresAt,
            nextReviewAt: identity.nextReviewAt,
          }}
          can={identity.can}
          reviewPeriodDays={period}
          today={nowIso.slice(0, 10)}
        />
      </div>

      {unusual.length ? (
        <section aria-labelledby="unusual-heading" className="rounded-lg border border-red-300 bg-red-50 p-4 text-sm">
          <h2 id="unusual-heading" className="font-semibold">
            Unusual use: {plural(unusual.length, "flag")} to review
          </h2>
          <ul className="mt-2 space-y-1">
            {unusual.map((f) => (
              <li key={f.id}>
                {FLAG_LABELS[f.reason]} at {isoMinute(f.usedAt)}:{" "}
                {Object.entries(f.source)
                  .map(([k, v]) => `${k} ${String(v)}`)
                  .join("; ") || "no source given"}
              </li>
            ))}
          </ul>
          {identity.can.revoke ? <ReviewUnusualUse identityId={identity.id} /> : null}
        </section>
      ) : null}

      <RevocationPanel
        identityId={identity.id}
        canRevoke={identity.can.revoke}
        canConfirm={identity.can.confirmRevocation}
        revocations={revocations}
        entitlements={identity.entitlements
          .filter((e) => e.status === "active")
          .map((e) => ({ id: e.id, label: `${e.permission} on ${e.resource}` }))}
      />

      <RiskExplanation score={identity.risk.score} factors={identity.risk.factors} />

      <Panel id="ent-heading" title="Entitlements">
        {identity.entitlements.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No entitlements recorded.</p>
        ) : (
          <PlainTable
            caption={<>Entitlements of {identity.name}</>}
            headings={["Resource", "Permission", "Status", "Granted", "Expires"]}
          >
            {identity.entitlements.map((e) => (
              <tr key={e.id}>
                <td className="py-1 pr-4 font-mono text-xs break-all">{e.resource}</td>
                <td className="pr-4">
                  {e.permission} {e.privileged ? <Badge tone="warn">privileged</Badge> : null}
                </td>
                <td className="pr-4">
                  {e.status === "pending" ? "Pending: waiting for the system to confirm the grant" : humanize(e.status)}
                </td>
                <td className="pr-4">{isoDay(e.createdAt)}</td>
                <td>
                  {e.expiresAt
                    ? e.expiresAt.slice(11, 16) === "00:00"
                      ? isoDay(e.expiresAt)
                      : isoMinute(e.expiresAt)
                    : "never"}
                </td>
              </tr>
            ))}
          </PlainTable>
        )}
      </Panel>

      {identity.exceptions.length ? (
        <Panel id="exc-heading" title="Policy exceptions">
          <ul className="mt-2 space-y-2 text-sm">
            {identity.exceptions.map((e) => (
              <li key={e.id}>
                <span className="font-mono text-xs">{e.rule}</span> waived {isoDay(e.startsAt)} – {isoDay(e.endsAt)}{" "}
                {e.inForce ? <Badge tone="warn">in force</Badge> : <Badge tone="neutral">ended</Badge>}{" "}
                <a className="text-brand-700 underline" href={`/requests/${e.requestId}`}>
                  the request
                </a>
                <p className="text-slate-600">{e.justification}</p>
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <PairList
          id="req-heading"
          title="Requests"
          empty="No requests about this identity."
          items={identity.requests.map((r) => ({
            key: r.id,
            what: `${humanize(r.type)} by ${r.requester}`,
            how: `${humanize(r.status)} · ${isoDay(r.createdAt)}`,
          }))}
        />
        <PairList
          id="rev-heading"
          title="Reviews"
          empty="Not part of any review campaign yet."
          items={identity.reviews.map(reviewLine)}
        />
      </div>

      <Timeline events={identity.timeline} />
    </article>
  );
}

/** A panel listing items as what happened beside how it stands, or a line when there is none. */
/** A review of the identity: its campaign, and the decision (with who and when) or that it waits. */
function reviewLine(r: IdentityDetail["reviews"][number]) {
  const decision = r.decision ? humanize(r.decision) : "awaiting decision";
  return {
    key: r.id,
    what: r.campaign,
    how: [decision, r.reviewer, r.decidedAt && isoDay(r.decidedAt)].filter(Boolean).join(" · "),
  };
}

function PairList({
  id,
  title,
  empty,
  items,
}: {
  id: string;
  title: string;
  empty: string;
  items: { key: string; what: string; how: string }[];
}) {
  return (
    <Panel id={id} title={title}>
      {items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{empty}</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 text-sm">
          {items.map((item) => (
            <li key={item.key} className="flex flex-wrap justify-between gap-2 py-1.5">
              <span>{item.what}</span>
              <span className="text-slate-600">{item.how}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function Person({ person, missing }: { person: PersonRef; missing: string }) {
  if (!person) return <Badge tone="bad">{missing}</Badge>;
  return (
    <span>
      {person.name} <span className="text-slate-600">({person.email})</span>
      {person.departed ? (
        <span className="ml-1">
          <Badge tone="bad">departed</Badge>
        </span>
      ) : null}
    </span>
  );
}
