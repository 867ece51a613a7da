import { API_ENTRY_POINTS } from "./entry-points-api";

// What the matrix's test checks app/ against: the reads (functions that take an actor and change
// nothing governed), every server action and route handler with the domain functions it calls, the
// calls that take no actor, and the plumbing entry points may import. See ./matrix.ts.

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
  previewScope: "a draft campaign's live count and first rows (security, or a manager within their reports)",
  listCampaigns: "the Reviews page: campaigns the actor may see",
  queueCampaigns: "My reviews' campaign filter: the active campaigns the actor may see, by name",
  getCampaign: "one campaign's page with its progress per reviewer",
  campaignItems: "a campaign's items (its creator, security, auditors)",
  myReviewItems: "the items waiting for the actor",
  myReviewCount: "the count of items waiting for the actor",
  reviewQueue: "My reviews: a page of the items waiting for the actor, with the filter's count",
  campaignEvidence: "a campaign's printable evidence (its creator, security, auditors)",
  evidenceCsv: "a campaign's evidence as CSV (its creator, security, auditors)",
  myNotifications: "the actor's own notifications",
  unreadNotifications: "the count of the actor's unread notifications (the bell)",
  breakGlassBoard: "the Break-glass page: waiting, active, reviews open, recently closed, in the actor's scope",
  getBreakGlass: "one break-glass with its window's timeline (its holder, the holder's managers, security, auditors)",
  breakGlassSummary: "the overview's break-glass counts, in the actor's scope",
  myApiTokens: "the Tokens page: the actor's own API tokens",
  openUsageFlags: "an identity's unusual use not yet reviewed, for those who may see it",
  unusualUseSummary: "the overview's count of identities with unusual use, in the actor's scope",
  getRevocation: "one revocation or grant and where it stands, in the actor's scope (the inventory's)",
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
/** Entry points that each call one lib function and need no note: action name → that function. */
const calling = (actions: Record<string, string>): Record<string, EntryPoint> =>
  Object.fromEntries(Object.entries(actions).map(([name, fn]) => [name, { calls: [fn] }]));

export const ENTRY_POINTS: Record<string, Record<string, EntryPoint>> = {
  "app/(app)/actions.ts": {
    signOutAction: { calls: [], note: "Auth.js sign-out; the sign-out is audited by the auth events" },
  },
  "app/(app)/identities/[id]/actions.ts": {
    ...calling({
      attestAction: "attestIdentity",
      editPurposeAction: "editPurpose",
      handOverAction: "handOverIdentity",
      shortenExpiryAction: "shortenExpiry",
      confirmRevocationAction: "confirmManualRevocation",
      reviewUsageAction: "reviewUsageFlags",
    }),
    revokeAction: {
      calls: ["requestRevocation"],
      note: "then runs the connector for that revocation (runRevocations, as the actor)",
    },
  },
  "app/(app)/identities/actions.ts": {
    ...calling({ bulkAttestAction: "bulkAttest" }),
    bulkRevokeAction: { calls: ["bulkRevoke"], note: "the connectors run after the answer" },
  },
  "app/(app)/people/actions.ts": calling({ setRolesAction: "setPersonRoles", setStatusAction: "setPersonStatus" }),
  "app/(app)/requests/actions.ts": calling({
    submitRequestAction: "submitRequest",
    previewRequestAction: "previewRequest",
    decideAction: "decideStage",
    cancelAction: "cancelRequest",
    bulkApproveAction: "approveStandardInBulk",
  }),
  "app/(app)/reviews/actions.ts": {
    ...calling({
      createCampaignAction: "createCampaign",
      launchCampaignAction: "launchCampaign",
      decideItemAction: "decideReviewItem",
      bulkDecideAction: "decideInBulk",
      confirmItemAction: "confirmReviewItem",
      handOverAction: "handOverItems",
    }),
    closeCampaignAction: { calls: ["closeCampaign"], note: "the connectors run the revocations after the answer" },
  },
  "app/(app)/break-glass/actions.ts": {
    requestBreakGlassAction: {
      calls: ["requestBreakGlass"],
      note: "then carries out the grant it queued (runRevocations, as the actor)",
    },
    decideBreakGlassAction: {
      calls: ["decideBreakGlass"],
      note: "then carries out the grant an approval queued (runRevocations, as the actor)",
    },
    endBreakGlassAction: {
      calls: ["endBreakGlass"],
      note: "then carries out the revocation it queued (runRevocations, as the actor)",
    },
    reviewBreakGlassAction: { calls: ["completePostUseReview"] },
  },
  "app/(app)/notifications/actions.ts": calling({ markAllReadAction: "markNotificationsRead" }),
  "app/(app)/tokens/actions.ts": {
    ...calling({ createTokenAction: "createApiToken" }),
    revokeTokenAction: {
      calls: ["requestRevocation"],
      note: "revoking a token is revoking its identity; then runs the Steward connector for it (runRevocations, as the actor)",
    },
  },
  "app/(app)/settings/actions.ts": calling({ changeSettingAction: "changePolicySetting" }),
  "app/(app)/systems/actions.ts": calling({
    configureAction: "configureConnector",
    retireAction: "retireSystem",
    discoverAction: "discoverSystem",
    setEnvironmentAction: "setSystemEnvironment",
  }),
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
  "app/(app)/identities/suggest/route.ts": calling({ GET: "suggestFilterValues" }),
  "app/(app)/import/upload/route.ts": {
    POST: {
      calls: ["importIdentities"],
      via: "lib/importers/upload-http.ts importRequest",
      note: "same-origin only; the session is read there (401 without one)",
    },
  },
  "app/(app)/reviews/[id]/evidence/export/route.ts": {
    GET: { calls: ["evidenceCsv"], note: "the session's actor (currentActor, 401 without one)" },
  },
  "app/api/auth/[...nextauth]/route.ts": {
    GET: { calls: [], note: "Auth.js's own handlers" },
    POST: { calls: [], note: "Auth.js's own handlers" },
  },
  "app/api/test/jobs/route.ts": {
    POST: {
      calls: ["runJobsNamed"],
      note: "end-to-end tests only (STEWARD_TEST_CONTROL=1, else 404), and a signed-in security person: runs named lifecycle jobs, at a time moved ahead",
    },
  },
  "app/api/health/route.ts": {
    GET: { calls: [], note: "liveness: up or down, no actor" },
  },
  ...API_ENTRY_POINTS,
  "app/api/v1/connectors/webhook/callback/route.ts": {
    POST: {
      calls: ["receiveWebhookCallback"],
      note: "no session: the system's HMAC signature is the credential (lib/revocations/callback.ts)",
    },
  },
};

/**
 * Exported `(tx, actor, …)` steps of a mutation, run under the row lock the mutation took; its
 * domain's door does not export them (eslint keeps the rest of the app out), and the mutation's
 * cells cover them.
 */
export const STEPS: Record<string, string> = {
  decideLocked: "lib/requests/decide-stage.ts: one stage's decision, inside decideStage and approveStandardInBulk",
  finalApproval: "lib/requests/final-approval.ts: policy's second look at the last approval, inside decideLocked",
  lockCampaign:
    "lib/reviews/campaigns.ts: locks a campaign and refuses who may not manage it, inside launchCampaign and closeCampaign",
  insertItems:
    "lib/reviews/snapshot.ts: the scope's review items for the campaign's creator (whose reports bound a manager's scope), inside launchCampaign and fillCampaignPart",
  contextOf:
    "lib/reviews/decide.ts: what the checks need for items already locked, inside decideReviewItem and decideInBulk",
  write: "lib/reviews/decide.ts: writes checked decisions on locked items, inside decideReviewItem and decideInBulk",
};

/** Functions entry points call that take no actor, with what authorizes them instead. */
export const NOT_ACTOR_CALLS: Record<string, string> = {
  runJobsNamed:
    "lifecycle jobs, as jobs: reachable only with STEWARD_TEST_CONTROL=1 (the end-to-end servers); the route answers 404 otherwise",
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
  fields: "reads named form fields (lib/action); the lib function they feed parses them",
  text: "reads a form field (lib/action); the lib function it feeds parses it",
  optionalText: "reads a form field (lib/action); the lib function it feeds parses it",
  plural: "wording: a count and its word",
  pluralWord: "wording: the word for a count",
  leftOut: "wording: what a bulk action left out, and why",
  auditActor: "the actor as the audit log names it",
  requireActor: "the session's actor, or a redirect to sign-in (the departed column's check)",
  apiDocument: "the OpenAPI document of /api/v1, made from the routes' schemas (public, holds no data)",
  currentActor: "the session's actor, or null (route handlers answer 401)",
  hasRole: "reads the actor's roles (the test-only routes admit security only)",
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
  testControlEnabled: "whether STEWARD_TEST_CONTROL=1 (end-to-end servers only): the test routes answer 404 otherwise",
  grantsOfRequests:
    "finds the grants the preceding approval just queued (the request ids that approval authorized), for runRevocations",
  fillCampaign:
    "takes the snapshot of the campaign the preceding launchCampaign just launched (its id only); authorized there",
  applyCertifications:
    "applies the certifications of the campaign the preceding closeCampaign just closed (its id only); authorized there",
};
