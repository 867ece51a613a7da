import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ref, table, ts } from "./builders";
import { identities } from "./identities";
import { users } from "./people";

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
  /**
   * The person the token acts as: who made it (or was given it by the command line), for good. The
   * identity's owner may change (a departure hands it to a manager, a transfer to someone else) —
   * they then govern the token, they do not become what it acts as.
   */
  personId: ref("person_id", () => users.id).notNull(),
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

/**
 * Where each identity has been used from (lib/usage): the address and workload a usage event
 * reports, first and last seen. A production identity's use from a source it has never used before
 * is flagged once it has a history to compare with.
 */
export const identityUsageSources = pgTable(
  "identity_usage_sources",
  {
    identityId: uuid("identity_id")
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    sourceKey: text("source_key").notNull(),
    firstSeenAt: ts("first_seen_at").notNull(),
    lastSeenAt: ts("last_seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.identityId, t.sourceKey] })],
);

/**
 * Unusual use flagged on an identity (lib/usage): `new_source` (a production identity used from a
 * source it has never used before) or `interactive` (a service account used by a person, OWASP
 * NHI10). Open until someone who answers for the identity marks it reviewed.
 */
export const usageFlags = table(
  "usage_flags",
  {
    identityId: ref("identity_id", () => identities.id).notNull(),
    reason: text("reason").$type<"new_source" | "interactive">().notNull(),
    sourceKey: text("source_key").notNull(),
    source: jsonb("source").$type<Record<string, unknown>>().notNull(),
    usedAt: ts("used_at").notNull(),
    flaggedAt: ts("flagged_at").notNull(),
    reviewedAt: ts("reviewed_at"),
    reviewedBy: ref("reviewed_by", () => users.id),
    reviewComment: text("review_comment"),
  },
  (t) => [
    // One open flag per identity, reason and source: a source seen again adds nothing new.
    uniqueIndex("usage_flags_open_uq")
      .on(t.identityId, t.reason, t.sourceKey)
      .where(sql`${t.reviewedAt} IS NULL`),
    index("usage_flags_open_idx")
      .on(t.identityId)
      .where(sql`${t.reviewedAt} IS NULL`),
  ],
);
