import "server-only";
import {
  certifyNeedsComment,
  decideReviewItem,
  parseQueueFilter,
  reviewDecisionSchema,
  reviewQueue,
  reviewQueueFilterSchema,
  suggest,
} from "@/lib/reviews";
import { apiRoute } from "../route";
import { reviewDecidedSchema, reviewItemPageSchema } from "../schemas";
import { strictPick } from "../strict";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const listReviewItemsRoute = apiRoute(
  {
    method: "GET",
    path: "/review-items",
    operationId: "listMyReviewItems",
    summary: "List the review items waiting for me",
    description:
      "The caller's queue across active campaigns (and, for security, the shared queue), each with what a reviewer sees and a suggested decision. Filter by campaign, idleness (`unused` days) and name (`q`); keyset pages of 50: pass `next` as `after`.",
    tag: "Reviews",
    scope: "read",
    query: reviewQueueFilterSchema.shape,
    response: reviewItemPageSchema,
  },
  async ({ db, actor, query, at }) => {
    const page = await reviewQueue(db, actor, parseQueueFilter(query));
    return {
      data: page.items.map((x) => ({
        id: x.id,
        campaignId: x.campaignId,
        identityId: x.identityId,
        identity: x.identity,
        kind: x.kind,
        system: x.system,
        environment: x.environment,
        owner: x.owner,
        ownerDeparted: x.ownerStatus === "departed",
        purpose: x.purpose,
        lastUsedAt: iso(x.lastUsedAt),
        riskScore: x.riskScore,
        entitlements: (x.entitlements ?? []).map((e) => ({
          resource: e.resource,
          permission: e.permission,
          privileged: e.privileged,
        })),
        suggestion: suggest(x, at),
        certifyNeedsComment: certifyNeedsComment(x),
      })),
      total: page.total,
      next: page.next,
    };
  },
);

export const decideReviewItemRoute = apiRoute(
  {
    method: "POST",
    path: "/review-items/{id}/decision",
    operationId: "decideReviewItem",
    summary: "Certify, revoke or reassign a review item",
    description:
      "`reassign` takes `newOwner` (an email). A privileged or high-risk identity is certified with a comment. Nobody decides an identity they own (but the owner who attests) or asked a change for during the campaign.",
    tag: "Reviews",
    scope: "write",
    body: strictPick(reviewDecisionSchema, ["decision", "comment", "newOwner"]),
    response: reviewDecidedSchema,
  },
  async ({ db, actor, params, body }) => decideReviewItem(db, actor, { ...(body as object), itemId: params.id }),
);
