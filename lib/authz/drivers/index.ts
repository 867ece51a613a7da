import { ADMIN_DRIVERS } from "./admin";
import { API_DRIVERS } from "./api";
import { IMPORT_DRIVERS, USAGE_DRIVERS } from "./usage";
import { BREAK_GLASS_DRIVERS } from "./break-glass";
import { IDENTITY_DRIVERS } from "./identities";
import type { Driver } from "./kit";
import { REQUEST_DRIVERS } from "./requests";
import { REVIEW_DRIVERS } from "./reviews";

// How the matrix's test tries each row (by rowName), for lib/authz/matrix.test.ts.

export const DRIVERS: Record<string, Driver> = {
  ...IDENTITY_DRIVERS,
  ...REQUEST_DRIVERS,
  ...REVIEW_DRIVERS,
  ...ADMIN_DRIVERS,
  ...BREAK_GLASS_DRIVERS,
  ...API_DRIVERS,
  ...USAGE_DRIVERS,
  ...IMPORT_DRIVERS,
};
export { actors, ids, one, STUB_SYSTEM, type Ctx, type Driver } from "./kit";
