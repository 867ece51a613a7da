import type { Curated } from "./curated";
import { curated, discovered, grant } from "./curated-rows";

// States per identity: E expiring, X expired, N no expiry, D dormant, R review overdue, T rotation overdue, O orphaned.
/** Dan's (he has left), the unowned ones discovery found, then one each for Maya, Sam and Ada. */
export const CURATED_ORPHANS_AND_OTHERS: readonly Curated[] = [
  curated(
    { key: "dan-batch-loader", name: "legacy-batch-loader", kind: "service_account", system: "pg-payments" }, // O N D T R
    { owner: "dan", team: "Payments", origin: "imported" },
    { created: 900, expires: null, used: 200, review: -60, cred: "static_secret", rotation: 90, rotated: 400 },
    "Nightly batch load of bank statements",
    [grant(2, "INSERT", true), grant(2, "OWNER", true)],
  ),
  curated(
    { key: "dan-test-key", name: "dan-test-key", kind: "api_key", system: "openai-sandbox" }, // O X T
    { owner: "dan", team: "Payments", origin: "requested" },
    { created: 90, expires: -15, used: 50, review: 5, cred: "static_secret", rotation: 30, rotated: 60 },
    "Trying out embeddings for support search",
    [grant(2, "read", false)],
  ),
  curated(
    { key: "dan-invoice-sync", name: "invoice-sync-app", kind: "oauth_app", system: "salesforce" }, // O E
    { owner: "dan", team: "Payments", origin: "requested" },
    { created: 80, expires: 7, used: 1, review: 25, cred: "certificate", rotation: 365, rotated: 80 },
    "Syncs invoices from billing to Salesforce",
    [grant(7, "write", true)],
  ),
  discovered(
    { key: "unowned-s3-reader", name: "s3-reader-unknown", kind: "service_account", system: "aws-prod" }, // O N
    { created: 700, used: 40, cred: "static_secret" },
    [grant(0, "s3:GetObject", false)],
  ),
  discovered(
    { key: "unowned-cluster-admin", name: "default-sa-cluster-admin", kind: "workload", system: "k8s-prod" }, // O N
    { created: 365, used: 0.2, cred: "federated" },
    [grant(4, "cluster-admin", true)],
  ),
  discovered(
    { key: "unowned-github-pat", name: "gh-pat-unknown", kind: "api_key", system: "github-acme" }, // O N D
    { created: 800, used: 120, cred: "static_secret" },
    [grant(0, "contents:write", true)],
  ),
  curated(
    { key: "maya-dashboard-bot", name: "payments-team-dashboard-bot", kind: "bot", system: "github-labs" },
    { owner: "maya", team: "Payments", origin: "requested" },
    { created: 30, expires: 100, used: 5, review: 60, cred: "short_lived_token" },
    "Posts the team's weekly review dashboard",
    [],
  ),
  curated(
    { key: "sam-security-scanner", name: "security-scanner", kind: "service_account", system: "aws-prod" },
    { owner: "sam", team: "Security", origin: "requested" },
    { created: 100, expires: 60, used: 0.01, review: 50, cred: "federated" },
    "Scans IAM policies for risky grants",
    [grant(4, "sts:AssumeRole", true)],
  ),
  curated(
    { key: "ada-terraform-ci", name: "terraform-ci", kind: "ci_token", system: "aws-prod" },
    { owner: "ada", team: "Platform", origin: "requested" },
    { created: 180, expires: 45, used: 0.3, review: 40, cred: "federated" },
    "Applies Terraform plans for the platform account",
    [grant(4, "AdministratorAccess", true)],
  ),
];
