import "server-only";
import {
  cursorAfter,
  decideStage,
  listRequests,
  parseQueueFilter,
  queueFilterSchema,
  requestDecisionSchema,
  requestInputSchema,
  submitRequest,
} from "@/lib/requests";
import { apiRoute } from "../route";
import { decidedSchema, requestPageSchema, submittedSchema } from "../schemas";
import { strict, strictPick } from "../strict";

type Submitted = Awaited<ReturnType<typeof submitRequest>>;

/** A submitted request as the API answers it (the policy decision without its stored extras). */
export function submittedDto(s: Submitted) {
  const d = s.decision;
  return {
    id: s.id,
    status: s.status,
    identityId: s.identityId,
    decision: {
      outcome: d.outcome,
      version: d.version,
      standard: d.standard,
      denials: d.denials,
      rules: d.rules,
      stages: d.stages,
    },
  };
}

export const createRequestRoute = apiRoute(
  {
    method: "POST",
    path: "/requests",
    operationId: "submitRequest",
    summary: "Submit a request",
    description:
      "A new identity, more access (`grant_entitlement`, with an end date or a `duration`), a later expiry, a policy exception or a new owner. Policy decides at once: allowed (`fulfilled`), waiting for approvals (`pending`), or refused (400 with every reason; nothing is stored).",
    tag: "Requests",
    scope: "write",
    body: strict(requestInputSchema),
    response: submittedSchema,
    status: 201,
  },
  async ({ db, actor, body }) => submittedDto(await submitRequest(db, actor, body)),
);

export const listRequestsRoute = apiRoute(
  {
    method: "GET",
    path: "/requests",
    operationId: "listRequests",
    summary: "List requests",
    description:
      "A queue: `decide` (waiting for the caller's decision, the default), `mine` (the caller's own) or `all` (security and auditors). Keyset pages: pass `next` as `after`.",
    tag: "Requests",
    scope: "read",
    query: queueFilterSchema.shape,
    response: requestPageSchema,
  },
  async ({ db, actor, query, at }) => {
    const f = parseQueueFilter(query);
    const rows = await listRequests(db, actor, f, at);
    const full = rows.length >= f.size;
    return { data: rows, next: full ? cursorAfter(rows[rows.length - 1]!, f.sort) : null };
  },
);

export const decideRequestRoute = apiRoute(
  {
    method: "POST",
    path: "/requests/{id}/decision",
    operationId: "decideRequest",
    summary: "Approve or deny a request's current stage",
    description:
      "Only the person the stage waits for (or security, for security's stages) decides, never the requester. Concurrent decisions make one: the others get 409 saying who decided first. A denial needs a comment; an approver may shorten an end date (`shortenTo`), never lengthen it.",
    tag: "Requests",
    scope: "write",
    body: strictPick(requestDecisionSchema, ["decision", "comment", "shortenTo"]),
    response: decidedSchema,
  },
  async ({ db, actor, params, body }) => {
    const d = await decideStage(db, actor, { ...(body as object), requestId: params.id });
    return { ...d, identityId: d.identityId ?? null };
  },
);
