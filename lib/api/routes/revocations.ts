import "server-only";
import { getRevocation, requestRevocation, revocationInputSchema } from "@/lib/revocations";
import { carryOut } from "./carry-out";
import { auditActor } from "@/lib/auth";
import { apiRoute } from "../route";
import { revocationSchema } from "../schemas";
import { strict } from "../strict";

type Row = Awaited<ReturnType<typeof getRevocation>>;
const dto = (r: Row) => ({
  id: r.id,
  operation: r.operation,
  target: r.target as "identity" | "credential" | "entitlement",
  identityId: r.identityId,
  identity: r.identity,
  system: r.system,
  entitlement: r.entitlement,
  reason: r.reason,
  requestedBy: r.requestedBy,
  status: r.status as "requested" | "executing" | "executed" | "verified" | "failed",
  attempts: r.attempts,
  lastError: r.lastError,
  evidence: r.evidence ?? null,
  createdAt: r.createdAt,
  verifiedAt: r.verifiedAt,
  gaveUp: r.gaveUp,
});

export const createRevocationRoute = apiRoute(
  {
    method: "POST",
    path: "/revocations",
    operationId: "requestRevocation",
    summary: "Revoke an identity or one of its entitlements",
    description:
      "Owners revoke what they own, managers what their reports own, security anything. The connector runs before the answer, so the status is usually `verified` (the target system confirmed it), `executed` (a person must confirm it) or `failed` (retried with backoff). Revoking what is already being revoked answers the revocation under way (200 instead of 201).",
    tag: "Revocations",
    scope: "write",
    body: strict(revocationInputSchema),
    response: revocationSchema,
    status: 201,
  },
  async ({ db, actor, at, body }) => {
    const asked = await requestRevocation(db, actor, body);
    if (asked.created) await carryOut(db, auditActor(actor), at, [asked.id]);
    return dto(await getRevocation(db, actor, asked.id));
  },
);

export const getRevocationRoute = apiRoute(
  {
    method: "GET",
    path: "/revocations/{id}",
    operationId: "getRevocation",
    summary: "Where a revocation (or grant) stands",
    description: "Its status, attempts, last error and the connector's evidence; 404 outside the caller's scope.",
    tag: "Revocations",
    scope: "read",
    response: revocationSchema,
  },
  async ({ db, actor, params }) => dto(await getRevocation(db, actor, params.id)),
);
