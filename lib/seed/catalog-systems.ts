import type { Environment } from "@/db/schema";

// The demo's systems (each in one environment, with the eight resources its grants point at)
// and the permissions per system kind.

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

/** A system's eight resources: each word of `list` after `prefix`. */
const resources = (prefix: string, list: string) => list.split(" ").map((r) => prefix + r);
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
/** A system: who it is, then how it is reached; `externalPrefix` is empty unless given. */
const system = (
  at: Pick<SystemDef, "key" | "name" | "kind" | "connector" | "environment">,
  {
    externalPrefix = "",
    ...reach
  }: Pick<SystemDef, "settings" | "storePrefix" | "resources"> & { externalPrefix?: string },
): SystemDef => ({ ...at, externalPrefix, ...reach });
const aws = (key: string, name: string, environment: Environment, acct: string) =>
  system(
    { key, name, kind: "aws_account", connector: "webhook", environment },
    {
      settings: { accountId: acct, region: "eu-west-1", webhookUrl: `https://connectors.example.com/aws/${acct}` },
      externalPrefix: `arn:aws:iam::${acct}:role/`,
      storePrefix: `arn:aws:secretsmanager:eu-west-1:${acct}:secret:`,
      resources: awsResources(environment, acct),
    },
  );
const github = (key: string, org: string, environment: Environment) =>
  system(
    { key, name: `GitHub ${org}`, kind: "github_org", connector: "webhook", environment },
    {
      settings: { org, webhookUrl: `https://connectors.example.com/github/${org}` },
      storePrefix: `vault:kv/github/${org}/`,
      resources: resources(
        `repo:${org}/`,
        "payments-api ledger checkout-web infra-terraform mobile-app data-pipelines docs helm-charts",
      ),
    },
  );
const k8s = (key: string, cluster: string, environment: Environment) =>
  system(
    { key, name: `Kubernetes ${cluster}`, kind: "kubernetes_cluster", connector: "manual", environment },
    {
      settings: { cluster, apiServer: `https://${cluster}.k8s.example.com` },
      externalPrefix: "system:serviceaccount:workloads:",
      storePrefix: `vault:kv/k8s/${cluster}/`,
      resources: resources("namespace/", "payments ledger checkout search kube-system monitoring ingress batch"),
    },
  );
const pg = (key: string, db: string, environment: Environment, connector: "postgres" | "manual") =>
  system(
    { key, name: `Postgres ${db}`, kind: "postgres_database", connector, environment },
    {
      settings: { host: `${db}.db.example.com`, port: 5432, database: db.replace(/-/g, "_") },
      storePrefix: `vault:database/${db}/`,
      resources: resources(
        `${db}:`,
        "public.orders public.payments ledger.entries ledger.balances public.customers reporting.daily audit.events public.refunds",
      ),
    },
  );
const openai = (key: string) =>
  resources(`${key}:`, "gpt-models assistants files fine-tunes batch embeddings usage org-admin");
/** Each SaaS app's eight resources. */
const SAAS_RESOURCES = {
  salesforce: resources("salesforce:object/", "Account Contact Opportunity Case Report User Lead Invoice__c"),
  slack: resources("slack:", "#payments #incidents #deploys #support #security #general #alerts workspace"),
  datadog: resources("datadog:", "metrics logs monitors dashboards apm synthetics incidents org-settings"),
  openai: openai("openai"),
  "openai-sandbox": openai("openai-sandbox"),
  snowflake: resources(
    "snowflake:",
    "RAW.PAYMENTS RAW.EVENTS ANALYTICS.FINANCE ANALYTICS.PRODUCT SHARE.PARTNERS STAGE.IMPORTS WAREHOUSE.ETL ACCOUNTADMIN",
  ),
};
const saas = (key: keyof typeof SAAS_RESOURCES, name: string, domain: string, environment: Environment) =>
  system(
    { key, name, kind: "saas_app", connector: "manual", environment },
    {
      settings: { tenant: `acme.${domain}` },
      storePrefix: `vault:kv/saas/${key}/`,
      resources: SAAS_RESOURCES[key],
    },
  );

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
  saas("salesforce", "Salesforce", "my.salesforce.com", "production"),
  saas("slack", "Slack", "slack.com", "production"),
  saas("datadog", "Datadog", "datadoghq.eu", "production"),
  saas("openai", "OpenAI platform", "openai.com", "production"),
  saas("openai-sandbox", "OpenAI sandbox", "openai.com", "development"),
  saas("snowflake", "Snowflake", "snowflakecomputing.com", "production"),
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
