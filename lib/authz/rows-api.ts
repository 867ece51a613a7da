import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for API tokens (lib/tokens): every person who may change anything makes tokens
// that act as themselves; auditors own nothing, so make none; the scim scope changes people, so
// only admins hold it. Revoking a token is revoking its identity (requestRevocation's rows).

export const API_ROWS: readonly MatrixRow[] = [
  {
    fn: "createApiToken",
    file: "lib/tokens/create.ts",
    does: "Makes an API token (read scope) that acts as the actor: an api_key identity in the system Steward, owned by them.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "otherMember", "otherManager", "security", "admin"),
    throughToken: "refused",
  },
  {
    fn: "createApiToken",
    variant: "scim scope",
    file: "lib/tokens/create.ts",
    does: "Makes an API token with the scim scope (people, managers and teams from the identity provider).",
    cells: allowedTo("admin"),
    throughToken: "refused",
  },
];
