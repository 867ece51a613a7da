import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DetailHeader } from "@/components/ui/page-header";
import { Fact, FactList, Panel, PlainTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { getBreakGlass, type BreakGlassDetail } from "@/lib/break-glass";
import { now } from "@/lib/clock";
import { DomainError } from "@/lib/errors";
import { humanize, isoMinute } from "@/lib/format";
import { Countdown } from "../_components/countdown";
import { DecideBreakGlass, EndNow, PostUseReview } from "../_components/forms";

export const metadata: Metadata = { title: "Break-glass" };

const TONE: Record<string, BadgeTone> = {
  requested: "warn",
  active: "bad",
  ended: "warn",
  reviewed: "good",
  denied: "neutral",
};

type Props = { params: Promise<{ id: string }> };

/** One break-glass: who holds what and why, its countdown, its verification in the system, its timeline, and the look back. */
export default async function BreakGlassRecordPage({ params }: Props) {
  const actor = await requireActor();
  const { id } = await params;
  let g: BreakGlassDetail;
  try {
    g = await getBreakGlass(getDb(), actor, id);
  } catch (e) {
    if (e instanceof DomainError && e.code === "not_found") notFound();
    throw e;
  }
  const op = (o: BreakGlassDetail["grant"], what: string) =>
    o ? (
      <Fact term={what}>
        {humanize(o.status)}
        {o.verifiedAt ? ` — confirmed by the system ${isoMinute(o.verifiedAt)}` : ""}
        {o.lastError ? ` — attempt ${o.attempts}: ${o.lastError}` : ""}
        <details>
          <summary className="cursor-pointer text-brand-700">Evidence</summary>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 text-xs">
            {JSON.stringify(o.evidence, null, 2)}
          </pre>
        </details>
      </Fact>
    ) : null;
  return (
    <article aria-labelledby="bg-heading" className="max-w-4xl space-y-6">
      <DetailHeader
        back={{ href: "/break-glass", label: "Break-glass" }}
        id="bg-heading"
        title={`Break-glass ${g.incidentRef}: ${g.identity}`}
        badges={<Badge tone={TONE[g.status] ?? "neutral"}>{humanize(g.status)}</Badge>}
      >
        <p className="mt-1 text-sm text-slate-700">
          {g.holder}
          {g.onCall ? " (on call)" : ""} holds{" "}
          {g.resource ? `${g.permission} on ${g.resource}` : "the identity itself (its credential)"} in {g.system}, for{" "}
          {g.hours} h.
        </p>
      </DetailHeader>

      {g.status === "active" ? (
        <Panel id="bg-live" title="Open now">
          <p className="mt-2 text-sm">
            Ends {isoMinute(g.hardEndAt)}: <Countdown until={g.hardEndAt} renderedAt={now().toISOString()} />
          </p>
          {g.can.end ? (
            <div className="mt-2">
              <EndNow id={g.id} label={g.incidentRef} />
            </div>
          ) : null}
        </Panel>
      ) : null}

      {g.can.decide ? (
        <Panel id="bg-decide" title="Your decision (security)">
          {g.blockedByOverdue ? (
            <p className="mt-2 text-sm text-red-800" role="note">
              The requester has an overdue post-use review of their own: approving overrides that, and the audit log
              says so.
            </p>
          ) : null}
          <div className="mt-2">
            <DecideBreakGlass id={g.id} />
          </div>
        </Panel>
      ) : null}

      <Panel id="bg-facts" title="What and why">
        <FactList className="mt-2 gap-y-1">
          <Fact term="Identity">
            <Link href={`/identities/${g.identityId}`} className="text-brand-700 underline">
              {g.identity}
            </Link>
          </Fact>
          <Fact term="Incident">{g.incidentRef}</Fact>
          <Fact term="Justification">{g.justification}</Fact>
          <Fact term="Asked">{isoMinute(g.createdAt)}</Fact>
          <Fact term="Window">
            {isoMinute(g.startsAt)} – {isoMinute(g.hardEndAt)}
          </Fact>
          {g.decidedAt ? (
            <Fact term="Decided">
              {g.decidedBy ? `${g.decidedBy}, ` : "policy (on call), "}
              {isoMinute(g.decidedAt)}
              {g.decisionComment ? `: ${g.decisionComment}` : ""}
            </Fact>
          ) : null}
          {g.endedAt ? (
            <Fact term="Ended">
              {isoMinute(g.endedAt)} {g.endReason === "time" ? "at its hard end" : `by ${g.endedBy ?? "hand"}`}
            </Fact>
          ) : null}
          {op(g.grant, "Granted in the system")}
          {op(g.revocation, "Removed from the system")}
        </FactList>
      </Panel>

      {g.status === "ended" || g.status === "reviewed" ? (
        <Panel id="bg-review" title="Post-use review">
          {g.status === "reviewed" ? (
            <p className="mt-2 text-sm">
              Reviewed by {g.reviewedBy} {isoMinute(g.reviewedAt)}: {g.reviewComment}
              {g.requireRotation ? " The credential's rotation was required." : ""}
            </p>
          ) : (
            <>
              <p className={`mt-2 text-sm ${g.reviewOverdue ? "font-semibold text-red-800" : ""}`}>
                Due {isoMinute(g.reviewDueAt)}
                {g.reviewOverdue
                  ? ": overdue. Until it is done, its holder cannot open another break-glass."
                  : "."}{" "}
                Security and the holder&rsquo;s manager look back on what was done in the window below.
              </p>
              {g.can.review ? (
                <div className="mt-2">
                  <PostUseReview id={g.id} />
                </div>
              ) : null}
            </>
          )}
        </Panel>
      ) : null}

      <Panel id="bg-timeline" title="Timeline of its window (and the hour after)">
        <PlainTable
          caption={<>What happened on {g.identity} during the break-glass</>}
          headings={["When", "What", "Who"]}
        >
          {g.timeline.map((e, i) => (
            <tr key={i}>
              <td className="py-1 pr-4 whitespace-nowrap">{isoMinute(e.at)}</td>
              <td className="pr-4 font-mono text-xs">{e.action}</td>
              <td className="pr-4">{e.actor}</td>
            </tr>
          ))}
        </PlainTable>
      </Panel>
    </article>
  );
}
