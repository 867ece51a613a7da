import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for requests: who may ask, decide and cancel.

export const REQUEST_ROWS: readonly MatrixRow[] = [
  // Requests (lib/requests).
  {
    fn: "submitRequest",
    variant: "a new identity",
    file: "lib/requests/submit.ts",
    does: "Requests a new identity, owned by the requester: anyone who can change anything may ask.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "otherMember", "otherManager", "security", "admin"),
  },
  {
    fn: "submitRequest",
    variant: "about an identity",
    file: "lib/requests/submit.ts",
    does: "Requests a change to an existing identity (here: a later expiry): for those answerable for it.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "decideStage",
    variant: "the manager stage",
    file: "lib/requests/decide.ts",
    does: "Decides the stage a request waits for, here the owner's manager's: only that manager, never the requester.",
    cells: allowedTo("ownerManager"),
  },
  {
    fn: "decideStage",
    variant: "the security stage",
    file: "lib/requests/decide.ts",
    does: "Decides the stage a request waits for, here security's: only the security team.",
    cells: allowedTo("security"),
  },
  {
    fn: "approveStandardInBulk",
    file: "lib/requests/decide.ts",
    refusal: "skips",
    does: "Approves standard requests in bulk: each only by the manager its current stage waits for.",
    cells: allowedTo("ownerManager"),
  },
  {
    fn: "cancelRequest",
    file: "lib/requests/decide.ts",
    does: "Withdraws a pending request: only the person who made it (the owner column made it).",
    cells: allowedTo("owner"),
  },
];
