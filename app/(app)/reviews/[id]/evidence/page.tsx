import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { DetailHeader } from "@/components/ui/page-header";
import { Fact, FactList, PlainTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { humanize, isoMinute } from "@/lib/format";
import { campaignEvidence } from "@/lib/reviews";
import { STATUS_TONE } from "../../_components/progress";

export const metadata: Metadata = { title: "Campaign evidence" };

const at = (d: Date | null) => (d ? isoMinute(d.toISOString()) : "—");

/** The printable evidence of one campaign: how its scope was computed, and every decision with what it did. */
export default async function EvidencePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  const ev = await campaignEvidence(getDb(), actor, id).catch((e) => {
    if (e instanceof DomainError) notFound();
    throw e;
  });
  const c = ev.campaign;
  return (
    <article aria-labelledby="evidence-heading" className="space-y-4 print:text-xs">
      <DetailHeader
        back={{ href: `/reviews/${c.id}`, label: c.name }}
        id="evidence-heading"
        title={`Evidence: ${c.name}`}
        badges={<Badge tone={STATUS_TONE[c.status]}>{humanize(c.status)}</Badge>}
      >
        <p className="text-sm text-slate-600 print:hidden">
          Print this page, or{" "}
          <a className="text-brand-700 underline" href={`/reviews/${c.id}/evidence/export`}>
            download every item as CSV
          </a>
          .
        </p>
      </DetailHeader>
      <FactList className="gap-y-1">
        <Fact term="Scope (the inventory's filter)">
          {ev.scopeWords} <code className="text-xs text-slate-600">{JSON.stringify(c.scope)}</code>
        </Fact>
        <Fact term="Snapshot">
          {at(c.launchedAt)}: {c.scopeCount?.toLocaleString("en") ?? 0} live identities in scope at launch;{" "}
          {c.itemCount?.toLocaleString("en") ?? 0} review items made
          {c.filledAt
            ? c.filledAt.getTime() === c.launchedAt?.getTime()
              ? " in the launch's transaction"
              : ` in parts by ${at(c.filledAt)} (identities created after the launch left out)`
            : " so far (the snapshot is still being taken)"}
        </Fact>
        <Fact term="Created by">{c.createdByName}</Fact>
        <Fact term="Due">{at(c.dueAt)}</Fact>
        <Fact term="Closed">
          {c.closedAt ? `${at(c.closedAt)}; decisions are final` : "not yet: decisions may still change"}
        </Fact>
        <Fact term="No response">{humanize(c.noResponseOutcome)}</Fact>
      </FactList>
      <PlainTable
        caption="Every decision and what it did"
        headings={["Identity", "Reviewer", "Decision", "By, when", "Comment", "Shown", "Applied", "Revocation"]}
      >
        {ev.rows.map((row) => {
          const shown = (row.shown ?? {}) as {
            owner?: string | null;
            riskScore?: number;
            suggestion?: { decision: string } | null;
          };
          return (
            <tr key={row.id} className="align-top">
              <td className="py-1 pr-4">
                {row.identity} <span className="text-slate-600">({row.system})</span>
              </td>
              <td className="pr-4">{row.reviewer ?? "Security"}</td>
              <td className="pr-4">
                {row.decision ? humanize(row.decision) : "waiting"}
                {row.newOwner ? ` to ${row.newOwner}` : ""}
              </td>
              <td className="pr-4">
                {row.decidedBy ?? "—"}
                <span className="block text-xs text-slate-600">{at(row.decidedAt)}</span>
                {row.confirmedBy ? (
                  <span className="block text-xs">
                    second stage: {row.confirmedBy}, {at(row.confirmedAt)}
                  </span>
                ) : null}
              </td>
              <td className="pr-4">{row.comment}</td>
              <td className="pr-4 text-xs">
                {row.decidedBy
                  ? `owner ${shown.owner ?? "none"}, risk ${shown.riskScore ?? "?"}${shown.suggestion ? `, suggested ${shown.suggestion.decision}` : ""}`
                  : ""}
              </td>
              <td className="pr-4">{row.applied}</td>
              <td>
                {row.revocation ? humanize(row.revocation) : ""}
                {row.verifiedAt ? <span className="block text-xs text-slate-600">{at(row.verifiedAt)}</span> : null}
              </td>
            </tr>
          );
        })}
      </PlainTable>
      {ev.rows.length < (c.itemCount ?? 0) ? (
        <p className="text-sm text-slate-600">
          The first {ev.rows.length.toLocaleString("en")} items; the CSV holds all {c.itemCount?.toLocaleString("en")}.
        </p>
      ) : null}
    </article>
  );
}
