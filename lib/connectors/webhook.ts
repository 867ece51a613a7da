import { z } from "zod";
import { now } from "@/lib/clock";
import { signedHeaders } from "./webhook-signature";
import {
  ConnectorError,
  type Connector,
  type GrantTarget,
  type RevokeTarget,
  type SystemTarget,
  type Verification,
} from "./types";

/**
 * Systems Steward reaches through a receiver of their own (an internal service, a function):
 * revoking POSTs a signed JSON call to `url`; a non-2xx answer or no answer is a failure, retried
 * with the revocation's backoff. Verification either polls `statusUrl` (a signed GET that answers
 * `{ "revoked": true }`), or, without one, waits for the receiver's signed callback to
 * /api/v1/connectors/webhook/callback. Granting is the mirror: `{ "action": "grant", "grantId", … }`
 * to the same `url`, confirmed by `statusUrl?grantId=…` answering `{ "granted": true }` or by a
 * signed callback `{ "grantId", "granted": true }`. Settings: `url`, `secret` (never sent to the browser),
 * optional `statusUrl`.
 */
const settingsSchema = z.object({
  url: z.string().url(),
  secret: z.string().min(16),
  statusUrl: z.string().url().optional(),
});
const TIMEOUT_MS = 10_000;

function settingsOf(system: SystemTarget) {
  const parsed = settingsSchema.safeParse(system.settings);
  if (!parsed.success)
    throw new ConnectorError(`${system.name} has no webhook configured (settings.url and a secret of 16+ characters).`);
  return parsed.data;
}

const payload = (target: RevokeTarget) => ({
  action: "revoke",
  revocationId: target.revocationId,
  kind: target.kind,
  account: target.account,
  identity: target.identityName,
  entitlement: target.entitlement,
  credentialRef: target.credentialRef,
});

const safeUrl = (raw: string) => {
  const u = new URL(raw);
  return `${u.origin}${u.pathname}`;
};

const grantPayload = (target: GrantTarget) => ({
  action: "grant",
  grantId: target.operationId,
  account: target.account,
  identity: target.identityName,
  entitlement: target.entitlement,
});

/** POSTs one signed call to the receiver: a non-2xx answer is a failure (retried with backoff). */
async function send(system: SystemTarget, target: { bound: boolean; identityName: string }, json: unknown) {
  // The receiver acts on `account`: only an account bound to the identity is ever sent.
  if (!target.bound)
    throw new ConnectorError(
      `${target.identityName} is not bound to an account in ${system.name}; Steward does not act on a typed name.`,
    );
  const s = settingsOf(system);
  const body = JSON.stringify(json);
  const res = await call(s.url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...signedHeaders(s.secret, body, now()) },
  });
  if (res.status < 200 || res.status > 299)
    throw new Error(`The receiver answered ${res.status}: ${res.body.slice(0, 200)}`);
  // Evidence keeps where it went, not the query string (which may carry a token).
  const evidence = { url: safeUrl(s.url), status: res.status, answer: res.body.slice(0, 500) };
  // Without a status URL, the receiver's signed callback confirms it.
  return s.statusUrl
    ? { state: "done" as const, evidence }
    : {
        state: "awaiting_confirmation" as const,
        evidence: { ...evidence, awaiting: "the receiver's signed callback" },
      };
}

/** Asks the signed status URL whether `flag` (revoked or granted) is true for the operation named by `params`. */
async function askStatus(
  system: SystemTarget,
  params: Record<string, string>,
  flag: "revoked" | "granted",
): Promise<Verification> {
  const s = settingsOf(system);
  if (!s.statusUrl) return { verified: false, evidence: {}, reason: "Waiting for the receiver's callback." };
  const url = new URL(s.statusUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const query = url.search.slice(1);
  const res = await call(url.toString(), { method: "GET", headers: signedHeaders(s.secret, query, now()) });
  let answer: unknown = null;
  try {
    answer = JSON.parse(res.body);
  } catch {
    // not JSON: reported below
  }
  const yes =
    res.status === 200 &&
    typeof answer === "object" &&
    answer !== null &&
    (answer as Record<string, unknown>)[flag] === true;
  return yes
    ? { verified: true, evidence: { statusUrl: safeUrl(s.statusUrl), status: res.status, answer } }
    : {
        verified: false,
        evidence: { statusUrl: safeUrl(s.statusUrl), status: res.status, answer: res.body.slice(0, 500) },
        reason: `The status URL does not confirm it (${res.status}).`,
      };
}

async function call(url: string, init: RequestInit): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "error" });
  const body = (await res.text()).slice(0, 2000);
  return { status: res.status, body };
}

export const webhookConnector: Connector = {
  revoke: (system, target) => send(system, target, payload(target)),
  verify: (system, target) =>
    askStatus(system, { revocationId: target.revocationId, account: target.account }, "revoked"),
  grant: (system, target) => send(system, target, grantPayload(target)),
  verifyGrant: (system, target) =>
    askStatus(system, { grantId: target.operationId, account: target.account }, "granted"),
};
