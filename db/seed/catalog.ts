import type { Environment, IdentityKind } from "@/db/schema";
import { CREDENTIAL_TYPES, IDENTITY_KINDS, IDENTITY_ORIGINS } from "@/db/schema";

// The vocabulary of the demo data. Everything the SQL picks "at random" is an index into one of
// these lists, chosen from md5 bytes of (seed, row number), so a seed always gives the same rows.

export const FIXED_TEAMS = ["Payments", "Security", "Internal Audit", "Platform"] as const;

// Generated teams are "<area> <unit>" (then "<area> <unit> 2", …) so names stay unique at any size.
export const TEAM_AREAS = [
  "Checkout",
  "Ledger",
  "Search",
  "Mobile",
  "Growth",
  "Data",
  "Infrastructure",
  "Identity",
  "Billing",
  "Risk",
  "Messaging",
  "Catalog",
  "Logistics",
  "Analytics",
  "ML Platform",
  "Developer Experience",
] as const;
export const TEAM_UNITS = [
  "Core",
  "API",
  "Web",
  "Pipelines",
  "Reliability",
  "Insights",
  "Integrations",
  "Tooling",
  "Edge",
  "Storage",
  "Experiments",
  "Services",
  "Automation",
  "Foundations",
  "Operations",
  "Clients",
] as const;
/** Generated people per generated team (one lead, who manages the others). */
export const TEAM_SIZE = 8;

export const FIRST_NAMES = [
  "Aisha",
  "Bruno",
  "Chen",
  "Dara",
  "Elif",
  "Felix",
  "Grace",
  "Hiro",
  "Ines",
  "Jonas",
  "Kofi",
  "Lena",
  "Mateo",
  "Nadia",
  "Oscar",
  "Priya",
  "Quinn",
  "Rosa",
  "Sven",
  "Tara",
  "Umar",
  "Vera",
  "Wei",
  "Ximena",
  "Yusuf",
  "Zoe",
  "Amara",
  "Bjorn",
  "Carmen",
  "Dmitri",
  "Esther",
  "Farid",
] as const;
export const LAST_NAMES = [
  "Adeyemi",
  "Bergstrom",
  "Castillo",
  "Dubois",
  "Eriksen",
  "Fischer",
  "Gupta",
  "Hernandez",
  "Ito",
  "Jensen",
  "Kowalski",
  "Larsen",
  "Moreau",
  "Nakamura",
  "Okafor",
  "Petrov",
  "Quispe",
  "Rossi",
  "Schmidt",
  "Tanaka",
  "Underwood",
  "Varga",
  "Wagner",
  "Xu",
  "Yamamoto",
  "Zielinski",
  "Alvarez",
  "Brennan",
  "Costa",
  "Dimitrov",
  "Engel",
  "Fontaine",
] as const;

type SystemKind = "aws_account" | "github_org" | "kubernetes_cluster" | "postgres_database" | "saas_app";
export type SystemDef = {
  key: string;
  name: string;
  kind: SystemKind;
  connector: "postgres" | "webhook" | "manual";
  settings: Record<string, unknown>;
  /** The system's environment: every identity in it lives there. */
  environment: Environment;
  /** external_id = prefix || identity name (an ARN for AWS; the slug / role / client name elsewhere). */
  externalPrefix: string;
  /** secret_store = prefix || environment || '/' || identity name. */
  storePrefix: string;
  /** Exactly 8 resources its entitlements point at. */
  resources: readonly string[];
};

const awsResources = (env: string, acct: string) => [
  `arn:aws:s3:::acme-${env}-ledger`,
  `arn:aws:s3:::acme-${env}-artifacts`,
  `arn:aws:dynamodb:eu-west-1:${acct}:table/orders`,
  `arn:aws:sqs:eu-west-1:${acct}:payment-events`,
  `arn:aws:iam::${acct}:role/deployer`,
  `arn:aws:kms:eu-west-1:${acct}:key/payments`,
  `arn:aws:secretsmanager:eu-west-1:${acct}:secret:db`,
  `arn:aws:logs:eu-west-1:${acct}:log-group:/app`,
];
const aws = (key: string, name: string, env: Environment, acct: string): SystemDef => ({
  key,
  name,
  kind: "aws_account",
  connector: "webhook",
  environment: env,
  settings: { accountId: acct, region: "eu-west-1", webhookUrl: `https://connectors.example.com/aws/${acct}` },
  externalPrefix: `arn:aws:iam::${acct}:role/`,
  storePrefix: `arn:aws:secretsmanager:eu-west-1:${acct}:secret:`,
  resources: awsResources(env, acct),
});
const github = (key: string, org: string, env: Environment): SystemDef => ({
  key,
  name: `GitHub ${org}`,
  kind: "github_org",
  connector: "webhook",
  environment: env,
  settings: { org, webhookUrl: `https://connectors.example.com/github/${org}` },
  externalPrefix: "",
  storePrefix: `vault:kv/github/${org}/`,
  resources: [
    "payments-api",
    "ledger",
    "checkout-web",
    "infra-terraform",
    "mobile-app",
    "data-pipelines",
    "docs",
    "helm-charts",
  ].map((r) => `repo:${org}/${r}`),
});
const k8s = (key: string, cluster: string, env: Environment): SystemDef => ({
  key,
  name: `Kubernetes ${cluster}`,
  kind: "kubernetes_cluster",
  connector: "manual",
  environment: env,
  settings: { cluster, apiServer: `https://${cluster}.k8s.example.com` },
  externalPrefix: "system:serviceaccount:workloads:",
  storePrefix: `vault:kv/k8s/${cluster}/`,
  resources: ["payments", "ledger", "checkout", "search", "kube-system", "monitoring", "ingress", "batch"].map(
    (ns) => `namespace/${ns}`,
  ),
});
const pg = (key: string, db: string, env: Environment, connector: "postgres" | "manual"): SystemDef => ({
  key,
  name: `Postgres ${db}`,
  kind: "postgres_database",
  connector,
  environment: env,
  settings: { host: `${db}.db.example.com`, port: 5432, database: db.replace(/-/g, "_") },
  externalPrefix: "",
  storePrefix: `vault:database/${db}/`,
  resources: [
    "public.orders",
    "public.payments",
    "ledger.entries",
    "ledger.balances",
    "public.customers",
    "reporting.daily",
    "audit.events",
    "public.refunds",
  ].map((t) => `${db}:${t}`),
});
const saas = (
  key: string,
  name: string,
  domain: string,
  resources: string[],
  env: Environment = "production",
): SystemDef => ({
  key,
  name,
  kind: "saas_app",
  connector: "manual",
  environment: env,
  settings: { tenant: `acme.${domain}` },
  externalPrefix: "",
  storePrefix: `vault:kv/saas/${key}/`,
  resources,
});

export const SYSTEMS: readonly SystemDef[] = [
  aws("aws-prod", "AWS production (4123-8891-2207)", "production", "412388912207"),
  aws("aws-staging", "AWS staging (5530-1174-9021)", "staging", "553011749021"),
  aws("aws-sandbox", "AWS sandbox (6609-3318-4410)", "development", "660933184410"),
  github("github-acme", "acme-corp", "production"),
  github("github-labs", "acme-labs", "development"),
  k8s("k8s-prod", "prod-eu-west-1", "production"),
  k8s("k8s-staging", "staging-eu-west-1", "staging"),
  pg("pg-payments", "payments-db", "production", "postgres"),
  pg("pg-analytics", "analytics-warehouse", "production", "manual"),
  saas(
    "salesforce",
    "Salesforce",
    "my.salesforce.com",
    ["Account", "Contact", "Opportunity", "Case", "Report", "User", "Lead", "Invoice__c"].map(
      (o) => `salesforce:object/${o}`,
    ),
  ),
  saas(
    "slack",
    "Slack",
    "slack.com",
    ["#payments", "#incidents", "#deploys", "#support", "#security", "#general", "#alerts", "workspace"].map(
      (c) => `slack:${c}`,
    ),
  ),
  saas(
    "datadog",
    "Datadog",
    "datadoghq.eu",
    ["metrics", "logs", "monitors", "dashboards", "apm", "synthetics", "incidents", "org-settings"].map(
      (r) => `datadog:${r}`,
    ),
  ),
  saas(
    "openai",
    "OpenAI platform",
    "openai.com",
    ["gpt-models", "assistants", "files", "fine-tunes", "batch", "embeddings", "usage", "org-admin"].map(
      (r) => `openai:${r}`,
    ),
  ),
  saas(
    "openai-sandbox",
    "OpenAI sandbox",
    "openai.com",
    ["gpt-models", "assistants", "files", "fine-tunes", "batch", "embeddings", "usage", "org-admin"].map(
      (r) => `openai-sandbox:${r}`,
    ),
    "development",
  ),
  saas(
    "snowflake",
    "Snowflake",
    "snowflakecomputing.com",
    [
      "RAW.PAYMENTS",
      "RAW.EVENTS",
      "ANALYTICS.FINANCE",
      "ANALYTICS.PRODUCT",
      "SHARE.PARTNERS",
      "STAGE.IMPORTS",
      "WAREHOUSE.ETL",
      "ACCOUNTADMIN",
    ].map((r) => `snowflake:${r}`),
  ),
];
export const systemIndex = (key: string) => {
  const i = SYSTEMS.findIndex((s) => s.key === key);
  if (i < 0) throw new Error(`unknown seed system ${key}`);
  return i;
};

/**
 * Permissions per system kind and their level (0 read, 1 write, 2 admin): five reads, two writes,
 * then the admin permission last (index 7), which the generator picks for only ~4% of grants.
 */
export const PERMISSIONS: Record<SystemKind, readonly (readonly [string, 0 | 1 | 2])[]> = {
  aws_account: [
    ["s3:GetObject", 0],
    ["dynamodb:Query", 0],
    ["kms:Decrypt", 0],
    ["logs:FilterLogEvents", 0],
    ["sqs:ReceiveMessage", 0],
    ["s3:PutObject", 1],
    ["sqs:SendMessage", 1],
    ["AdministratorAccess", 2],
  ],
  github_org: [
    ["contents:read", 0],
    ["packages:read", 0],
    ["metadata:read", 0],
    ["issues:read", 0],
    ["actions:read", 0],
    ["contents:write", 1],
    ["pull_requests:write", 1],
    ["admin:org", 2],
  ],
  kubernetes_cluster: [
    ["get", 0],
    ["list", 0],
    ["watch", 0],
    ["get pods/log", 0],
    ["list events", 0],
    ["create", 1],
    ["patch", 1],
    ["cluster-admin", 2],
  ],
  postgres_database: [
    ["SELECT", 0],
    ["CONNECT", 0],
    ["USAGE", 0],
    ["pg_read_all_stats", 0],
    ["pg_monitor", 0],
    ["INSERT", 1],
    ["UPDATE", 1],
    ["OWNER", 2],
  ],
  saas_app: [
    ["read", 0],
    ["api", 0],
    ["export", 0],
    ["read:reports", 0],
    ["read:users", 0],
    ["write", 1],
    ["write:records", 1],
    ["admin", 2],
  ],
};
export const SYSTEM_KIND_ORDER: readonly SystemKind[] = [
  "aws_account",
  "github_org",
  "kubernetes_cluster",
  "postgres_database",
  "saas_app",
];

const K = (k: IdentityKind) => IDENTITY_KINDS.indexOf(k);
/** Identity kinds with weights (32 slots). */
export const KIND_WEIGHTS: readonly (readonly [number, number])[] = [
  [K("service_account"), 8],
  [K("api_key"), 7],
  [K("oauth_app"), 3],
  [K("workload"), 6],
  [K("ci_token"), 4],
  [K("bot"), 2],
  [K("ai_agent"), 2],
];
/** 8 system keys per identity kind (repeats are weights), in IDENTITY_KINDS order. */
export const SYSTEMS_BY_KIND: Record<IdentityKind, readonly string[]> = {
  service_account: [
    "aws-prod",
    "aws-staging",
    "aws-sandbox",
    "k8s-prod",
    "pg-payments",
    "pg-analytics",
    "snowflake",
    "github-acme",
  ],
  api_key: ["datadog", "openai", "slack", "salesforce", "aws-prod", "github-acme", "snowflake", "pg-analytics"],
  oauth_app: ["salesforce", "slack", "github-acme", "github-labs", "datadog", "salesforce", "slack", "snowflake"],
  workload: [
    "k8s-prod",
    "k8s-staging",
    "k8s-prod",
    "aws-prod",
    "aws-staging",
    "k8s-staging",
    "aws-sandbox",
    "pg-payments",
  ],
  ci_token: [
    "github-acme",
    "github-labs",
    "github-acme",
    "aws-prod",
    "aws-staging",
    "k8s-staging",
    "github-acme",
    "datadog",
  ],
  bot: ["slack", "github-acme", "slack", "github-labs", "datadog", "salesforce", "slack", "github-acme"],
  ai_agent: ["openai", "slack", "github-acme", "openai", "salesforce", "snowflake", "openai-sandbox", "pg-analytics"],
};
const [SS, CERT, SLT, FED] = [0, 1, 2, 3] as const; // CREDENTIAL_TYPES order
if (CREDENTIAL_TYPES[SS] !== "static_secret" || CREDENTIAL_TYPES[FED] !== "federated")
  throw new Error("CREDENTIAL_TYPES order changed");
/** 8 credential-type slots per identity kind (indexes into CREDENTIAL_TYPES). */
export const CREDENTIALS_BY_KIND: Record<IdentityKind, readonly number[]> = {
  service_account: [SS, SS, SS, SS, CERT, SLT, FED, FED],
  api_key: [SS, SS, SS, SS, SS, SS, SS, CERT],
  oauth_app: [SS, SS, SS, SS, SS, CERT, CERT, CERT],
  workload: [FED, FED, FED, FED, FED, SLT, SLT, CERT],
  ci_token: [SLT, SLT, SLT, SLT, SS, SS, SS, FED],
  bot: [SS, SS, SS, SS, SS, SS, SLT, SLT],
  ai_agent: [SLT, SLT, SLT, SS, SS, SS, FED, FED],
};
export const KIND_TAGS: Record<IdentityKind, string> = {
  service_account: "svc",
  api_key: "key",
  oauth_app: "app",
  workload: "wl",
  ci_token: "ci",
  bot: "bot",
  ai_agent: "agent",
};
export const ENV_SHORT: Record<Environment, string> = { production: "prod", staging: "stg", development: "dev" };
/** Days beyond 30 that a "normal" expiry may lie ahead, per environment (keeps within max TTL). */
export const EXPIRY_SPAN_DAYS: Record<Environment, number> = { production: 60, staging: 150, development: 335 };
const O = (o: (typeof IDENTITY_ORIGINS)[number]) => IDENTITY_ORIGINS.indexOf(o);
/** Origin (20 slots): 40% requested, 35% imported, 25% discovered. */
export const ORIGIN_WEIGHTS: readonly (readonly [number, number])[] = [
  [O("requested"), 8],
  [O("imported"), 7],
  [O("discovered"), 5],
];
/** Rotation period slots for static secrets (null: no rotation policy). */
export const ROTATION_PERIODS: readonly (number | null)[] = [30, 90, 90, 90, 180, 365, 365, null];
/** Entitlements per identity (20 slots): average 1.45. */
export const ENTITLEMENT_COUNTS: readonly number[] = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3];

export const SERVICES = [
  "payments",
  "ledger",
  "checkout",
  "search",
  "catalog",
  "orders",
  "billing",
  "invoicing",
  "shipping",
  "inventory",
  "fraud",
  "risk",
  "notifications",
  "email",
  "sms",
  "auth",
  "profile",
  "reporting",
  "analytics",
  "warehouse",
  "recommendations",
  "pricing",
  "refunds",
  "payouts",
  "settlements",
  "onboarding",
  "kyc",
  "support",
  "chat",
  "telemetry",
  "backup",
  "deploy",
] as const;
export const COMPONENTS = [
  "api",
  "worker",
  "sync",
  "exporter",
  "importer",
  "scheduler",
  "gateway",
  "reader",
  "writer",
  "deployer",
  "scanner",
  "indexer",
  "backfill",
  "webhook",
  "monitor",
  "migrator",
] as const;
export const PURPOSE_VERBS = [
  "Reads",
  "Writes",
  "Syncs",
  "Exports",
  "Publishes",
  "Deploys",
  "Scans",
  "Indexes",
  "Backs up",
  "Reconciles",
  "Monitors",
  "Rotates",
  "Ingests",
  "Summarises",
  "Notifies about",
  "Archives",
] as const;
export const PURPOSE_OBJECTS = [
  "customer records",
  "ledger entries",
  "payment events",
  "build artifacts",
  "container images",
  "audit logs",
  "invoices",
  "metrics",
  "support tickets",
  "feature flags",
  "search documents",
  "order history",
  "pricing tables",
  "chat transcripts",
  "storage buckets",
  "database snapshots",
] as const;

/** Default policy parameters (settings rows). */
export const DEFAULT_SETTINGS: readonly { key: string; value: unknown }[] = [
  { key: "policy.max_ttl_days", value: { production: 90, staging: 180, development: 365 } },
  { key: "policy.dormant_days", value: 90 },
  { key: "policy.stale_request_days", value: 14 },
  { key: "policy.break_glass_max_hours", value: 4 },
  { key: "policy.review_period_days", value: 90 },
];

export const SEED_POLICY_VERSION = "2026-11-seed";
