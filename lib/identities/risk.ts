import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db";
import { DERIVED_DEFAULTS } from "./derived-states";
import { derivedStatePredicate } from "./derived-states-sql";

/**
 * The risk score of an identity: the one scoring module, used by the inventory (column, filter,
 * sort), the identity page (the explanation) and the exports.
 *
 * A score is the sum of the weights of the factors that hold, capped at 100. Each factor is a SQL
 * predicate over `identities i` and maps to an item of the OWASP Non-Human Identities Top 10
 * (2025). Weights follow what makes a breach through a machine identity likely and unnoticed:
 * nobody answerable for it first, then standing privilege, then credentials that never end.
 * Revoked and expired identities score 0: they can no longer be used.
 *
 * The score is stored (identities.risk_score / risk_factors, heaviest factor first) so the
 * inventory can sort and filter by it with an index. It is rewritten in the transaction of every
 * change to the identity (see rescoreIdentities) and, for the factors that move with the clock,
 * by a set-based rescore of the whole estate (`steward risk rescore`).
 */
export type RiskFactor = {
  key: string;
  label: string;
  weight: number;
  owasp: { id: string; title: string };
  why: string;
};

const OWASP = {
  NHI1: { id: "NHI1", title: "Improper Offboarding" },
  NHI2: { id: "NHI2", title: "Secret Leakage" },
  NHI4: { id: "NHI4", title: "Insecure Authentication" },
  NHI5: { id: "NHI5", title: "Overprivileged NHI" },
  NHI7: { id: "NHI7", title: "Long-Lived Secrets" },
  NHI9: { id: "NHI9", title: "NHI Reuse" },
} as const;

/** Heaviest first: the order is also the order of risk_factors, so [0] is the top factor. */
export const RISK_FACTORS: readonly RiskFactor[] = [
  {
    key: "orphaned",
    label: "No active owner",
    weight: 30,
    owasp: OWASP.NHI1,
    why: "Its owner has left or was never recorded: nobody answers for it, notices misuse or retires it.",
  },
  {
    key: "privileged",
    label: "Privileged access",
    weight: 20,
    owasp: OWASP.NHI5,
    why: "It holds at least one active privileged entitlement: misuse reaches far.",
  },
  {
    key: "expired_active",
    label: "Past its expiry, still active",
    weight: 20,
    owasp: OWASP.NHI1,
    why: "Its expiry date has passed but it has not been switched off.",
  },
  {
    key: "no_expiry",
    label: "Never expires",
    weight: 15,
    owasp: OWASP.NHI7,
    why: "It has no expiry date, so its access lasts until someone remembers to remove it.",
  },
  {
    key: "rotation_overdue",
    label: "Secret rotation overdue",
    weight: 15,
    owasp: OWASP.NHI7,
    why: "Its static secret is older than its rotation period, or a break-glass review asked for its rotation and it has not been rotated since.",
  },
  {
    key: "dormant",
    label: "Dormant",
    weight: 10,
    owasp: OWASP.NHI1,
    why: `It has not been used for ${DERIVED_DEFAULTS.dormantDays} days or more (or never): probably unneeded, still valid.`,
  },
  {
    key: "unvaulted_secret",
    label: "Secret outside a store",
    weight: 10,
    owasp: OWASP.NHI2,
    why: "It uses a static secret with no recorded secret store, so the secret may sit in code or config.",
  },
  {
    key: "static_secret",
    label: "Static secret",
    weight: 5,
    owasp: OWASP.NHI4,
    why: "It authenticates with a long-lived static secret rather than short-lived or federated credentials.",
  },
  {
    key: "review_overdue",
    label: "Review overdue",
    weight: 5,
    owasp: OWASP.NHI1,
    why: "Nobody has confirmed it is still needed since its review date.",
  },
  {
    key: "no_purpose",
    label: "No stated purpose",
    weight: 5,
    owasp: OWASP.NHI9,
    why: "Without a stated purpose it tends to be reused for other jobs and cannot be reviewed.",
  },
];

export const RISK_FACTOR_BY_KEY: ReadonlyMap<string, RiskFactor> = new Map(RISK_FACTORS.map((f) => [f.key, f]));
export const MAX_RISK = 100;

export { riskBand } from "./risk-band";

/**
 * `privileged` stands in for the entitlements lookup when the caller knows the answer before the
 * entitlements exist (the seed, which generates both from the same bytes).
 */
// `certified`: the score as it will be once a review has moved the next review date past `at`, for
// the UPDATE that moves it (which sees the row as it was).
type FactorOptions = { privileged?: SQL; certified?: boolean };

function factorPredicate(key: string, at: Date, o: FactorOptions = {}): SQL {
  switch (key) {
    case "orphaned":
      return derivedStatePredicate("orphaned", at);
    case "privileged":
      return (
        o.privileged ??
        sql`EXISTS (SELECT 1 FROM entitlements e WHERE e.identity_id = i.id AND e.privileged AND e.status = 'active')`
      );
    case "expired_active":
      return sql`(i.status IN ('active', 'suspended') AND ${derivedStatePredicate("expired", at)})`;
    case "no_expiry":
      return derivedStatePredicate("no_expiry", at);
    case "rotation_overdue":
      return derivedStatePredicate("rotation_overdue", at);
    case "dormant":
      return derivedStatePredicate("dormant", at);
    case "unvaulted_secret":
      return sql`(i.credential_type = 'static_secret' AND (i.secret_store IS NULL OR btrim(i.secret_store) = ''))`;
    case "static_secret":
      return sql`(i.credential_type = 'static_secret')`;
    case "review_overdue":
      return o.certified ? sql`false` : derivedStatePredicate("review_overdue", at);
    case "no_purpose":
      return sql`(i.purpose IS NULL OR btrim(i.purpose) = '')`;
    default:
      throw new Error(`unknown risk factor ${key}`);
  }
}

const LIVE = sql`i.status IN ('pending', 'active', 'suspended')`;

/** The factor keys that hold for `identities i` at `at`, heaviest first, as a text[] expression. */
export function riskFactorsSql(at: Date, o: FactorOptions = {}): SQL {
  const items = RISK_FACTORS.map((f) => sql`CASE WHEN ${factorPredicate(f.key, at, o)} THEN ${f.key}::text END`);
  return sql`CASE WHEN ${LIVE} THEN array_remove(ARRAY[${sql.join(items, sql`, `)}], NULL) ELSE '{}'::text[] END`;
}

/** The score of `identities i` at `at`, as a smallint expression. */
export function riskScoreSql(at: Date, o: FactorOptions = {}): SQL {
  const items = RISK_FACTORS.map((f) => sql`CASE WHEN ${factorPredicate(f.key, at, o)} THEN ${f.weight} ELSE 0 END`);
  return sql`CASE WHEN ${LIVE} THEN least(${MAX_RISK}, ${sql.join(items, sql` + `)})::smallint ELSE 0::smallint END`;
}

/** Score computed in TypeScript from factor keys; must equal riskScoreSql for the same keys. */
export function scoreOf(keys: readonly string[]): number {
  return Math.min(
    MAX_RISK,
    keys.reduce((s, k) => s + (RISK_FACTOR_BY_KEY.get(k)?.weight ?? 0), 0),
  );
}

/**
 * Rewrites the stored score of the identities matching `where` (a predicate over `identities i`),
 * touching only rows whose score or factors changed. Runs inside the caller's transaction.
 * Returns how many rows changed.
 */
export async function rescoreIdentities(tx: Database, where: SQL, at: Date): Promise<number> {
  const result = await tx.execute(sql`
    UPDATE identities t SET risk_score = s.score, risk_factors = s.factors
    FROM (SELECT i.id, ${riskScoreSql(at)} AS score, ${riskFactorsSql(at)} AS factors FROM identities i WHERE ${where}) s
    WHERE t.id = s.id AND (t.risk_score IS DISTINCT FROM s.score OR t.risk_factors IS DISTINCT FROM s.factors)`);
  return affected(result);
}

export function affected(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number };
  return Number(r.count ?? r.affectedRows ?? 0);
}
