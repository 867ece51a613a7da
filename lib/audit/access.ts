import type { Role } from "@/db/schema";

// The audit domain's own read rule. It asks only for the roles, so audit needs nothing from auth
// (auth records its sign-ins through audit: the arrow points one way).

/** Whoever asks to read the audit log: the actor, of which only the roles matter here. */
export type AuditReader = { roles: readonly Role[] };

/** Security and auditors read the audit log; nobody else does. */
export const canReadAuditLog = (actor: AuditReader) =>
  actor.roles.some((role) => role === "security" || role === "auditor");
