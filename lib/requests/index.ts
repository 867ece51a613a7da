// The door to lib/requests: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/requests" (eslint enforces it).
export { approveStandardInBulk, cancelRequest, decideStage } from "./decide";
export { getRequestDetail, type RequestDetail } from "./detail";
export { expireStaleRequests } from "./expire";
export { requestFromForm } from "./form";
export {
  INBOX_CAP,
  SERVICE_LEVEL_HOURS,
  canSeeAllRequests,
  cursorAfter,
  inbox,
  inboxQuery,
  listRequests,
  parseQueueFilter,
  queueFilterSchema,
  queueQuery,
  type QueueFilter,
  type QueueRow,
  type QueueSort,
} from "./queue";
export { syncCurrentStage } from "./stages";
export { holdsGrant, previewRequest, submitRequest } from "./submit";
export { requestInputSchema } from "./input";
export { decisionSchema as requestDecisionSchema } from "./decide-stage";
