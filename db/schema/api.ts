import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { ts } from "./builders";
import { identities } from "./identities";

/**
 * The secret half of an API token (lib/tokens). Everything else about a token — its owner, name,
 * purpose, expiry, status, last use and scopes (its entitlements on "Steward API") — is its
 * identity's: every token is an `api_key` identity in the system "Steward", governed like any
 * other. `lookup_id` is the token's public part (its identity's external id, the bound account);
 * the secret is kept only as its SHA-256 (a random 256-bit secret needs no slow hash).
 */
export const apiTokens = pgTable("api_tokens", {
  identityId: uuid("identity_id")
    .primaryKey()
    .references(() => identities.id, { onDelete: "cascade" }),
  lookupId: text("lookup_id").notNull().unique(),
  secretHash: text("secret_hash").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

/**
 * Idempotency keys of API POSTs (Stripe's rules): the first response is kept against (token, key)
 * for a day and replayed to a retry with the same body; another body under the key is refused.
 */
export const apiIdempotencyKeys = pgTable(
  "api_idempotency_keys",
  {
    tokenId: uuid("token_id").notNull(),
    key: text("key").notNull(),
    /** `POST /api/v1/requests`: a key is bound to the route it was first used on. */
    route: text("route").notNull(),
    bodyHash: text("body_hash").notNull(),
    /** Null while the first request is still running. */
    responseStatus: integer("response_status"),
    responseBody: jsonb("response_body").$type<unknown>(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] }), index("api_idempotency_keys_created_idx").on(t.createdAt)],
);

/** Requests per token per minute (fixed windows), counted in the database so every app worker shares them. */
export const apiRateWindows = pgTable(
  "api_rate_windows",
  {
    tokenId: uuid("token_id").notNull(),
    windowStart: ts("window_start").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.windowStart] }), index("api_rate_windows_start_idx").on(t.windowStart)],
);
