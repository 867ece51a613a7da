/**
 * The authorization matrix (issue 10): every mutation of lib/<domain> × every relation and role →
 * allowed or refused, and every server action and route handler → the domain functions it calls.
 *
 * lib/authz/matrix.test.ts walks every cell against a database: a refused cell throws a
 * DomainError, changes no row and writes no audit event; an allowed cell changes what the row
 * promises and writes its audit event. The test also scans lib/ and app/: a new exported
 * `(db: Database, actor: Actor, …)` function must be added here, as a mutation with its cells or
 * as a read; a new server action or route handler must be added to ENTRY_POINTS. So a new feature
 * cannot skip deciding who may use it.
 *
 * The cells say what the rules are (DESIGN.md §1, issue 10), not what the code happens to do.
 */

export const RELATIONS = [
  "owner",
  "backupOwner",
  "ownerManager",
  "otherMember",
  "otherManager",
  "security",
  "auditor",
  "admin",
  "departed",
] as const;
export type Relation = (typeof RELATIONS)[number];

/**
 * Who plays each column in the test. For a mutation that is not about an identity or a request
 * (settings, systems, people, a new identity), the column is simply that person: their roles are
 * what counts.
 */
export const PLAYERS: Record<Relation, string> = {
  owner: "Olivia (member): owns the target identity; made the target request",
  backupOwner: "Omar (member, Olivia's teammate): set as the target identity's backup owner",
  ownerManager: "Maya (manager of Olivia and Omar): the owner's manager, named on the manager stage",
  otherMember: "a member of another team (inserted by the test): does not even see Payments' identities",
  otherManager: "that member's manager (inserted by the test): a manager, but not above the owner",
  security: "Sam (security)",
  auditor:
    "Ari (auditor only), given the relation that would allow the mutation where one exists (made the owner, the owner's manager, the requester, the named approver): auditors read everything and change nothing",
  admin: "Ada (admin), unrelated to the target",
  departed:
    "Dan (departed): has no session. resolveActor returns null for him, and every server action calling the mutation resolves him with requireActor() before it (actorAction, lib/action; a route handler: currentActor() and a 401)",
};

export type Cell = "allowed" | "refused";
const Y: Cell = "allowed";
const N: Cell = "refused";

export type MatrixRow = {
  /** The exported function of lib/ (several rows may test one function with different targets). */
  fn: string;
  /** What the row tries, when one function has several rows. */
  variant?: string;
  file: string;
  does: string;
  cells: Record<Relation, Cell>;
  /**
   * How a refusal shows. `throws` (the default): a DomainError. `skips`: a bulk action that reports
   * what the actor may not do instead of failing the whole selection; refused means it throws, or
   * it approves nothing and reports every id skipped.
   */
  refusal?: "throws" | "skips";
};

export const MATRIX: readonly MatrixRow[] = [
  // Identities: what owners, managers and security do from an identity's page (lib/identities/access.ts).
  {
    fn: "attestIdentity",
    file: "lib/identities/identity-actions.ts",
    does: 'Attests one identity ("I still own this and it is still needed"): its next review moves by the policy period.',
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "bulkAttest",
    file: "lib/identities/identity-actions.ts",
    does: "Attests a selection of the actor's own identities (owner or backup owner) at once; managers attest one at a time.",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "editPurpose",
    file: "lib/identities/identity-actions.ts",
    does: "Changes an identity's stated purpose.",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "shortenExpiry",
    file: "lib/identities/identity-actions.ts",
    does: "Brings an identity's expiry forward (never later: extending needs a request).",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "handOverIdentity",
    file: "lib/identities/identity-actions.ts",
    does: "Hands an identity to a new owner directly (owners ask through a transfer request instead).",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },

  // Revocations (lib/revocations).
  {
    fn: "requestRevocation",
    file: "lib/revocations/request.ts",
    does: "Asks for an identity's revocation (the connector carries it out afterwards).",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "bulkRevoke",
    file: "lib/revocations/bulk.ts",
    does: "Asks for the revocation of a selection of identities, all or nothing.",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "confirmManualRevocation",
    file: "lib/revocations/confirm.ts",
    does: "Confirms, with evidence, a revocation a system without an API waits for: it becomes verified and the identity revoked.",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },

  // Requests (lib/requests).
  {
    fn: "submitRequest",
    variant: "a new identity",
    file: "lib/requests/submit.ts",
    does: "Requests a new identity, owned by the requester: anyone who can change anything may ask.",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: Y,
      otherManager: Y,
      security: Y,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },
  {
    fn: "submitRequest",
    variant: "about an identity",
    file: "lib/requests/submit.ts",
    does: "Requests a change to an existing identity (here: a later expiry): for those answerable for it.",
    cells: {
      owner: Y,
      backupOwner: Y,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "decideStage",
    variant: "the manager stage",
    file: "lib/requests/decide.ts",
    does: "Decides the stage a request waits for, here the owner's manager's: only that manager, never the requester.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "decideStage",
    variant: "the security stage",
    file: "lib/requests/decide.ts",
    does: "Decides the stage a request waits for, here security's: only the security team.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "approveStandardInBulk",
    file: "lib/requests/decide.ts",
    refusal: "skips",
    does: "Approves standard requests in bulk: each only by the manager its current stage waits for.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: Y,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "cancelRequest",
    file: "lib/requests/decide.ts",
    does: "Withdraws a pending request: only the person who made it (the owner column made it).",
    cells: {
      owner: Y,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: N,
      departed: N,
    },
  },

  // Policy settings (lib/policy).
  {
    fn: "changePolicySetting",
    file: "lib/policy/settings-admin.ts",
    does: "Changes one of policy's tunable numbers: security only.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: N,
      departed: N,
    },
  },

  // Systems (lib/systems).
  {
    fn: "configureConnector",
    file: "lib/systems/systems.ts",
    does: "Sets a system's connector and its settings (secrets stored, never shown): admins only.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },
  {
    fn: "setSystemEnvironment",
    file: "lib/systems/systems.ts",
    does: "Sets a system's environment (production, staging, development); its identities move with it: admins only.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },
  {
    fn: "retireSystem",
    file: "lib/systems/systems.ts",
    does: "Retires a system and asks for the revocation of every live identity in it: admins only.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },
  {
    fn: "discoverSystem",
    file: "lib/systems/systems.ts",
    does: "Reads a system's accounts through its connector and adds the new ones as discovered identities: admins and security.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: Y,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },

  // People (lib/people).
  {
    fn: "setPersonRoles",
    variant: "another person",
    file: "lib/people/people.ts",
    does: "Changes another person's roles: admins only.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },
  {
    fn: "setPersonRoles",
    variant: "oneself, adding security",
    file: "lib/people/people.ts",
    does: "Grants oneself the security role: nobody (separation of duties: not even an admin).",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: N,
      departed: N,
    },
  },
  {
    fn: "setPersonStatus",
    file: "lib/people/people.ts",
    does: "Marks another person as departed (their identities become orphans): admins only.",
    cells: {
      owner: N,
      backupOwner: N,
      ownerManager: N,
      otherMember: N,
      otherManager: N,
      security: N,
      auditor: N,
      admin: Y,
      departed: N,
    },
  },
];

/**
 * Exported `(db, actor, …)` functions that change nothing a person governs, each with why. They
 * still check the actor (scope, role), which their own tests cover.
 */
export const READS: Record<string, string> = {
  relationTo: "lib/identities/access.ts: how the actor stands to one identity (the mutations' own check)",
  listIdentities: "the inventory, within the actor's scope",
  inventoryFacets: "the inventory's filter choices",
  suggestFilterValues: "the inventory's typed suggestions (teams, people)",
  ownedSummary: "the home page's counts of the actor's identities",
  orphanTotal: "the count of orphaned identities in the actor's scope",
  getIdentityDetail: "one identity's page, within the actor's scope",
  exportIdentitiesCsv: "the inventory as CSV; records that an export was made, changes no governed row",
  requestFormIdentities: "the identities the request form offers the actor",
  identityForRequestForm: "one identity for the request form, within the actor's scope",
  readPolicySettings: "policy's numbers for the Settings page",
  listAuditEvents: "the audit log (security and auditors)",
  auditFacets: "the audit log's filter choices",
  listSystems: "the Systems page (admins, security, auditors)",
  listRevocations: "revocations and where each stands",
  listRequests: "the request queues",
  inbox: "the count of requests waiting for the actor",
  getRequestDetail: "one request's page",
  previewRequest: "policy's verdict on a draft request, nothing written",
  gatherFacts: "the facts policy decides a request on (used by submit and preview)",
  listPeople: "the People page (admins)",
};

/**
 * Every server action (app/**\/actions.ts) and route handler (app/**\/route.ts) → the lib functions
 * it calls with the session's actor. `calls: []` with a note: it calls none.
 */
export type EntryPoint = {
  calls: string[];
  /** When the handler hands the request to a lib function that makes the calls: "lib/<file>.ts <function>". */
  via?: string;
  note?: string;
};
export const ENTRY_POINTS: Record<string, Record<string, EntryPoint>> = {
  "app/(app)/actions.ts": {
    signOutAction: { calls: [], note: "Auth.js sign-out; the sign-out is audited by the auth events" },
  },
  "app/(app)/identities/[id]/actions.ts": {
    attestAction: { calls: ["attestIdentity"] },
    editPurposeAction: { calls: ["editPurpose"] },
    handOverAction: { calls: ["handOverIdentity"] },
    shortenExpiryAction: { calls: ["shortenExpiry"] },
    revokeAction: {
      calls: ["requestRevocation"],
      note: "then runs the connector for that revocation (runRevocations, as the actor)",
    },
    confirmRevocationAction: { calls: ["confirmManualRevocation"] },
  },
  "app/(app)/identities/actions.ts": {
    bulkAttestAction: { calls: ["bulkAttest"] },
    bulkRevokeAction: { calls: ["bulkRevoke"], note: "the connectors run after the answer" },
  },
  "app/(app)/people/actions.ts": {
    setRolesAction: { calls: ["setPersonRoles"] },
    setStatusAction: { calls: ["setPersonStatus"] },
  },
  "app/(app)/requests/actions.ts": {
    submitRequestAction: { calls: ["submitRequest"] },
    previewRequestAction: { calls: ["previewRequest"] },
    decideAction: { calls: ["decideStage"] },
    cancelAction: { calls: ["cancelRequest"] },
    bulkApproveAction: { calls: ["approveStandardInBulk"] },
  },
  "app/(app)/settings/actions.ts": {
    changeSettingAction: { calls: ["changePolicySetting"] },
  },
  "app/(app)/systems/actions.ts": {
    configureAction: { calls: ["configureConnector"] },
    retireAction: { calls: ["retireSystem"] },
    discoverAction: { calls: ["discoverSystem"] },
    setEnvironmentAction: { calls: ["setSystemEnvironment"] },
  },
  "app/signin/actions.ts": {
    demoSignInAction: {
      calls: [],
      note: "Auth.js sign-in with a demo persona (lib/auth/people.ts authorizeDemoSignIn: demo mode only)",
    },
    oidcSignInAction: { calls: [], note: "Auth.js sign-in through OpenID Connect" },
  },
  "app/(app)/identities/export/route.ts": {
    POST: {
      calls: ["exportIdentitiesCsv"],
      via: "lib/identities/export-http.ts exportRequest",
      note: "same-origin only; the session is read there",
    },
    GET: { calls: [], note: "an old export link: redirects to the inventory, exports nothing" },
  },
  "app/(app)/identities/suggest/route.ts": {
    GET: { calls: ["suggestFilterValues"] },
  },
  "app/api/auth/[...nextauth]/route.ts": {
    GET: { calls: [], note: "Auth.js's own handlers" },
    POST: { calls: [], note: "Auth.js's own handlers" },
  },
  "app/api/health/route.ts": {
    GET: { calls: [], note: "liveness: up or down, no actor" },
  },
  "app/api/v1/connectors/webhook/callback/route.ts": {
    POST: {
      calls: ["receiveWebhookCallback"],
      note: "no session: the system's HMAC signature is the credential (lib/revocations/callback.ts)",
    },
  },
};

/** Functions entry points call that take no actor, with what authorizes them instead. */
export const NOT_ACTOR_CALLS: Record<string, string> = {
  receiveWebhookCallback:
    "a webhook receiver's signed callback: the signature with the system's secret, checked before anything is read",
};

/**
 * What else app's actions and route handlers import from lib/, and why it decides nothing about
 * who may do what. An entry point importing a lib function that is in none of MATRIX, READS,
 * NOT_ACTOR_CALLS or here fails the test: a new action cannot call, say, a lifecycle job directly
 * without someone deciding where it belongs.
 */
export const PLUMBING: Record<string, string> = {
  actorAction:
    "the one action wrapper (lib/action): the session's actor before the call, a DomainError as the form's answer",
  field: "reads a form field (lib/action); the lib function it feeds parses it",
  text: "reads a form field (lib/action); the lib function it feeds parses it",
  optionalText: "reads a form field (lib/action); the lib function it feeds parses it",
  plural: "wording: a count and its word",
  pluralWord: "wording: the word for a count",
  auditActor: "the actor as the audit log names it",
  requireActor: "the session's actor, or a redirect to sign-in (the departed column's check)",
  currentActor: "the session's actor, or null (route handlers answer 401)",
  signIn: "Auth.js sign-in (demo personas refused on the server unless demo mode; OIDC bound by issuer and subject)",
  signOut: "Auth.js sign-out",
  handlers: "Auth.js's own routes",
  safeCallbackUrl: "keeps the destination after sign-in on this site",
  now: "the injectable clock",
  invalid: "builds a DomainError",
  requestFromForm: "turns a request form's fields into the input submitRequest parses and authorizes",
  activePersonIdByEmail: "looks up the person a form names by email; the mutation it feeds checks them",
  readCallbackBody: "reads the webhook callback's body with its size cap, before anything else",
  runRevocations:
    "carries out the revocations the preceding mutation just created and returned (their ids only); authorized there",
};

export const rowName = (r: MatrixRow) => (r.variant ? `${r.fn} (${r.variant})` : r.fn);
export const cellCount = () => MATRIX.length * RELATIONS.length;

/** The matrix as a text table, for the test's summary and for reading. */
export function renderMatrix(): string {
  const head = ["mutation", ...RELATIONS];
  const rows = MATRIX.map((r) => [rowName(r), ...RELATIONS.map((rel) => (r.cells[rel] === "allowed" ? "✓" : "·"))]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(width[i]!)).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
