import { allowedTo, type MatrixRow } from "./matrix-types";

// The matrix's rows for access review campaigns (lib/reviews): the target campaign covers Olivia's
// identities and was drafted by Maya (her manager); its item is Olivia's to attest.

export const REVIEW_ROWS: readonly MatrixRow[] = [
  {
    fn: "createCampaign",
    file: "lib/reviews/campaigns.ts",
    does: "Drafts a review campaign over Olivia's identities: security, or a manager over their reports' identities only.",
    cells: allowedTo("ownerManager", "security"),
  },
  {
    fn: "launchCampaign",
    file: "lib/reviews/campaigns.ts",
    does: "Launches a draft (its scope snapshotted into review items): the campaign's creator or security.",
    cells: allowedTo("ownerManager", "security"),
  },
  {
    fn: "decideReviewItem",
    file: "lib/reviews/decide.ts",
    does: "Certifies an item of an active campaign: only its reviewer (here the owner, attesting).",
    cells: allowedTo("owner"),
  },
  {
    fn: "decideInBulk",
    file: "lib/reviews/bulk.ts",
    does: "Certifies a selection of items: only the reviewer's own; the rest are skipped and reported.",
    cells: allowedTo("owner"),
    refusal: "skips",
  },
  {
    fn: "confirmReviewItem",
    file: "lib/reviews/confirm.ts",
    does: "Confirms (the second stage) a certification Olivia made of her privileged identity: security only, never the certifier.",
    cells: allowedTo("security"),
  },
  {
    fn: "handOverItems",
    file: "lib/reviews/handover.ts",
    does: "Hands Olivia's undecided items to Omar with a note: the campaign's creator or security.",
    cells: allowedTo("ownerManager", "security"),
  },
  {
    fn: "closeCampaign",
    file: "lib/reviews/close.ts",
    does: "Closes an active campaign, applying every decision and the no-response outcome: its creator or security.",
    cells: allowedTo("ownerManager", "security"),
  },
  {
    fn: "markNotificationsRead",
    file: "lib/notifications/notifications.ts",
    does: "Marks a review reminder read: only its recipient (here Olivia), never an auditor (they change nothing).",
    cells: allowedTo("owner"),
  },
];
