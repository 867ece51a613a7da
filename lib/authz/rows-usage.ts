import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for usage (lib/usage): collectors report usage with a security or admin
// person's token; unusual use is reviewed by those who answer for the identity and security.

export const USAGE_ROWS: readonly MatrixRow[] = [
  {
    fn: "ingestUsage",
    file: "lib/usage/ingest.ts",
    does: "Records a batch of usage events: last use moves forward, unusual use is flagged (a collector's token).",
    cells: allowedTo("security", "admin"),
  },
  {
    fn: "reviewUsageFlags",
    file: "lib/usage/flags.ts",
    does: "Marks an identity's unusual use reviewed, with what it turned out to be.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
];

// Importing files of identities: security and admins (the command line is the operator's).
export const IMPORT_ROWS: readonly MatrixRow[] = [
  {
    fn: "importIdentities",
    file: "lib/importers/apply.ts",
    does: "Imports a file of identities into a system: new accounts created bound, known ones updated, missing ones flagged.",
    cells: allowedTo("security", "admin"),
  },
];
