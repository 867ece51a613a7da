import "server-only";
import { breakGlassInputSchema, endBreakGlass, requestBreakGlass } from "@/lib/break-glass";
import { carryOut } from "./carry-out";
import { auditActor } from "@/lib/auth";
import { apiRoute } from "../route";
import { breakGlassEndedSchema, breakGlassRequestedSchema } from "../schemas";
import { strict } from "../strict";

export const requestBreakGlassRoute = apiRoute(
  {
    method: "POST",
    path: "/break-glass",
    operationId: "requestBreakGlass",
    summary: "Request break-glass access",
    description:
      "On an identity, an elevated entitlement (`resource` and `permission`) or none (the identity's own credential), for `hours` (at most policy's maximum) from now or from `startsAt` (an ISO instant, within a week). On call, it opens at once (`active`) and its grant is carried out before the answer; anyone else's waits for security (`requested`).",
    tag: "Break-glass",
    scope: "write",
    body: strict(breakGlassInputSchema),
    response: breakGlassRequestedSchema,
    status: 201,
  },
  async ({ db, actor, at, body }) => {
    const r = await requestBreakGlass(db, actor, body);
    if (r.grantId) await carryOut(db, auditActor(actor), at, [r.grantId]);
    return { id: r.id, status: r.status, grantId: r.grantId };
  },
);

export const endBreakGlassRoute = apiRoute(
  {
    method: "POST",
    path: "/break-glass/{id}/end",
    operationId: "endBreakGlass",
    summary: "End break-glass access now",
    description:
      "The holder or security ends an active break-glass before its hard end: its entitlement is revoked (before the answer) and its post-use review opened.",
    tag: "Break-glass",
    scope: "write",
    response: breakGlassEndedSchema,
  },
  async ({ db, actor, at, params }) => {
    const r = await endBreakGlass(db, actor, { id: params.id });
    if (r.revocationId) await carryOut(db, auditActor(actor), at, [r.revocationId]);
    return { id: params.id!, revocationId: r.revocationId };
  },
);
