import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for break-glass: who may ask for it on an identity, who approves (security,
// never the holder), who ends it early (the holder or security) and who looks back on it
// (security or the holder's manager, never the holder). The holder in these rows is Olivia (owner).

export const BREAK_GLASS_ROWS: readonly MatrixRow[] = [
  {
    fn: "requestBreakGlass",
    file: "lib/break-glass/request.ts",
    does: "Asks for break-glass access on an identity the actor may see: on call it opens at once, else it waits for security.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "decideBreakGlass",
    file: "lib/break-glass/change.ts",
    does: "Approves (and so opens) or denies a break-glass waiting for security; nobody decides their own.",
    cells: allowedTo("security"),
  },
  {
    fn: "endBreakGlass",
    file: "lib/break-glass/change.ts",
    does: "Ends an active break-glass before its hard end (End now): its access is revoked, its post-use review opened.",
    cells: allowedTo("owner", "security"),
  },
  {
    fn: "completePostUseReview",
    file: "lib/break-glass/change.ts",
    does: "Completes an ended break-glass's post-use review with a comment, optionally requiring the credential's rotation.",
    cells: allowedTo("ownerManager", "security"),
  },
];
