import { DEFAULT_POLICY_SETTINGS } from "./settings";
import type { PolicyContext, PolicyRequest, SubjectFacts } from "./types";

// The policy test's table: each row is a request, the outcome policy must reach, the stages it must
// ask for and a phrase every denial must contain. Boundaries sit exactly at the limits and one step past.

export const NOW = new Date("2026-11-27T12:00:00.000Z");
export const DAY = 86_400_000;
export const inDays = (d: number) => new Date(NOW.getTime() + d * DAY);
export const ctx: PolicyContext = { now: NOW, requesterId: "olivia", settings: DEFAULT_POLICY_SETTINGS };
export const prod: SubjectFacts = {
  environment: "production",
  ownerId: "olivia",
  ownerManagerId: "maya",
  expiresAt: inDays(30),
};
export const dev: SubjectFacts = { ...prod, environment: "development" };

export const newIdentity = (over: Partial<Extract<PolicyRequest, { type: "new_identity" }>> = {}): PolicyRequest => ({
  type: "new_identity",
  environment: "development",
  ownerId: "olivia",
  ownerActive: true,
  requesterIsOwner: true,
  purpose: "Builds nightly reports for the payments team",
  expiresAt: inDays(30),
  entitlements: [{ resource: "reports-bucket", permission: "read" }],
  ...over,
});

export type Row = [
  label: string,
  request: PolicyRequest,
  outcome: "allow" | "deny" | "needs_approval",
  stages: string[],
  denial?: RegExp,
];

export const ROWS: Row[] = [
  // new identity: the standard baseline and each way out of it
  ["dev, read-only, 30 days: standard", newIdentity(), "allow", []],
  ["dev, exactly the 90-day baseline", newIdentity({ expiresAt: inDays(90) }), "allow", []],
  [
    "dev, 90 days + 1 ms: past the baseline, manager",
    newIdentity({ expiresAt: new Date(inDays(90).getTime() + 1) }),
    "needs_approval",
    ["owner_manager"],
  ],
  ["staging, read-only: manager", newIdentity({ environment: "staging" }), "needs_approval", ["owner_manager"]],
  [
    "dev, read-only, for someone else: their manager",
    newIdentity({ ownerId: "omar", requesterIsOwner: false }),
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "production privileged: manager then security",
    newIdentity({
      environment: "production",
      entitlements: [{ resource: "aws-prod", permission: "AdministratorAccess" }],
    }),
    "needs_approval",
    ["owner_manager", "security"],
  ],
  [
    "dev privileged: manager then security",
    newIdentity({ entitlements: [{ resource: "repo", permission: "contents:write" }] }),
    "needs_approval",
    ["owner_manager", "security"],
  ],
  [
    "production, exactly 90 days",
    newIdentity({ environment: "production", expiresAt: inDays(90) }),
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "production, 90 days + 1 ms",
    newIdentity({ environment: "production", expiresAt: new Date(inDays(90).getTime() + 1) }),
    "deny",
    [],
    /production allows at most 90 days/,
  ],
  ["no expiry", newIdentity({ expiresAt: null }), "deny", [], /Give it an expiry/],
  ["expiry now", newIdentity({ expiresAt: NOW }), "deny", [], /must be in the future/],
  ["no owner", newIdentity({ ownerId: null }), "deny", [], /Name an owner/],
  ["departed owner", newIdentity({ ownerActive: false }), "deny", [], /has left the company/],
  ["purpose of 9 characters", newIdentity({ purpose: "reporting" }), "deny", [], /at least 10 characters/],
  ["purpose of 10 characters", newIdentity({ purpose: "reporting!" }), "allow", []],
  // grants
  [
    "grant read in dev ending with the identity",
    { type: "grant_entitlement", subject: dev, entitlement: { resource: "db", permission: "SELECT" }, expiresAt: null },
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "grant read in dev for 10 days: standard",
    {
      type: "grant_entitlement",
      subject: dev,
      entitlement: { resource: "db", permission: "SELECT" },
      expiresAt: inDays(10),
    },
    "allow",
    [],
  ],
  [
    "grant OWNER in production",
    {
      type: "grant_entitlement",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "OWNER" },
      expiresAt: inDays(10),
    },
    "needs_approval",
    ["owner_manager", "security"],
  ],
  // expiry extensions
  [
    "extend production to 90 days",
    { type: "extend_expiry", subject: prod, expiresAt: inDays(90) },
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "extend production past 90 days",
    { type: "extend_expiry", subject: prod, expiresAt: inDays(120) },
    "deny",
    [],
    /policy exception/,
  ],
  ["extend dev within the baseline", { type: "extend_expiry", subject: dev, expiresAt: inDays(60) }, "allow", []],
  // exceptions
  [
    "exception for 90 days",
    {
      type: "policy_exception",
      subject: prod,
      justification: "Vendor integration cannot rotate before the Q1 migration",
      endsAt: inDays(90),
    },
    "needs_approval",
    ["owner_manager", "security"],
  ],
  [
    "exception for 91 days",
    {
      type: "policy_exception",
      subject: prod,
      justification: "Vendor integration cannot rotate before the Q1 migration",
      endsAt: inDays(91),
    },
    "deny",
    [],
    /at most 90 days/,
  ],
  [
    "exception with a thin reason",
    { type: "policy_exception", subject: prod, justification: "needed", endsAt: inDays(10) },
    "deny",
    [],
    /at least 20 characters/,
  ],
  // transfers
  [
    "transfer to someone here",
    { type: "transfer_ownership", subject: prod, newOwnerId: "omar", newOwnerActive: true },
    "needs_approval",
    ["owner_manager"],
  ],
  [
    "transfer to someone who left",
    { type: "transfer_ownership", subject: prod, newOwnerId: "dan", newOwnerActive: false },
    "deny",
    [],
    /has left the company/,
  ],
  // break-glass
  [
    "break-glass, 4 h, privileged",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "superuser" },
      hours: 4,
      incident: "INC-1234",
      requesterOnCall: false,
      requesterOverdueReview: false,
    },
    "needs_approval",
    ["security"],
  ],
  [
    "break-glass, on call, privileged: at once",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "superuser" },
      hours: 4,
      incident: "INC-1234",
      requesterOnCall: true,
      requesterOverdueReview: false,
    },
    "allow",
    [],
  ],
  [
    "break-glass, on call with an overdue post-use review: security overrides",
    {
      type: "break_glass",
      subject: prod,
      entitlement: null,
      hours: 1,
      incident: "INC-1234",
      requesterOnCall: true,
      requesterOverdueReview: true,
    },
    "needs_approval",
    ["security"],
  ],
  [
    "break-glass, 5 h",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "read" },
      hours: 5,
      incident: "INC-1234",
      requesterOnCall: true,
      requesterOverdueReview: false,
    },
    "deny",
    [],
    /1 to 4 hours/,
  ],
  [
    "break-glass without an incident",
    {
      type: "break_glass",
      subject: prod,
      entitlement: { resource: "payments-db", permission: "read" },
      hours: 1,
      incident: "",
      requesterOnCall: true,
      requesterOverdueReview: false,
    },
    "deny",
    [],
    /Name the incident/,
  ],
];
