import type { EntryPoint } from "./entry-points";

// The REST API's route handlers (app/api/v1/**/route.ts): each hands the request to its route in
// lib/api/routes, which authenticates the bearer token (lib/tokens: a departed owner's token is
// refused there, as a departed person's session is) before it calls the domain.

const NOTE = "the bearer token's actor (lib/api/route.ts apiRoute: authenticated, scope checked, input parsed)";
const route = (via: string, calls: string[]): EntryPoint => ({ calls, via, note: NOTE });

export const API_ENTRY_POINTS: Record<string, Record<string, EntryPoint>> = {
  "app/api/v1/identities/route.ts": {
    GET: route("lib/api/routes/identities.ts listIdentitiesRoute", ["listIdentities"]),
    POST: route("lib/api/routes/identities.ts createIdentityRoute", ["submitRequest"]),
  },
  "app/api/v1/identities/[id]/route.ts": {
    GET: route("lib/api/routes/identities.ts getIdentityRoute", ["getIdentityDetail"]),
  },
  "app/api/v1/requests/route.ts": {
    GET: route("lib/api/routes/requests.ts listRequestsRoute", ["listRequests"]),
    POST: route("lib/api/routes/requests.ts createRequestRoute", ["submitRequest"]),
  },
  "app/api/v1/requests/[id]/decision/route.ts": {
    POST: route("lib/api/routes/requests.ts decideRequestRoute", ["decideStage"]),
  },
  "app/api/v1/review-items/route.ts": {
    GET: route("lib/api/routes/reviews.ts listReviewItemsRoute", ["reviewQueue"]),
  },
  "app/api/v1/review-items/[id]/decision/route.ts": {
    POST: route("lib/api/routes/reviews.ts decideReviewItemRoute", ["decideReviewItem"]),
  },
  "app/api/v1/revocations/route.ts": {
    POST: {
      ...route("lib/api/routes/revocations.ts createRevocationRoute", ["requestRevocation", "getRevocation"]),
      note: `${NOTE}; then runs the connector for the revocation it created (runRevocations, as the actor)`,
    },
  },
  "app/api/v1/revocations/[id]/route.ts": {
    GET: route("lib/api/routes/revocations.ts getRevocationRoute", ["getRevocation"]),
  },
  "app/api/v1/break-glass/route.ts": {
    POST: {
      ...route("lib/api/routes/break-glass.ts requestBreakGlassRoute", ["requestBreakGlass"]),
      note: `${NOTE}; then carries out the grant an activation queued (runRevocations, as the actor)`,
    },
  },
  "app/api/v1/break-glass/[id]/end/route.ts": {
    POST: {
      ...route("lib/api/routes/break-glass.ts endBreakGlassRoute", ["endBreakGlass"]),
      note: `${NOTE}; then carries out the revocation it queued (runRevocations, as the actor)`,
    },
  },
  "app/api/v1/audit-events/route.ts": {
    GET: route("lib/api/routes/audit.ts listAuditEventsRoute", ["listAuditEvents"]),
  },
  "app/api/v1/usage/route.ts": {
    POST: route("lib/api/routes/usage.ts ingestUsageRoute", ["ingestUsage"]),
  },
  "app/api/v1/openapi.json/route.ts": {
    GET: { calls: [], note: "the OpenAPI document, made from the routes' schemas: public, like any API's description" },
  },
};
