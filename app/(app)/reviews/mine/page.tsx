import type { Metadata } from "next";
import { ListPage } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { requireActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { certifyNeedsComment, myReviewItems, suggest } from "@/lib/reviews";
import { ReviewQueue, type QueueItem } from "../_components/review-queue";

export const metadata: Metadata = { title: "My reviews" };

/** Every item waiting for the signed-in reviewer across active campaigns, with what a good decision needs. */
export default async function MyReviewsPage() {
  const actor = await requireActor();
  const at = now();
  const items = await myReviewItems(getDb(), actor);
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
    entitlements: x.entitlements ?? [],
    suggestion: suggest(x, at),
    needsComment: certifyNeedsComment(x),
    confirm:
      x.decision === "certify" && x.confirmNeeded && !x.confirmedAt
        ? { by: x.decidedByName, comment: x.comment }
        : null,
    escalatedFrom: x.escalatedAt && x.reviewerId !== actor.personId ? (x.reviewer ?? "the security queue") : null,
  }));
  return (
    <ListPage
      id="my-reviews-heading"
      title="My reviews"
      wide
      spaced
      description="Certify what is still owned and needed, revoke what is not, reassign what belongs to someone else. Decisions can be changed until the campaign closes."
    >
      <ReviewQueue items={queue} nowIso={at.toISOString()} />
    </ListPage>
  );
}
