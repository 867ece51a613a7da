import type { Metadata } from "next";
import { Suspense } from "react";
import { InputField, SelectField } from "@/components/ui/field";
import { FilterActions } from "@/components/ui/filter-actions";
import { ErrorAlert, ListPage } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { getDb } from "@/db";
import { hasRole, type Actor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { href } from "@/lib/paging";
import {
  certifyNeedsComment,
  FILTER_MAX,
  parseQueueFilter,
  QUEUE_COUNT_CAP,
  queueCampaigns,
  reviewQueue,
  suggest,
  type QueueFilter,
} from "@/lib/reviews";
import { readListPage, type SearchParamsProps as Props } from "../../read-or-error";
import { DecideMatching } from "../_components/decide-matching";
import { ReviewQueue, type QueueItem } from "../_components/review-queue";

export const metadata: Metadata = { title: "My reviews" };

/**
 * Every item waiting for the signed-in reviewer across active campaigns, with what a good decision
 * needs; narrowed by campaign, idleness or name (shareable by URL), a page at a time, and decidable
 * all at once over the filter.
 */
export default async function MyReviewsPage(props: Props) {
  const { actor, state: filter, error } = await readListPage<QueueFilter>(props, parseQueueFilter, {});
  const campaigns = await queueCampaigns(getDb(), actor);
  const view = { campaign: filter.campaign, unused: filter.unused, q: filter.q };
  return (
    <ListPage
      id="my-reviews-heading"
      title="My reviews"
      wide
      spaced
      description="Certify what is still owned and needed, revoke what is not, reassign what belongs to someone else. Decisions can be changed until the campaign closes."
    >
      <form
        method="get"
        role="search"
        aria-label="Filter my reviews"
        className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6"
      >
        <SelectField
          id="q-campaign"
          label="Campaign"
          name="campaign"
          defaultValue={filter.campaign ?? ""}
          blank="Every campaign"
          options={campaigns.map((c) => [c.id, c.name] as const)}
        />
        <InputField
          id="q-unused"
          label="Unused for at least (days)"
          name="unused"
          type="number"
          min={1}
          max={3650}
          defaultValue={filter.unused ?? ""}
        />
        <InputField id="q-name" label="Identity name" name="q" defaultValue={filter.q ?? ""} />
        <FilterActions clear="/reviews/mine" span="lg:col-span-6" />
      </form>
      {error ? <ErrorAlert error={error} then="Showing everything waiting for you." /> : null}
      {/* The frame and the filter go out at once; the queue follows when its queries return. */}
      <Suspense
        key={href("/reviews/mine", view, { after: filter.after })}
        fallback={
          <p
            role="status"
            className="rounded-lg border border-slate-200 bg-white px-3 py-6 text-center text-sm text-slate-600"
          >
            Loading your reviews…
          </p>
        }
      >
        <QueueResults actor={actor} filter={filter} view={view} />
      </Suspense>
    </ListPage>
  );
}

async function QueueResults({
  actor,
  filter,
  view,
}: {
  actor: Actor;
  filter: QueueFilter;
  view: Record<string, string | number | undefined>;
}) {
  const at = now();
  const { items, total, next } = await reviewQueue(getDb(), actor, filter);
  const queue: QueueItem[] = items.map((x) => ({
    id: x.id,
    identityId: x.identityId,
    identity: x.identity,
    kind: x.kind,
    system: x.system,
    environment: x.environment,
    owner: x.owner,
    ownerLeft: x.ownerStatus === "departed",
    purpose: x.purpose,
    lastUsedAt: x.lastUsedAt?.toISOString() ?? null,
    riskScore: x.riskScore,
    // What a card shows of each grant: not its resource and permission again, each page carries 50 cards.
    entitlements: (x.entitlements ?? []).map(({ grant, privileged, others, orMore }) => ({
      grant,
      privileged,
      others,
      orMore,
    })),
    suggestion: suggest(x, at),
    needsComment: certifyNeedsComment(x),
    confirm:
      x.decision === "certify" && x.confirmNeeded && !x.confirmedAt
        ? { by: x.decidedByName, comment: x.comment }
        : null,
    escalatedFrom:
      x.escalatedAt && x.reviewerId !== actor.personId && !(x.reviewerId === null && hasRole(actor, "security"))
        ? (x.reviewer ?? "the security queue")
        : null,
  }));
  const filtered = Boolean(filter.campaign || filter.unused || filter.q);
  return (
    <>
      <p className="text-sm" data-testid="queue-count">
        {total > QUEUE_COUNT_CAP ? `More than ${QUEUE_COUNT_CAP.toLocaleString("en")}` : total.toLocaleString("en")}{" "}
        {total === 1 ? "item waits" : "items wait"} for you
        {filtered ? " matching this filter" : ""}
        {total > items.length ? `; ${items.length} on this page` : ""}.
      </p>
      {filtered && total > 0 ? <DecideMatching filter={view} total={total} max={FILTER_MAX} /> : null}
      <ReviewQueue items={queue} nowIso={at.toISOString()} />
      <Pager
        first={filter.after ? href("/reviews/mine", view) : null}
        next={next ? href("/reviews/mine", view, { after: next }) : null}
        nextLabel="Next page →"
      />
    </>
  );
}
