import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures, both ways: Steward signs what it sends, receivers sign their callbacks.
 * `X-Steward-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with the Unix time in
 * `X-Steward-Timestamp`; a signature older (or newer) than five minutes is refused, so a captured
 * call cannot be replayed later.
 */
export const SIGNATURE_HEADER = "x-steward-signature";
export const TIMESTAMP_HEADER = "x-steward-timestamp";
export const TOLERANCE_SECONDS = 300;

export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function signedHeaders(secret: string, body: string, at: Date): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: sign(secret, timestamp, body) };
}

/** Whether `signature` is `body` signed with `secret` at `timestamp`, within the tolerance of `at`. */
export function verifySignature(
  secret: string,
  body: string,
  timestamp: string | null,
  signature: string | null,
  at: Date,
): { ok: true } | { ok: false; reason: string } {
  if (!timestamp || !signature) return { ok: false, reason: "The signature or its timestamp is missing." };
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) return { ok: false, reason: "The timestamp is not a Unix time." };
  if (Math.abs(at.getTime() / 1000 - ts) > TOLERANCE_SECONDS)
    return { ok: false, reason: "The signature is too old or from the future." };
  const expected = Buffer.from(sign(secret, ts, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: "The signature does not match." };
  return { ok: true };
}
