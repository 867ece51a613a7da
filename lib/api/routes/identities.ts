import "server-only";
import { getIdentityDetail, inventoryFilterSchema, listIdentities, parseInventoryFilter } from "@/lib/identities";
import { requestInputSchema, submitRequest } from "@/lib/requests";
import { apiRoute } from "../route";
import { identityDetailSchema, identityPageSchema, submittedSchema } from "../schemas";
import { strict } from "../strict";
import { submittedDto } from "./requests";

// The inventory through the API: the same filters, sorts and keyset cursors as /identities, in the
// caller's scope (lib/identities decides it, as for the page).

const { page: _page, cols: _cols, ...listQuery } = inventoryFilterSchema.shape;

export const listIdentitiesRoute = apiRoute(
  {
    method: "GET",
    path: "/identities",
    operationId: "listIdentities",
    summary: "List identities",
    description:
      "The inventory in the caller's scope, with its filters, search and sorts. Keyset pages: pass `next` as `after` (or `previous` as `before`). The total is exact up to 10,000, else an estimate.",
    tag: "Identities",
    scope: "read",
    query: listQuery,
    response: identityPageSchema,
  },
  async ({ db, actor, query }) => {
    const page = await listIdentities(db, actor, parseInventoryFilter(query));
    return {
      data: page.rows.map(({ riskTop: _top, ...row }) => row),
      next: page.nextCursor,
      previous: page.prevCursor,
      total: page.total,
    };
  },
);

export const getIdentityRoute = apiRoute(
  {
    method: "GET",
    path: "/identities/{id}",
    operationId: "getIdentity",
    summary: "Get an identity",
    description: "Its birth certificate, state, risk explained and entitlements; 404 outside the caller's scope.",
    tag: "Identities",
    scope: "read",
    response: identityDetailSchema,
  },
  async ({ db, actor, params }) => {
    const d = await getIdentityDetail(db, actor, params.id);
    return {
      id: d.id,
      name: d.name,
      kind: d.kind,
      environment: d.environment,
      status: d.status,
      system: d.system,
      owner: d.owner,
      backupOwner: d.backupOwner,
      team: d.team,
      purpose: d.purpose,
      createdAt: d.createdAt,
      expiresAt: d.expiresAt,
      lastUsedAt: d.lastUsedAt,
      lastRotatedAt: d.lastRotatedAt,
      nextReviewAt: d.nextReviewAt,
      credentialType: d.credentialType,
      rotationPeriodDays: d.rotationPeriodDays,
      secretStore: d.secretStore,
      origin: d.origin,
      externalId: d.externalId,
      states: d.states,
      risk: {
        score: d.risk.score,
        factors: d.risk.factors.map((f) => ({
          key: f.key,
          label: f.label,
          weight: f.weight,
          owasp: f.owasp.id,
          why: f.why,
        })),
      },
      entitlements: d.entitlements,
    };
  },
);

// The new-identity member of the request union, without its `type` (this route is that type).
const newIdentity = requestInputSchema.options[0];

export const createIdentityRoute = apiRoute(
  {
    method: "POST",
    path: "/identities",
    operationId: "requestIdentity",
    summary: "Ask for a new identity",
    description:
      "Submits a new-identity request with its birth certificate (owner, purpose, expiry) and entitlements. Policy decides: created at once (`fulfilled`, with `identityId`), waiting for approvals (`pending`), or refused (400 with every reason). Same as `POST /requests` with `type: new_identity`.",
    tag: "Identities",
    scope: "write",
    body: strict(newIdentity.omit({ type: true })),
    response: submittedSchema,
    status: 201,
  },
  async ({ db, actor, body }) =>
    submittedDto(await submitRequest(db, actor, { ...(body as object), type: "new_identity" })),
);
