import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { ListPage } from "@/components/ui/page-header";
import { ListTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { canChange, requireActor } from "@/lib/auth";
import { breakGlassBoard, type BreakGlassView } from "@/lib/break-glass";
import { now } from "@/lib/clock";
import { isoMinute } from "@/lib/format";
import { Countdown } from "./_components/countdown";
import { EndNow } from "./_components/forms";

export const metadata: Metadata = { title: "Break-glass" };

const what = (g: BreakGlassView) =>
  g.resource ? `${g.permission} on ${g.resource}` : "the identity itself (its credential)";

function Who({ g }: { g: BreakGlassView }) {
  return (
    <td className="px-3 py-2">
      <Link href={`/break-glass/${g.id}`} className="font-medium text-brand-700 underline">
        {g.incidentRef}
      </Link>
      <span className="block text-xs text-slate-600">
        {g.holder}
        {g.onCall ? " (on call)" : ""}
      </span>
    </td>
  );
}

/**
 * Break-glass at a glance: what waits for security (first), what is open now with its countdown
 * and End now, the post-use reviews to do (overdue first), and the latest closed.
 */
export default async function BreakGlassPage() {
  const actor = await requireActor();
  const board = await breakGlassBoard(getDb(), actor);
  const renderedAt = now().toISOString();
  const identity = (g: BreakGlassView) => (
    <td className="px-3 py-2">
      <Link href={`/identities/${g.identityId}`} className="text-brand-700 underline">
        {g.identity}
      </Link>
      <span className="block text-xs text-slate-600">
        {what(g)} · {g.system}
      </span>
    </td>
  );
  return (
    <ListPage
      id="break-glass-heading"
      title="Break-glass"
      wide
      spaced
      description="Elevated access for incidents: it ends by itself at its hard end (or earlier, with End now), its access is removed and verified in the system, and security and the holder's manager look back on it."
      actions={
        canChange(actor) ? (
          <Link href="/break-glass/new" className={buttonClass("danger")}>
            Request break-glass access
          </Link>
        ) : null
      }
    >
      {board.waiting.length ? (
        <section aria-labelledby="bg-waiting" className="space-y-2">
          <h2 id="bg-waiting" className="font-semibold">
            Waiting for security
          </h2>
          <ListTable
            caption="Break-glass waiting for security"
            headings={["Incident", "Identity", "Asked", "Hours", "Why"]}
            empty=""
            rows={board.waiting.map((g) => (
              <tr key={g.id} className="bg-amber-50">
                <Who g={g} />
                {identity(g)}
                <td className="px-3 py-2 whitespace-nowrap">
                  {isoMinute(g.createdAt)}
                  {g.decidedAt ? <Badge tone="info">approved: starts {isoMinute(g.startsAt)}</Badge> : null}
                  {g.blockedByOverdue ? <Badge tone="bad">overdue review: an approval overrides</Badge> : null}
                </td>
                <td className="px-3 py-2">{g.hours}</td>
                <td className="max-w-sm px-3 py-2">{g.justification}</td>
              </tr>
            ))}
          />
        </section>
      ) : null}
      <section aria-labelledby="bg-active" className="space-y-2">
        <h2 id="bg-active" className="font-semibold">
          Active
        </h2>
        <ListTable
          caption="Active break-glass"
          headings={["Incident", "Identity", "Why", "Ends", "Time left", "End"]}
          empty="No break-glass is active."
          rows={board.active.map((g) => (
            <tr key={g.id}>
              <Who g={g} />
              {identity(g)}
              <td className="max-w-sm px-3 py-2">{g.justification}</td>
              <td className="px-3 py-2 whitespace-nowrap">{isoMinute(g.hardEndAt)}</td>
              <td className="px-3 py-2">
                <Countdown until={g.hardEndAt} renderedAt={renderedAt} />
              </td>
              <td className="px-3 py-2">{g.can.end ? <EndNow id={g.id} label={g.incidentRef} /> : null}</td>
            </tr>
          ))}
        />
      </section>
      <section aria-labelledby="bg-reviews" className="space-y-2">
        <h2 id="bg-reviews" className="font-semibold">
          Post-use reviews open
        </h2>
        <ListTable
          caption="Post-use reviews open"
          headings={["Incident", "Identity", "Ended", "Review due"]}
          empty="No post-use review is open."
          rows={board.reviews.map((g) => (
            <tr key={g.id} className={g.reviewOverdue ? "bg-red-50" : ""}>
              <Who g={g} />
              {identity(g)}
              <td className="px-3 py-2 whitespace-nowrap">
                {isoMinute(g.endedAt)} {g.endReason === "time" ? "(its time was up)" : "(ended by hand)"}
              </td>
              <td className="px-3 py-2 whitespace-nowrap">
                {isoMinute(g.reviewDueAt)} {g.reviewOverdue ? <Badge tone="bad">overdue</Badge> : null}
              </td>
            </tr>
          ))}
        />
      </section>
      {board.reviewed.length ? (
        <section aria-labelledby="bg-closed" className="space-y-2">
          <h2 id="bg-closed" className="font-semibold">
            Recently closed
          </h2>
          <ListTable
            caption="Recently closed break-glass"
            headings={["Incident", "Identity", "Outcome"]}
            empty=""
            rows={board.reviewed.map((g) => (
              <tr key={g.id}>
                <Who g={g} />
                {identity(g)}
                <td className="px-3 py-2">
                  {g.status === "denied"
                    ? `Denied by ${g.decidedBy ?? "security"}`
                    : `Reviewed by ${g.reviewedBy ?? "?"} ${isoMinute(g.reviewedAt)}${g.requireRotation ? " · rotation required" : ""}`}
                </td>
              </tr>
            ))}
          />
        </section>
      ) : null}
    </ListPage>
  );
}
