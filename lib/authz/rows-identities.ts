import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for identities and their revocations: who may change an identity or revoke it.

export const IDENTITY_ROWS: readonly MatrixRow[] = [
  // Identities: what owners, managers and security do from an identity's page (lib/identities/access.ts).
  {
    fn: "attestIdentity",
    file: "lib/identities/identity-actions.ts",
    does: 'Attests one identity ("I still own this and it is still needed"): its next review moves by the policy period.',
    cells: allowedTo("owner", "backupOwner", "ownerManager"),
  },
  {
    fn: "bulkAttest",
    file: "lib/identities/identity-actions.ts",
    does: "Attests a selection of the actor's own identities (owner or backup owner) at once; managers attest one at a time.",
    cells: allowedTo("owner", "backupOwner"),
  },
  {
    fn: "editPurpose",
    file: "lib/identities/identity-actions.ts",
    does: "Changes an identity's stated purpose.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "shortenExpiry",
    file: "lib/identities/identity-actions.ts",
    does: "Brings an identity's expiry forward (never later: extending needs a request).",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "handOverIdentity",
    file: "lib/identities/identity-actions.ts",
    does: "Hands an identity to a new owner directly (owners ask through a transfer request instead).",
    cells: allowedTo("ownerManager", "security"),
  },

  // Revocations (lib/revocations).
  {
    fn: "requestRevocation",
    file: "lib/revocations/request.ts",
    does: "Asks for an identity's revocation (the connector carries it out afterwards).",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "bulkRevoke",
    file: "lib/revocations/bulk.ts",
    does: "Asks for the revocation of a selection of identities, all or nothing.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "confirmManualRevocation",
    file: "lib/revocations/confirm.ts",
    does: "Confirms, with evidence, a revocation a system without an API waits for: it becomes verified and the identity revoked.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
  {
    fn: "confirmManualRevocation",
    variant: "a grant",
    file: "lib/revocations/confirm.ts",
    does: "Confirms, with evidence, a grant a system without an API waits for: the entitlement becomes active.",
    cells: allowedTo("owner", "backupOwner", "ownerManager", "security"),
  },
];
