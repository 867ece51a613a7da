import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { DetailHeader } from "@/components/ui/page-header";
import { Fact, FactList, Panel, PlainTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { hasRole, requireActor } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { now } from "@/lib/clock";
import { humanize, isoDay, isoMinute, plural } from "@/lib/format";
import { campaignItems, getCampaign, type CampaignDetail } from "@/lib/reviews";
import { CampaignActions } from "../_components/campaign-actions";
import { HandOver } from "../_components/hand-over";
import { OverdueMark, Progress, STATUS_TONE } from "../_components/progress";
import { AutoRefresh } from "@/components/ui/auto-refresh";

export const metadata: Metadata = { title: "Campaign" };

const RULE_WORDS: Record<string, string> = {
  owner: "The owner attests",
  owner_manager: "The owner's manager",
  security: "Security",
  named: "A named person",
};

/** One campaign: what it covers, who reviews, progress per reviewer, and its items. */
export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor();
  const { id } = await params;
  const db = getDb();
  const detail = await getCampaign(db, actor, id).catch((e) => {
    if (e instanceof DomainError) notFound();
    throw e;
  });
  const { campaign: c, reviewers, canManage, namedReviewer, scopeWords, applying } = detail;
  const items = canManage || hasRole(actor, "auditor") ? await campaignItems(db, actor, c.id) : [];
  const overdue = c.status === "active" && c.dueAt.getTime() < now().getTime();
  const filling = c.status === "active" && !c.filledAt;
  // Reviewers with items still undecided, as [value, label] for the hand-over ("security": its queue).
  const handable = reviewers
    .filter((r) => r.decided < r.items)
    .map((r): [string, string] => [r.reviewerId ?? "security", `${r.reviewer} (${r.items - r.decided} undecided)`]);
  return (
    <article aria-labelledby="campaign-heading" className="space-y-6">
      <DetailHeader
        back={{ href: "/reviews", label: "Reviews" }}
        id="campaign-heading"
        title={c.name}
        badges={<Badge tone={STATUS_TONE[c.status]}>{humanize(c.status)}</Badge>}
      >
        {canManage || hasRole(actor, "auditor", "security") ? (
          <p className="mt-1 text-sm">
            <a className="text-brand-700 underline" href={`/reviews/${c.id}/evidence`}>
              Evidence
            </a>{" "}
            (printable, and as CSV)
          </p>
        ) : null}
      </DetailHeader>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel id="facts-heading" title="The campaign">
          <FactList className="mt-2 gap-y-1">
            <Fact term="Scope">{scopeWords}</Fact>
            <Fact term="Snapshot">
              <SnapshotWords campaign={c} />
            </Fact>
            <Fact term="Reviewers">
              {RULE_WORDS[c.reviewerRule]}
              {namedReviewer ? ` (${namedReviewer})` : ""}; otherwise{" "}
              {RULE_WORDS[c.fallbackReviewerRule]?.toLowerCase()}
            </Fact>
            <Fact term="Due">
              {isoDay(c.dueAt.toISOString())}
              <OverdueMark when={overdue} />
            </Fact>
            <Fact term="Reminders">
              {c.reminderEveryDays
                ? `every ${plural(c.reminderEveryDays, "day")} to reviewers with items waiting`
                : "none"}
              {c.remindedAt ? `; last sent ${isoMinute(c.remindedAt.toISOString())}` : ""}
            </Fact>
            {c.escalatedAt ? (
              <Fact term="Escalated">
                {isoMinute(c.escalatedAt.toISOString())}: what was waiting went to each reviewer&apos;s manager (else
                security)
              </Fact>
            ) : null}
            <Fact term="No response">{humanize(c.noResponseOutcome)}</Fact>
            <Fact term="Second stage">
              {c.confirmPrivileged ? "security confirms certifications of privileged or high-risk identities" : "none"}
            </Fact>
            <Fact term="Repeats">
              {c.recurrence === "none" ? "no" : humanize(c.recurrence)}
              {c.nextLaunchAt ? `; next launch ${isoDay(c.nextLaunchAt.toISOString())}` : ""}
            </Fact>
            <Fact term="Created by">{c.createdByName}</Fact>
            {c.closedAt ? <Fact term="Closed">{isoMinute(c.closedAt.toISOString())}</Fact> : null}
          </FactList>
          {canManage ? (
            <div className="mt-4">
              <CampaignActions
                campaignId={c.id}
                status={c.status}
                filling={filling ? `${c.fillNext ?? 0} of ${c.fillParts ?? 0} parts` : null}
                undecided={c.items - c.decided}
                noResponse={c.noResponseOutcome}
              />
            </div>
          ) : null}
        </Panel>
        <Panel id="progress-heading" title="Progress">
          <div className="mt-2">
            <Progress decided={c.decided} items={c.items} label="Decided overall" />
          </div>
          {filling ? (
            <div className="mt-2" role="status">
              <p className="text-sm">
                Taking the snapshot: reviewers decide the items that have arrived while the rest follow.
              </p>
              <Progress decided={c.items} items={c.scopeCount ?? c.items} label="Identities snapshotted" />
              <AutoRefresh />
            </div>
          ) : null}
          {applying ? (
            <div className="mt-2" role="status">
              <p className="text-sm">Applying certifications (moving each identity&apos;s next review date):</p>
              <Progress decided={applying.applied} items={applying.of} label="Certifications applied" />
              <AutoRefresh />
            </div>
          ) : null}
          <PlainTable
            caption="Progress per reviewer"
            headings={["Reviewer", "Decided", "Certified", "Revoked", "Reassigned", "Pace"]}
          >
            {reviewers.map((r) => (
              <tr key={r.reviewerId ?? "security"}>
                <td className="py-1 pr-4">
                  {r.reviewer}
                  <OverdueMark when={overdue && r.decided < r.items} />
                </td>
                <td className="pr-4">
                  <Progress decided={r.decided} items={r.items} label={`${r.reviewer}: decided`} />
                </td>
                <td className="pr-4">{r.certified}</td>
                <td className="pr-4">{r.revoked}</td>
                <td className="pr-4">{r.reassigned}</td>
                <td>
                  {r.perMinute === null ? "—" : `${r.perMinute.toFixed(1)} a minute`}
                  {r.stamped ? (
                    <span className="ml-1">
                      <Badge tone="bad">certified everything</Badge>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </PlainTable>
          {canManage && c.status === "active" && handable.length ? (
            <HandOver campaignId={c.id} reviewers={handable} />
          ) : null}
        </Panel>
      </div>
      {items.length ? (
        <Panel id="items-heading" title={`Items${items.length < c.items ? ` (the first ${items.length})` : ""}`}>
          <PlainTable
            caption="The campaign's items"
            headings={["Identity", "Owner", "Reviewer", "Decision", "Comment", "Applied"]}
          >
            {items.map((x) => (
              <tr key={x.id}>
                <td className="py-1 pr-4">
                  <a href={`/identities/${x.identityId}`} className="text-brand-700 underline underline-offset-2">
                    {x.identity}
                  </a>
                </td>
                <td className="pr-4">{x.owner ?? "no owner"}</td>
                <td className="pr-4">{x.reviewer ?? "Security"}</td>
                <td className="pr-4">{x.decision ? humanize(x.decision) : "waiting"}</td>
                <td className="pr-4">{x.comment}</td>
                <td>{x.applied}</td>
              </tr>
            ))}
          </PlainTable>
        </Panel>
      ) : null}
    </article>
  );
}

/** When the scope was snapshotted and what it made, with the scope's count at launch where it differs. */
function SnapshotWords({ campaign: c }: { campaign: CampaignDetail["campaign"] }) {
  if (!c.launchedAt) return <>not launched yet</>;
  const made = plural(c.items, "item", "items", { grouped: true });
  const launched = isoMinute(c.launchedAt.toISOString());
  if (!c.filledAt)
    return <>{`${launched}: ${made} so far of ${(c.scopeCount ?? 0).toLocaleString("en")} identities in scope`}</>;
  const differs = c.scopeCount !== null && c.scopeCount !== c.items;
  return (
    <>
      {`${launched}: ${made}`}
      {differs
        ? ` (${c.scopeCount!.toLocaleString("en")} identities in scope at launch; the rest left it while the snapshot was taken)`
        : ""}
    </>
  );
}
