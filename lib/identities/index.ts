// The door to lib/identities: what the rest of the app may call. Modules inside the domain import
// each other directly; everything outside imports from "@/lib/identities" (eslint enforces it).
export { LIVE_STATUSES, canEditPurpose, canRevoke, canSee, isLive, relationTo } from "./access";
export { DERIVED_STATES, DERIVED_STATE_LABELS } from "./derived-states";
export { exportRequest } from "./export-http";
export { inventoryFacets, suggestFilterValues, type InventoryFacets } from "./facets";
export {
  attestIdentity,
  bulkAttest,
  editPurpose,
  handOverIdentity,
  reviewPeriodDays,
  shortenExpiry,
} from "./identity-actions";
export { getIdentityDetail, type IdentityDetail, type PersonRef } from "./identity-detail";
export { drizzleExec, listIdentities, listIdentitiesWith, pageSelect, type Exec, type InventoryRow } from "./inventory";
export {
  COLUMN_KEYS,
  SAVED_VIEWS,
  SORT_KEYS,
  SORT_LABELS,
  inventoryFilterSchema,
  inventoryParams,
  parseInventoryFilter,
  sortDir,
  type InventoryFilter,
  type SortKey,
} from "./inventory-filter";
export { decodeCursor, encodeCursor, filterSql, pageQueries, searchesMatchFirst, whereSql } from "./inventory-query";
export type { Total } from "./inventory-total";
export { identityForRequestForm, requestFormIdentities, type RequestFormIdentity } from "./request-form";
export { rescoreEstate } from "./rescore";
export { MAX_RISK, RISK_FACTORS, rescoreIdentities, riskFactorsSql, riskScoreSql, type RiskFactor } from "./risk";
export { riskBand } from "./risk-band";
export { DERIVED_DEFAULTS } from "./derived-states";
export { identityScopeSql, reportsSql } from "./scope";
export { orphanTotal, ownedSummary } from "./summary";
