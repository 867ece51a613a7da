// The door to lib/auth: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/auth" (eslint enforces it).
export {
  auditActor,
  canChange,
  canManagePeople,
  canReadAuditLog,
  hasRole,
  isAuditorOnly,
  requireCanChange,
  requireRole,
  TOKEN_SCOPES,
  type Actor,
  type TokenScope,
} from "./actor";
export { safeCallbackUrl } from "./callback-url";
export { handlers, signIn, signOut } from "./next-auth";
export { findPersonByEmail, resolveActor } from "./people";
export { PERSONAS, persona, type PersonaKey } from "./personas";
export { currentActor, requireActor } from "./session";
