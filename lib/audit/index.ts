// The door to lib/audit: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/audit" (eslint enforces it).
export { canReadAuditLog } from "./access";
export {
  auditFacets,
  auditFilterSchema,
  listAuditEvents,
  parseAuditFilter,
  type AuditEventDto,
  type AuditFilter,
  type AuditPage,
} from "./query";
export { inAuditBatch, record, type AuditActor } from "./record";
export { verifyAuditChain } from "./verify";
