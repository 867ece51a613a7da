import "server-only";
import { z } from "zod";
import { ENVIRONMENTS, IDENTITY_KINDS, IDENTITY_STATUSES } from "@/db/schema/enums";
import { parseInput } from "@/lib/errors";
import { cursorToken, flag, pageNumber, pageSize, searchInput } from "@/lib/paging";
import { text } from "@/lib/validation";
import { DERIVED_DEFAULTS, DERIVED_STATES } from "./derived-states";

/**
 * The inventory's URL state: filters, search, sort, page and visible columns. The same shape is
 * parsed from the page's search params, the CSV export's and (later) a campaign's saved scope.
 * Unknown or malformed values get a message per field; sizes and page numbers get a clamp.
 */
export const SORT_KEYS = ["name", "expires", "lastUsed", "created", "nextReview", "risk"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SORT_LABELS: Record<SortKey, string> = {
  name: "Name",
  expires: "Expires",
  lastUsed: "Last used",
  created: "Created",
  nextReview: "Next review",
  risk: "Risk",
};

export const COLUMN_KEYS = [
  "kind",
  "system",
  "environment",
  "owner",
  "team",
  "purpose",
  "status",
  "expires",
  "lastUsed",
  "risk",
  "states",
] as const;
export type ColumnKey = (typeof COLUMN_KEYS)[number];
export const DEFAULT_COLUMNS: readonly ColumnKey[] = COLUMN_KEYS;

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

const guid = (what: string) => z.guid(`${what} is not a valid id.`);

function oneOf<T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, { error: `Unknown ${what}; use one of: ${values.join(", ")}.` });
}

// A whole number in a range, each refusal in words ("Dormant for is 1 to 3650 days.").
function wholeNumber(label: string, min: number, max: number, unit?: "days") {
  const range = `${label} is ${min} to ${max}${unit ? ` ${unit}` : ""}.`;
  return z.coerce
    .number({
      error: unit ? `${label} must be a number of ${unit}.` : `${label} must be a number from ${min} to ${max}.`,
    })
    .int(unit ? `${label} must be whole ${unit}.` : `${label} must be a whole number.`)
    .min(min, range)
    .max(max, range);
}

// A URL may carry a key once (string) or several times (array); lists also accept commas.
const list = (v: unknown) =>
  v === undefined
    ? undefined
    : (Array.isArray(v) ? v : [v])
        .flatMap((x) => String(x).split(","))
        .map((s) => s.trim())
        .filter(Boolean);

export const inventoryFilterSchema = z.object({
  q: text().trim().max(200, "Search is at most 200 characters.").optional(),
  kind: oneOf(IDENTITY_KINDS, "kind").optional(),
  system: guid("System").optional(),
  env: oneOf(ENVIRONMENTS, "environment").optional(),
  status: oneOf(IDENTITY_STATUSES, "status").optional(),
  // An owner is "me", "none", a person's id (links from the table) or email (typed in the form).
  owner: z
    .union([z.literal("me"), z.literal("none"), z.guid(), z.email()], {
      error: "Owner is me, none, or a person's email.",
    })
    .optional(),
  // A team is its id (links from the table) or its name (typed in the form; case does not matter).
  team: text().trim().min(1).max(200, "Team is at most 200 characters.").optional(),
  state: z.preprocess(list, z.array(oneOf(DERIVED_STATES, "state")).max(DERIVED_STATES.length)).optional(),
  within: wholeNumber("Expiring within", 1, 3650, "days").default(DERIVED_DEFAULTS.expiringDays),
  idle: wholeNumber("Dormant for", 1, 3650, "days").default(DERIVED_DEFAULTS.dormantDays),
  privileged: flag.optional(),
  riskMin: wholeNumber("Risk at or above", 0, 100).optional(),
  sort: oneOf(SORT_KEYS, "sort").default("name"),
  dir: oneOf(["asc", "desc"] as const, "direction").optional(),
  size: pageSize({ fallback: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE }),
  // Shape only here: what a cursor holds depends on the sort (decodeCursor in inventory-query.ts).
  after: cursorToken.optional(),
  before: cursorToken.optional(),
  page: pageNumber,
  cols: z
    .preprocess(
      list,
      z.array(z.string()).transform((a) => COLUMN_KEYS.filter((c) => a.includes(c))),
    )
    .optional(),
});

export type InventoryFilter = z.infer<typeof inventoryFilterSchema>;
export type SortDir = "asc" | "desc";

/** Risk reads best highest first; everything else ascending. */
export function sortDir(f: Pick<InventoryFilter, "sort" | "dir">): SortDir {
  return (f.dir ?? (f.sort === "risk" ? "desc" : "asc")) as SortDir;
}

// Keys that may hold several values (each also comma-separated); every other key keeps its first.
const LIST_KEYS = ["state", "cols"];

/** Parses raw URL params into a filter, or throws `invalid` with a message per field. */
export function parseInventoryFilter(params: Record<string, unknown>): InventoryFilter {
  return parseInput(inventoryFilterSchema, searchInput(params, LIST_KEYS), "Some filters are not valid.");
}

/** The filter back as URL params (defaults left out), for links that keep the view. */
export function inventoryParams(
  f: Partial<InventoryFilter>,
  overrides: Record<string, string | undefined> = {},
): URLSearchParams {
  const q = new URLSearchParams();
  const put = (k: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  };
  put("q", f.q);
  put("kind", f.kind);
  put("system", f.system);
  put("env", f.env);
  put("status", f.status);
  put("owner", f.owner);
  put("team", f.team);
  if (f.state?.length) q.set("state", f.state.join(","));
  if (f.within !== undefined && f.within !== DERIVED_DEFAULTS.expiringDays) put("within", f.within);
  if (f.idle !== undefined && f.idle !== DERIVED_DEFAULTS.dormantDays) put("idle", f.idle);
  if (f.privileged !== undefined) q.set("privileged", f.privileged ? "1" : "0");
  put("riskMin", f.riskMin);
  if (f.sort && f.sort !== "name") q.set("sort", f.sort);
  if (f.dir) q.set("dir", f.dir);
  if (f.size && f.size !== DEFAULT_PAGE_SIZE) put("size", f.size);
  if (f.cols && f.cols.length !== COLUMN_KEYS.length) q.set("cols", f.cols.join(","));
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) q.delete(k);
    else q.set(k, v);
  }
  return q;
}

/** Ready-made views: each is just URL params over the same table. */
export const SAVED_VIEWS: readonly { key: string; label: string; params: Record<string, string> }[] = [
  { key: "mine", label: "My identities", params: { owner: "me" } },
  { key: "orphaned", label: "Orphaned", params: { state: "orphaned" } },
  { key: "dormant", label: "Dormant 90 days", params: { state: "dormant", idle: "90" } },
  { key: "expiring", label: "Expiring in 30 days", params: { state: "expiring", within: "30", sort: "expires" } },
  { key: "no-expiry", label: "No expiry", params: { state: "no_expiry" } },
  { key: "prod-privileged", label: "Production privileged", params: { env: "production", privileged: "1" } },
];
