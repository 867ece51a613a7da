import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "@/db";
import { pick, revocationColumns, systemColumns } from "@/db/columns";
import { identities, revocations, systems } from "@/db/schema";
import { inAuditBatch, record } from "@/lib/audit";
import { TOLERANCE_SECONDS, verifySignature } from "@/lib/connectors";
import { DomainError, conflict } from "@/lib/errors";
import { readCappedBody } from "@/lib/http";
import { text } from "@/lib/validation";
import { backoffMs, MAX_ATTEMPTS, opNoun, opRef } from "./claim";
import { abandonGrant, applyVerified } from "./settle";

/**
 * A webhook receiver's signed callback: "done" (the revocation is verified) or "could not"
 * (a failed attempt, retried with the backoff). The signature, made with the system's secret, is
 * the only credential: a call that does not verify changes nothing.
 */
const revokedSchema = z.object({
  revocationId: z.guid("revocationId is not a valid id."),
  revoked: z.boolean({ error: "revoked must be true or false." }),
  detail: text().max(2000).optional(),
});
// A grant's receiver answers the mirror: { grantId, granted }.
const grantedSchema = z.object({
  grantId: z.guid("grantId is not a valid id."),
  granted: z.boolean({ error: "granted must be true or false." }),
  detail: text().max(2000).optional(),
});

/** The callback as one shape: which operation, whether it was done, and the receiver's words. */
function parseCallback(json: unknown) {
  const isGrant = typeof json === "object" && json !== null && "grantId" in json;
  const parsed = (isGrant ? grantedSchema : revokedSchema).safeParse(json);
  if (!parsed.success) throw new DomainError("invalid", parsed.error.issues.map((i) => i.message).join(" "));
  const b = parsed.data;
  return "grantId" in b
    ? { id: b.grantId, operation: "grant" as const, done: b.granted, detail: b.detail }
    : { id: b.revocationId, operation: "revoke" as const, done: b.revoked, detail: b.detail };
}

/** The largest callback body read: a revocation id, a flag and a detail fit in a fraction of it. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;

/** The callback's body, or null when it is over CALLBACK_BODY_LIMIT (the route answers 413). */
export const readCallbackBody = (request: Request) => readCappedBody(request, CALLBACK_BODY_LIMIT);

const SIGNATURE_SHAPE = /^v1=[0-9a-f]{64}$/;

/**
 * What can be checked of a signature without the secret: both headers present, the signature
 * shaped like one, the timestamp fresh. Checked before the database is asked for the secret, so
 * unsigned, malformed and replayed calls never reach it.
 */
function plausiblySigned(timestamp: string | null, signature: string | null, at: Date): boolean {
  if (!timestamp || !signature || !SIGNATURE_SHAPE.test(signature) || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(at.getTime() / 1000 - Number(timestamp)) <= TOLERANCE_SECONDS;
}

export class Unauthenticated extends DomainError {
  constructor(message: string) {
    super("unauthenticated", message);
  }
}

export async function receiveWebhookCallback(
  db: Database,
  raw: { body: string; timestamp: string | null; signature: string | null },
  at: Date,
): Promise<{ status: string }> {
  let json: unknown;
  try {
    json = JSON.parse(raw.body);
  } catch {
    throw new DomainError("invalid", "The body is not JSON.");
  }
  const cb = parseCallback(json);
  // Authenticate before anything is locked or written; every failure gets the same answer, so a
  // caller without the secret learns nothing (not even whether the revocation exists). The secret
  // is the system's, so the one statement before the HMAC is checked is the read that finds it.
  const refused = () => new Unauthenticated("The signature does not verify.");
  if (!plausiblySigned(raw.timestamp, raw.signature, at)) throw refused();
  const [sys] = await db
    .select(pick(systemColumns, "connector", "settings"))
    .from(revocations)
    .innerJoin(identities, eq(identities.id, revocations.identityId))
    .innerJoin(systems, eq(systems.id, identities.systemId))
    .where(and(eq(revocations.id, cb.id), eq(revocations.operation, cb.operation)));
  const settings = (sys ? (typeof sys.settings === "string" ? JSON.parse(sys.settings) : sys.settings) : {}) as {
    secret?: unknown;
  };
  const secret = sys?.connector === "webhook" && typeof settings.secret === "string" ? settings.secret : null;
  if (!secret || !verifySignature(secret, raw.body, raw.timestamp, raw.signature, at).ok) throw refused();
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const [r] = await tx
        .select({
          ...pick(revocationColumns, "status", "identityId", "attempts", "entitlementId"),
          system: systems.name,
        })
        .from(revocations)
        .innerJoin(identities, eq(identities.id, revocations.identityId))
        .innerJoin(systems, eq(systems.id, identities.systemId))
        .where(and(eq(revocations.id, cb.id), eq(revocations.operation, cb.operation)))
        .for("update", { of: revocations });
      // A receiver may call back before the runner has recorded its answer ("executing"): it counts.
      const noun = opNoun(cb.operation);
      if (!r || !["executing", "executed"].includes(r.status))
        throw conflict(`This ${noun} is ${r?.status ?? "gone"}, not waiting for a callback.`);
      const ref = opRef(cb.operation, cb.id);
      const iso = at.toISOString();
      const by = { type: "system" as const, id: null, label: `webhook receiver of ${r.system}` };
      if (cb.done) {
        await tx.execute(sql`UPDATE revocations SET status = 'verified', verified_at = ${iso}::timestamptz, updated_at = ${iso}::timestamptz,
        evidence = ${JSON.stringify({ callback: { detail: cb.detail ?? null, at: iso } })}::jsonb WHERE id = ${cb.id}::uuid`);
        await record(tx, {
          actor: by,
          action: `${noun}.confirmed`,
          subject: { type: "identity", id: r.identityId },
          after: { ...ref, detail: cb.detail ?? null },
        });
        await applyVerified(tx, cb.id, by, at);
        return { status: "verified" };
      }
      const attempts = r.attempts + 1;
      const next = attempts >= MAX_ATTEMPTS ? null : new Date(at.getTime() + backoffMs(attempts)).toISOString();
      if (!next && cb.operation === "grant")
        await abandonGrant(tx, { grantId: cb.id, entitlementId: r.entitlementId, identityId: r.identityId }, by);
      await tx.execute(sql`UPDATE revocations SET status = 'failed', attempts = ${attempts}, last_error = ${`The receiver could not ${cb.operation} it: ${cb.detail ?? "no detail"}`.slice(0, 2000)},
      next_attempt_at = ${next}::timestamptz, updated_at = ${iso}::timestamptz WHERE id = ${cb.id}::uuid`);
      await record(tx, {
        actor: by,
        action: `${noun}.${next ? "failed" : "gave_up"}`,
        subject: { type: "identity", id: r.identityId },
        after: { ...ref, attempts, detail: cb.detail ?? null },
      });
      return { status: "failed" };
    }),
  );
}
