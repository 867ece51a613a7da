import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { completePostUseReview, decideBreakGlass, endBreakGlass } from "@/lib/break-glass/change";
import { requestBreakGlass } from "@/lib/break-glass/request";
import { actors, auditorManagesOwner, driver, identities, one, REFUND_WORKER, type Ctx, type Driver } from "./kit";

// The break-glass rows' drivers: each arranges a break-glass held by Olivia (the owner) on her
// refund worker, in the state the mutation acts on.

/** A break-glass of Olivia's on REFUND_WORKER in `status`, as the mutation finds it. */
async function held(c: Ctx, status: "requested" | "active" | "ended"): Promise<string> {
  await identities(c, [REFUND_WORKER]);
  // In the auditor's cell Ari manages Olivia: the relation that would let her review, refused by her role.
  await auditorManagesOwner(c);
  const ended = status === "ended" ? sql`now() - interval '1 hour'` : sql`NULL`;
  return (
    await one<{ id: string }>(
      c.tx,
      sql`INSERT INTO break_glass_grants (identity_id, requester_id, hours, justification, incident_ref, status, starts_at, hard_end_at,
            activated_at, ended_at, end_reason, review_due_at)
          VALUES (${REFUND_WORKER}::uuid, ${actors.owner.personId}::uuid, 2, 'The refund queue is stuck and needs a manual replay', 'INC-7001',
            ${status}::break_glass_status, now() - interval '90 minutes', now() + interval '30 minutes',
            ${status === "requested" ? sql`NULL` : sql`now() - interval '90 minutes'`}, ${ended},
            ${status === "ended" ? sql`'hand'` : sql`NULL`}, ${status === "ended" ? sql`now() + interval '3 days'` : sql`NULL`})
          RETURNING id`,
    )
  ).id;
}

const statusOf = async (c: Ctx, id: string) =>
  (await one<{ status: string }>(c.tx, sql`SELECT status::text FROM break_glass_grants WHERE id = ${id}::uuid`)).status;

export const BREAK_GLASS_DRIVERS: Record<string, Driver> = {
  requestBreakGlass: driver({
    setup: (c) => identities(c, [REFUND_WORKER]),
    call: (c) =>
      requestBreakGlass(c.tx, c.actor, {
        identityId: REFUND_WORKER,
        justification: "Refunds are failing in production and the queue needs replaying",
        incidentRef: "INC-7002",
        hours: 1,
      }),
    async verify(c) {
      const row = await one<{ n: number }>(
        c.tx,
        sql`SELECT count(*)::int AS n FROM break_glass_grants WHERE identity_id = ${REFUND_WORKER}::uuid AND requester_id = ${c.actor.personId}::uuid AND incident_ref = 'INC-7002'`,
      );
      expect(row.n).toBe(1);
    },
    events: ["break_glass.requested"],
  }),
  decideBreakGlass: driver({
    setup: (c) => held(c, "requested"),
    call: (c, id) => decideBreakGlass(c.tx, c.actor, { id, decision: "approve" }),
    async verify(c, id) {
      expect(await statusOf(c, id as string)).toBe("active");
    },
    events: ["break_glass.approved", "break_glass.activated"],
  }),
  endBreakGlass: driver({
    setup: (c) => held(c, "active"),
    call: (c, id) => endBreakGlass(c.tx, c.actor, { id }),
    async verify(c, id) {
      expect(await statusOf(c, id as string)).toBe("ended");
    },
    events: ["break_glass.ended"],
  }),
  completePostUseReview: driver({
    setup: (c) => held(c, "ended"),
    call: (c, id) =>
      completePostUseReview(c.tx, c.actor, {
        id,
        comment: "Replayed the refund queue only; nothing else was touched",
        requireRotation: "on",
      }),
    async verify(c, id) {
      expect(await statusOf(c, id as string)).toBe("reviewed");
      const identity = await one<{ required: boolean }>(
        c.tx,
        sql`SELECT rotation_required_at IS NOT NULL AS required FROM identities WHERE id = ${REFUND_WORKER}::uuid`,
      );
      expect(identity.required).toBe(true);
    },
    events: ["break_glass.reviewed"],
  }),
};
