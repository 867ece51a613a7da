#!/usr/bin/env node
// A local OpenID Connect issuer for the end-to-end tests (oidc-provider). Anyone may sign in with
// any email address and any password; the subject is the email unless the login form names
// another, and the email is verified unless its box is unticked: so a test can be the account
// whose email was never verified, or a second account that claims an existing person's email,
// or an account whose email changed. It has one confidential client, Steward, whose redirect URIs
// come from OIDC_REDIRECT_URIS (comma separated).
//
//   OIDC_PORT=3199 OIDC_REDIRECT_URIS=http://localhost:3100/api/auth/callback/oidc node e2e/support/oidc-provider.mjs
//
// It is quiet unless something goes wrong (OIDC_DEBUG=1 logs every request and event). The login
// page is its own rather than oidc-provider's devInteractions: those print warnings, pull a font
// from the internet and label nothing, and a test should read like a person signing in.
import crypto from "node:crypto";
import http from "node:http";
import { escape, loginPage, page, readForm, send } from "./oidc-pages.mjs";

const port = Number(process.env.OIDC_PORT ?? 3199);
const issuer = `http://localhost:${port}`;
const redirectUris = (process.env.OIDC_REDIRECT_URIS ?? "")
  .split(",")
  .map((u) => u.trim())
  .filter(Boolean);
const debug = process.env.OIDC_DEBUG === "1";

if (redirectUris.length === 0) {
  console.error("oidc-provider.mjs: set OIDC_REDIRECT_URIS to the client's redirect URIs (comma separated).");
  process.exit(2);
}

// oidc-provider 9 warns at import time on a Node.js release older than 22 LTS. Node 20.19+ works
// for what these tests use, so that one notice is filtered; every other warning is kept.
const { default: Provider } = await (async () => {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!String(args[0]).includes("Unsupported runtime")) warn(...args);
  };
  try {
    return await import("oidc-provider");
  } finally {
    console.warn = warn;
  }
})();

/** Names of the people the tests sign in; anyone else is named after their email's local part. */
const NAMES = {
  "olivia.owner@example.com": "Olivia Owner",
  "dan.departed@example.com": "Dan Departed",
  "nina.newcomer@example.com": "Nina Newcomer",
  "root.admin@example.com": "Root Admin",
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Accounts by subject, as the login form last described them: { email, verified }. */
const accounts = new Map();

function nameFor(email) {
  return (
    NAMES[email] ??
    email
      .split("@")[0]
      .split(/[._+-]+/)
      .filter(Boolean)
      .map((part) => part[0].toUpperCase() + part.slice(1))
      .join(" ")
  );
}

/** An in-memory store, ours so that oidc-provider does not warn about its development one. */
const store = new Map();
const grants = new Map();
class MemoryAdapter {
  constructor(model) {
    this.model = model;
  }
  key(id) {
    return `${this.model}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    store.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (this.model === "Session") store.set(`sessionUid:${payload.uid}`, { payload: id, expiresAt: Infinity });
    if (payload.userCode) store.set(`userCode:${payload.userCode}`, { payload: id, expiresAt: Infinity });
    if (payload.grantId) {
      if (!grants.has(payload.grantId)) grants.set(payload.grantId, new Set());
      grants.get(payload.grantId).add(key);
    }
  }
  async find(id) {
    const entry = store.get(this.key(id));
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(this.key(id));
      return undefined;
    }
    return entry.payload;
  }
  async findByUid(uid) {
    const id = store.get(`sessionUid:${uid}`)?.payload;
    return id ? this.find(id) : undefined;
  }
  async findByUserCode(userCode) {
    const id = store.get(`userCode:${userCode}`)?.payload;
    return id ? this.find(id) : undefined;
  }
  async consume(id) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    for (const key of grants.get(grantId) ?? []) store.delete(key);
    grants.delete(grantId);
  }
}

// A signing key made at start-up: nothing outlives the process, so nothing needs a fixed key.
const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "e2e", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  jwks: { keys: [signingKey] },
  clients: [
    {
      client_id: "steward-e2e",
      client_secret: "steward-e2e-secret-with-enough-entropy",
      redirect_uris: redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      // What Auth.js sends unless the provider config says otherwise.
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  // Auth.js reads the person from the ID token, not from userinfo: put the scopes' claims in it.
  // (By default oidc-provider leaves them out of ID tokens issued with an access token.)
  conformIdTokenClaims: false,
  async findAccount(_ctx, id) {
    // An account as its last login described it (a real provider's user may change their email).
    const account = accounts.get(id) ?? (EMAIL.test(id) ? { email: id.toLowerCase(), verified: true } : undefined);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: account.verified, name: nameFor(account.email) };
      },
    };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: false },
  },
  pkce: { required: () => true },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    Interaction: 600,
    Session: 600,
    Grant: 600,
  },
  async renderError(ctx, out, error) {
    if (debug) console.error("oidc-provider renderError", error);
    ctx.type = "html";
    ctx.body = page(
      "Sign-in error",
      `<h1>Sign-in error</h1><p role="alert">${escape(out.error)}: ${escape(out.error_description ?? "")}</p>`,
    );
  },
});

// Errors that mean the tests will fail are worth seeing even when quiet.
provider.on("server_error", (_ctx, err) => console.error("oidc-provider server_error", err));
if (debug) {
  for (const event of [
    "grant.error",
    "authorization.error",
    "interaction.started",
    "interaction.ended",
    "grant.success",
    "userinfo.error",
  ]) {
    provider.on(event, (...args) =>
      console.error(`oidc-provider ${event}`, ...args.slice(1).map((a) => a?.message ?? a?.uid ?? "")),
    );
  }
}

/** The login and consent steps, which oidc-provider leaves to the host application. */
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid)
    return send(res, 400, page("Sign-in error", `<p role="alert">This sign-in has expired. Start again.</p>`));
  const { prompt, params, session } = details;

  if (req.method === "POST" && action === "abort") {
    return provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "The person cancelled the sign-in." },
      { mergeWithLastSubmission: false },
    );
  }

  if (prompt.name === "login") {
    if (req.method === "POST" && action === "login") {
      const form = await readForm(req);
      const login = (form.get("login") ?? "").trim();
      if (!EMAIL.test(login) || !form.get("password")) {
        return send(res, 200, loginPage(uid, { login, error: "Enter an email address and a password." }));
      }
      const email = login.toLowerCase();
      const subject = (form.get("subject") ?? "").trim() || email;
      accounts.set(subject, { email, verified: form.get("verified") === "on" });
      return provider.interactionFinished(
        req,
        res,
        { login: { accountId: subject } },
        { mergeWithLastSubmission: false },
      );
    }
    return send(res, 200, loginPage(uid, { login: typeof params.login_hint === "string" ? params.login_hint : "" }));
  }

  if (prompt.name === "consent") {
    // Steward is a first-party client: consent is given without asking.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(" "));
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  }

  send(res, 501, page("Sign-in error", `<p role="alert">Unsupported prompt ${escape(prompt.name)}.</p>`));
}

const oidc = provider.callback();
const server = http.createServer(async (req, res) => {
  if (debug) console.error(`oidc-provider ${req.method} ${req.url}`);
  const match = /^\/interaction\/([\w-]+)(?:\/(login|abort))?\/?(?:\?.*)?$/.exec(req.url ?? "");
  if (!match) return oidc(req, res);
  try {
    await interaction(req, res, match[1], match[2]);
  } catch (err) {
    // Most often an expired or missing interaction cookie (a stale tab, a cleared context).
    if (debug || err?.name !== "SessionNotFound") console.error("oidc-provider interaction", err);
    if (!res.headersSent)
      send(
        res,
        400,
        page(
          "Sign-in error",
          `<p role="alert">This sign-in cannot continue (${escape(err?.message ?? err)}). Start again.</p>`,
        ),
      );
  }
});

server.listen(port, () => {
  if (debug) console.error(`oidc-provider listening on ${issuer}`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2_000).unref();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
