import "server-only";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { createApiToken } from "@/lib/tokens/create";
import { driver, one, type Ctx, type Driver } from "./kit";

// How the matrix tries the API token rows: the actor makes a token; an allowed call leaves an
// api_key identity in the system Steward owned by them, with its scopes as entitlements.

const make = (scopes: string[]) =>
  driver({
    setup: async () => {},
    call: (c: Ctx) =>
      createApiToken(c.tx, c.actor, {
        name: "matrix",
        purpose: "The authorization matrix.",
        scopes,
        expiresInDays: 30,
      }),
    async verify(c: Ctx) {
      const row = await one<{ owner_id: string; kind: string; system: string; scopes: string }>(
        c.tx,
        sql`SELECT i.owner_id, i.kind, s.name AS system,
              (SELECT string_agg(e.permission, ',' ORDER BY e.permission) FROM entitlements e WHERE e.identity_id = i.id) AS scopes
            FROM identities i JOIN systems s ON s.id = i.system_id JOIN api_tokens t ON t.identity_id = i.id
            WHERE i.name = ${`${c.actor.email}/matrix`}`,
      );
      expect(row).toEqual({ owner_id: c.actor.personId, kind: "api_key", system: "Steward", scopes: scopes.join(",") });
    },
    events: ["api_token.created"],
  });

export const API_DRIVERS: Record<string, Driver> = {
  createApiToken: make(["read"]),
  "createApiToken (scim scope)": make(["scim"]),
};
