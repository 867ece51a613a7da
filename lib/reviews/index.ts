// The door to lib/reviews: access review campaigns. Everything outside imports from "@/lib/reviews".
export { createCampaign, launchCampaign } from "./campaigns";
export { FILL_INLINE, fillCampaign, fillCampaignPart, fillLaunchedCampaigns, type FillSizes } from "./snapshot";
export { closeCampaign, type Closed } from "./close";
export { APPLY_BATCH, applyCertificationBatch, applyCertifications, applyClosedCampaigns } from "./apply";
export { decideReviewItem } from "./decide";
export { decideInBulk, FILTER_MAX, type BulkDecided } from "./bulk";
export { parseQueueFilter, queueFilterSchema as reviewQueueFilterSchema, type QueueFilter } from "./queue-filter";
export { confirmReviewItem } from "./confirm";
export { handOverItems } from "./handover";
export { certifyNeedsComment, suggest, type ReviewItem, type Suggestion } from "./facts";
export { DECISIONS, FALLBACKS, REMINDER_DAYS, RULES, decisionInputSchema as reviewDecisionSchema } from "./input";
export { remindAndEscalate, type Nudged } from "./reminders";
export {
  campaignItems,
  getCampaign,
  listCampaigns,
  myReviewCount,
  myReviewItems,
  QUEUE_COUNT_CAP,
  QUEUE_PAGE,
  queueCampaigns,
  reviewQueue,
  type CampaignDetail,
  type CampaignSummary,
} from "./read";
export { mayRunCampaigns, previewScope, scopeSql, type ScopePreview } from "./scope";
export { campaignEvidence, evidenceCsv, type EvidenceRow } from "./evidence";
export { launchRecurringCampaigns } from "./recurrence";
