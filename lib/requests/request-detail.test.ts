import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { seedUuid } from "@/lib/seed/sql-util";
import { actorOf, curatedId, personaIdOf, refusal, testDatabase } from "@/lib/testing";
import { getRequestDetail } from "./detail";

// A request's page names what its payload points at (people, teams, systems, identities) instead of
// showing uuids; the names come back with the request, resolved in lib/requests.

const conn = testDatabase({ identities: 60 });

/** A pending request row with this payload, asked by Olivia (the page reads; how it was made does not matter). */
async function requestWith(payload: Record<string, unknown>, subject: string | null = null): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO requests (type, requester_id, subject_identity_id, payload, justification, status, policy_version, decision_trace, standard)
        VALUES ('transfer_ownership', ${personaIdOf("olivia")}::uuid, ${subject}::uuid, ${JSON.stringify(payload)}::jsonb, 'Omar runs reconciliation now', 'pending', 'test',
          ${JSON.stringify({ outcome: "needs_approval", rules: [], stages: [] })}::jsonb, false)
        RETURNING id`,
  );
  return row!.id;
}

describe("a request's detail", () => {
  it("names the payload's owner, backup owner, new owner, team, system and identity, with their ids", async () => {
    const identity = curatedId("olivia-refund-worker");
    const system = seedUuid("system", 1, "openai");
    const team = (await queryRows<{ id: string }>(conn.db, sql`SELECT id FROM teams WHERE name = 'Payments'`))[0]!.id;
    const id = await requestWith(
      {
        identityId: identity,
        ownerId: personaIdOf("olivia"),
        backupOwnerId: personaIdOf("omar"),
        newOwnerId: personaIdOf("maya"),
        teamId: team,
        systemId: system,
        permission: "read",
      },
      identity,
    );
    const detail = await getRequestDetail(conn.db, await actorOf(conn.db, "sam"), id);
    expect(detail.references).toEqual({
      identityId: { kind: "identity", id: identity, name: "refund-worker" },
      ownerId: { kind: "person", id: personaIdOf("olivia"), name: "Olivia Owner" },
      backupOwnerId: { kind: "person", id: personaIdOf("omar"), name: "Omar Owner" },
      newOwnerId: { kind: "person", id: personaIdOf("maya"), name: "Maya Manager" },
      teamId: { kind: "team", id: team, name: "Payments" },
      systemId: {
        kind: "system",
        id: system,
        name: (await queryRows<{ name: string }>(conn.db, sql`SELECT name FROM systems WHERE id = ${system}::uuid`))[0]!
          .name,
      },
    });
    // The payload itself is kept as asked; a value that is not an id stays a value.
    expect(detail.payload.permission).toBe("read");
    expect(detail.references.permission).toBeUndefined();
  });

  it("leaves out ids that name nothing and values that are not uuids, so the page shows them as they are", async () => {
    const gone = "00000000-0000-4000-8000-000000000000";
    const id = await requestWith({ newOwnerId: gone, systemId: "not-a-uuid", identityId: 42 });
    const detail = await getRequestDetail(conn.db, await actorOf(conn.db, "olivia"), id);
    expect(detail.references).toEqual({});
    expect(detail.payload).toMatchObject({ newOwnerId: gone, systemId: "not-a-uuid", identityId: 42 });
  });

  it("resolves nothing for someone the request is not shown to", async () => {
    const id = await requestWith({ newOwnerId: personaIdOf("maya") }, curatedId("olivia-payments-api"));
    expect((await refusal(getRequestDetail(conn.db, await actorOf(conn.db, "omar"), id))).code).toBe("not_found");
  });
});
