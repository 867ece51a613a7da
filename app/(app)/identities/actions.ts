"use server";

import { after } from "next/server";
import { getDb } from "@/db";
import { actorAction } from "@/lib/action";
import { auditActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { plural } from "@/lib/format";
import { bulkAttest } from "@/lib/identities";
import { bulkRevoke, runRevocations } from "@/lib/revocations";

export const bulkAttestAction = actorAction(
  async (actor, form) => {
    const { count } = await bulkAttest(getDb(), actor, form.getAll("ids"));
    return `Attested ${plural(count, "identity", "identities")}: the next review moved out by the policy period.`;
  },
  { revalidate: "/identities" },
);

/** Revokes a selection (all or nothing); the connectors run after the answer is sent. */
export const bulkRevokeAction = actorAction(
  async (actor, form) => {
    const { requested, alreadyInFlight } = await bulkRevoke(getDb(), actor, {
      ids: form.getAll("ids"),
      reason: form.get("reason") ?? undefined,
    });
    if (requested.length)
      after(() =>
        runRevocations(getDb(), auditActor(actor), now(), { ids: requested, limit: requested.length }).then(
          () => undefined,
        ),
      );
    return `${plural(requested.length, "revocation")} requested${alreadyInFlight ? `; ${alreadyInFlight} already under way` : ""}. Follow them on the Revocations page.`;
  },
  { revalidate: "/identities" },
);
