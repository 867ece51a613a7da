"use server";

import { getDb } from "@/db";
import { actorAction, field, text } from "@/lib/action";
import { auditActor } from "@/lib/auth";
import { now } from "@/lib/clock";
import { requestRevocation, runRevocations } from "@/lib/revocations";
import { createApiToken } from "@/lib/tokens";

// Thin: lib/tokens parses and authorizes the new token; revoking one is revoking its identity
// (lib/revocations, with the same rules as on the identity's page).

export const createTokenAction = actorAction(
  async (actor, form) => {
    const made = await createApiToken(getDb(), actor, {
      name: field(form, "name"),
      purpose: field(form, "purpose"),
      scopes: form.getAll("scopes"),
      expiresInDays: field(form, "expiresInDays"),
    });
    return {
      message: `Made ${made.name}, valid until ${made.expiresAt.slice(0, 10)}. Copy it now: Steward keeps only its hash and cannot show it again.`,
      reveal: made.token,
    };
  },
  { revalidate: "/tokens" },
);

export const revokeTokenAction = actorAction(
  async (actor, form) => {
    const asked = await requestRevocation(getDb(), actor, {
      identityId: text(form, "identityId"),
      reason: field(form, "reason"),
    });
    // The token is refused from this moment; the Steward connector confirms it at once.
    if (asked.created) await runRevocations(getDb(), auditActor(actor), now(), { ids: [asked.id] });
    return "Revoked: the token is refused from now on.";
  },
  { revalidate: "/tokens" },
);
