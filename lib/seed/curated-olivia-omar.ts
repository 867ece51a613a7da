import type { Curated } from "./curated";
import { curated, grant } from "./curated-rows";

// States per identity: E expiring, X expired, N no expiry, D dormant, R review overdue, T rotation overdue, O orphaned.
/** Olivia's and Omar's identities (the Payments owners), first in CURATED's order. */
export const CURATED_OLIVIA_OMAR: readonly Curated[] = [
  curated(
    { key: "olivia-payments-api", name: "payments-api-prod", kind: "service_account", system: "aws-prod" },
    { owner: "olivia", backup: "omar", team: "Payments", origin: "requested" },
    { created: 200, expires: 60, used: 0.1, review: 45, cred: "static_secret", rotation: 90, rotated: 20 },
    "Charges cards and records payments for the public payments API",
    [grant(0, "s3:PutObject", true), grant(2, "dynamodb:Query", false)],
  ),
  curated(
    { key: "olivia-ledger-key", name: "ledger-reconciler-key", kind: "api_key", system: "pg-payments" }, // E T
    { owner: "olivia", team: "Payments", origin: "requested" },
    { created: 150, expires: 12, used: 2, review: 20, cred: "static_secret", rotation: 90, rotated: 100 },
    "Reconciles ledger entries against bank statements every night",
    [grant(2, "SELECT", false)],
  ),
  curated(
    { key: "olivia-checkout-ci", name: "checkout-deployer-ci", kind: "ci_token", system: "github-acme" }, // X
    { owner: "olivia", team: "Payments", origin: "requested" },
    { created: 95, expires: -5, used: 6, review: 10, cred: "short_lived_token" },
    "Deploys the checkout service from GitHub Actions",
    [grant(0, "contents:write", true), grant(0, "actions:write", true)],
  ),
  curated(
    { key: "olivia-fraud-agent", name: "fraud-scoring-agent", kind: "ai_agent", system: "openai-sandbox" }, // D R
    { owner: "olivia", team: "Payments", origin: "requested" },
    { created: 260, expires: 150, used: 130, review: -10, cred: "short_lived_token" },
    "Scores refund requests for fraud signals in the development sandbox",
    [grant(0, "read", false)],
  ),
  curated(
    { key: "olivia-alerts-bot", name: "payments-alerts-bot", kind: "bot", system: "slack" }, // N T
    { owner: "olivia", team: "Payments", origin: "imported" },
    { created: 400, expires: null, used: 1, review: 60, cred: "static_secret", rotation: 90, rotated: 200 },
    "Posts payment failure alerts to #payments",
    [grant(0, "write", true)],
  ),
  curated(
    { key: "olivia-refund-worker", name: "refund-worker", kind: "workload", system: "k8s-prod" }, // R
    { owner: "olivia", backup: "omar", team: "Payments", origin: "requested" },
    { created: 60, expires: 80, used: 0.02, review: -3, cred: "federated" },
    "Processes refund jobs in the payments namespace",
    [grant(0, "patch", true), grant(0, "get", false)],
  ),
  curated(
    { key: "omar-settlement-exporter", name: "settlement-exporter", kind: "service_account", system: "snowflake" }, // N T R
    { owner: "omar", team: "Payments", origin: "imported" },
    { created: 500, expires: null, used: 3, review: -20, cred: "static_secret", rotation: 90, rotated: 150 },
    "Exports daily settlements to the finance warehouse",
    [grant(0, "read", false), grant(2, "write", true)],
  ),
  curated(
    { key: "omar-payouts-key", name: "payouts-metrics-key", kind: "api_key", system: "datadog" }, // E
    { owner: "omar", team: "Payments", origin: "requested" },
    { created: 70, expires: 20, used: 0.5, review: 30, cred: "static_secret", rotation: 365, rotated: 30 },
    "Sends payout metrics to Datadog",
    [grant(0, "write", true)],
  ),
  curated(
    { key: "omar-sandbox-bot", name: "omar-sandbox-bot", kind: "bot", system: "github-labs" }, // D (never used)
    { owner: "omar", team: "Payments", origin: "requested" },
    { created: 40, expires: 200, used: null, review: 70, cred: "static_secret", rotation: 90, rotated: null },
    "Experiments with automated dependency updates",
    [grant(6, "issues:write", false)],
  ),
  curated(
    { key: "omar-finance-oauth", name: "finance-reports-oauth", kind: "oauth_app", system: "salesforce" }, // N
    { owner: "omar", team: "Payments", origin: "imported" },
    { created: 300, expires: null, used: 10, review: 15, cred: "certificate", rotation: 365, rotated: 100 },
    "Pulls finance reports from Salesforce",
    [grant(4, "read", false)],
  ),
  curated(
    { key: "omar-gh-actions", name: "payments-gh-actions", kind: "ci_token", system: "aws-staging" }, // X R
    { owner: "omar", team: "Payments", origin: "requested", status: "expired" },
    { created: 120, expires: -30, used: 35, review: -40, cred: "short_lived_token" },
    "Runs the payments staging pipeline",
    [grant(0, "actions:write", false)],
  ),
];
