// The door to lib/revocations: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/revocations" (eslint enforces it).
export { bulkRevoke } from "./bulk";
export { CALLBACK_BODY_LIMIT, readCallbackBody, receiveWebhookCallback } from "./callback";
export { confirmManualRevocation } from "./confirm";
export {
  PAGE_SIZE,
  cursorAfter,
  getRevocation,
  listRevocations,
  parseRevocationFilter,
  type RevocationFilter,
  type RevocationRow,
} from "./list";
export { grantsOfRequests, queueEntitlementRevocations, queueGrant, queueIdentityRevocations } from "./queue";
export { requestRevocation, revocationInputSchema } from "./request";
export { runRevocations } from "./run";
