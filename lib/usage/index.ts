// The door to lib/usage: usage events and the unusual use they reveal. Everything outside imports
// from "@/lib/usage" (eslint enforces it).
export { FLAG_LABELS, openUsageFlags, reviewUsageFlags, unusualUseSummary, type UsageFlag } from "./flags";
export { ingestUsage, type Ingested } from "./ingest";
export { MAX_EVENTS, usageBatchSchema } from "./input";
