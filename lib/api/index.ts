// The door to lib/api: the REST API's routes (each a spec and a handler over lib/<domain>), the
// OpenAPI document made from them, and the kit's housekeeping. Everything outside imports from
// "@/lib/api" (eslint enforces it).
import { openApiDocument } from "./openapi";
import type { ApiHandler } from "./route";
import { listAuditEventsRoute } from "./routes/audit";
import { endBreakGlassRoute, requestBreakGlassRoute } from "./routes/break-glass";
import { createIdentityRoute, getIdentityRoute, listIdentitiesRoute } from "./routes/identities";
import { createRequestRoute, decideRequestRoute, listRequestsRoute } from "./routes/requests";
import { createRevocationRoute, getRevocationRoute } from "./routes/revocations";
import { decideReviewItemRoute, listReviewItemsRoute } from "./routes/reviews";
import { ingestUsageRoute } from "./routes/usage";

export {
  createIdentityRoute,
  createRequestRoute,
  createRevocationRoute,
  decideRequestRoute,
  decideReviewItemRoute,
  endBreakGlassRoute,
  getIdentityRoute,
  getRevocationRoute,
  ingestUsageRoute,
  listAuditEventsRoute,
  listIdentitiesRoute,
  listRequestsRoute,
  listReviewItemsRoute,
  requestBreakGlassRoute,
};

/** Every route of /api/v1, in the order the document lists them. */
export const API_ROUTES: readonly ApiHandler[] = [
  listIdentitiesRoute,
  createIdentityRoute,
  getIdentityRoute,
  listRequestsRoute,
  createRequestRoute,
  decideRequestRoute,
  listReviewItemsRoute,
  decideReviewItemRoute,
  createRevocationRoute,
  getRevocationRoute,
  requestBreakGlassRoute,
  endBreakGlassRoute,
  listAuditEventsRoute,
  ingestUsageRoute,
];

let document: Record<string, unknown> | null = null;
/** The OpenAPI document (made once per process: the schemas do not change while it runs). */
export function apiDocument(): Record<string, unknown> {
  return (document ??= openApiDocument(API_ROUTES.map((r) => r.spec)));
}
export { purgeIdempotencyKeys } from "./idempotency";
export { rateLimitPerMinute } from "./rate-limit";
export type { ApiHandler, ApiSpec } from "./route";
