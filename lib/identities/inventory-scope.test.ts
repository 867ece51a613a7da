import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { fixedTeamId } from "@/lib/seed/people";
import {
  actorOf,
  curatedId,
  idsWhere,
  personaIdOf,
  refusal,
  sortedIds,
  testDatabase,
  walkInventory,
} from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import type { PersonaKey } from "@/lib/auth/personas";
import { getIdentityDetail } from "./identity-detail";
import { listIdentities } from "./inventory";
import { parseInventoryFilter } from "./inventory-filter";

// Who sees what: every persona's inventory against a ground truth written here in plain SQL.

const PERSONAS: PersonaKey[] = ["olivia", "omar", "maya", "sam", "ari", "ada", "dan"];

// A generated member made to report to Olivia, and one reporting to them: Maya's line is three deep.
let reportOfOlivia: string;
let reportOfReport: string;
// An identity outside Payments with Omar as its backup owner.
let omarBackup: string;

const conn = testDatabase({ identities: 400 });
beforeAll(async () => {
  const owners = await queryRows<{ owner_id: string }>(
    conn.db,
    sql`SELECT i.owner_id FROM identities i JOIN users u ON u.id = i.owner_id
        WHERE u.status = 'active' AND 'member' = ANY (u.roles) AND i.team_id <> ${fixedTeamId(1, "Payments")}::uuid
        GROUP BY i.owner_id ORDER BY i.owner_id LIMIT 2`,
  );
  [reportOfOlivia, reportOfReport] = owners.map((o) => o.owner_id) as [string, string];
  await conn.db.execute(
    sql`UPDATE users SET manager_id = ${personaIdOf("olivia")}::uuid WHERE id = ${reportOfOlivia}::uuid`,
  );
  await conn.db.execute(sql`UPDATE users SET manager_id = ${reportOfOlivia}::uuid WHERE id = ${reportOfReport}::uuid`);
  const [x] = await queryRows<{ id: string }>(
    conn.db,
    sql`SELECT id FROM identities WHERE team_id <> ${fixedTeamId(1, "Payments")}::uuid AND owner_id NOT IN (${reportOfOlivia}::uuid, ${reportOfReport}::uuid) ORDER BY id LIMIT 1`,
  );
  omarBackup = x!.id;
  await conn.db.execute(
    sql`UPDATE identities SET backup_owner_id = ${personaIdOf("omar")}::uuid WHERE id = ${omarBackup}::uuid`,
  );
});

/** What the actor may see, written independently of lib/identities: own, backup, team, everyone down the line; all for security and audit. */
function scopeTruth(actor: Actor) {
  if (actor.roles.includes("security") || actor.roles.includes("auditor")) return sql`true`;
  const me = sql`${actor.personId}::uuid`;
  return sql`(i.owner_id = ${me} OR i.backup_owner_id = ${me} OR (i.team_id IS NOT NULL AND i.team_id = ${actor.teamId}::uuid)
    OR i.owner_id IN (WITH RECURSIVE down(id) AS (SELECT id FROM users WHERE manager_id = ${me}
                                                   UNION SELECT u.id FROM users u JOIN down d ON u.manager_id = d.id)
                      SELECT id FROM down))`;
}

const ownedBy = (personId: string) => idsWhere(conn.db, sql`i.owner_id = ${personId}::uuid`);

describe("inventory scope", () => {
  it("each persona sees exactly the identities their role and relations allow, no more, no fewer", async () => {
    for (const key of PERSONAS) {
      const actor = await actorOf(conn.db, key);
      const seen = sortedIds(await walkInventory(conn.db, actor));
      expect(new Set(seen).size, key).toBe(seen.length);
      expect(seen, key).toEqual(await idsWhere(conn.db, scopeTruth(actor)));
    }
  });

  it("security and auditors see the whole estate; a member does not see another team's identities", async () => {
    for (const key of ["sam", "ari"] as const)
      expect(await walkInventory(conn.db, await actorOf(conn.db, key))).toHaveLength(400);
    const olivia = sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "olivia")));
    expect(olivia).toContain(curatedId("omar-settlement-exporter")); // her team's
    expect(olivia).toContain(curatedId("dan-batch-loader")); // her team's, orphaned
    expect(olivia).not.toContain(curatedId("sam-security-scanner"));
    expect(olivia).not.toContain(curatedId("unowned-s3-reader"));
    const ada = sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "ada")));
    expect(ada).toContain(curatedId("ada-terraform-ci"));
    expect(ada).not.toContain(curatedId("olivia-payments-api")); // admin is no reader of identities
  });

  it("a manager sees the identities of everyone reporting to them, down the whole line", async () => {
    const indirect = [...(await ownedBy(reportOfOlivia)), ...(await ownedBy(reportOfReport))];
    expect(indirect.length).toBeGreaterThan(0);
    const maya = new Set(sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "maya"))));
    // Olivia holds the member role only: the relation, not the role, lets her see her reports'.
    const olivia = new Set(sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "olivia"))));
    const omar = new Set(sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "omar"))));
    for (const id of indirect) {
      expect(maya.has(id)).toBe(true);
      expect(olivia.has(id)).toBe(true);
      expect(omar.has(id)).toBe(false);
    }
  });

  it("a backup owner sees that identity even outside their team", async () => {
    const omar = sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "omar")));
    const olivia = sortedIds(await walkInventory(conn.db, await actorOf(conn.db, "olivia")));
    expect(omar).toContain(omarBackup);
    expect(olivia).not.toContain(omarBackup);
  });

  it("a filter cannot widen the scope: another team or owner gives nothing", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    expect(await walkInventory(conn.db, olivia, { team: fixedTeamId(1, "Security") })).toEqual([]);
    expect(await walkInventory(conn.db, olivia, { owner: personaIdOf("sam") })).toEqual([]);
    expect(await walkInventory(conn.db, olivia, { q: "security-scanner" })).toEqual([]);
  });

  it("the total is exact at this size and equals the rows in scope", async () => {
    for (const key of PERSONAS) {
      const actor = await actorOf(conn.db, key);
      const page = await listIdentities(conn.db, actor, parseInventoryFilter({}));
      const truth = await idsWhere(conn.db, scopeTruth(actor));
      expect(page.total, key).toEqual({ kind: "exact", value: truth.length });
      expect(page.rows.length, key).toBe(Math.min(50, truth.length));
    }
    const maya = await actorOf(conn.db, "maya");
    const orphans = await idsWhere(
      conn.db,
      sql`${scopeTruth(maya)} AND (i.owner_id IS NULL OR i.owner_id IN (SELECT id FROM users WHERE status = 'departed'))`,
    );
    expect(orphans.length).toBeGreaterThan(0);
    expect((await listIdentities(conn.db, maya, parseInventoryFilter({ state: "orphaned" }))).total).toEqual({
      kind: "exact",
      value: orphans.length,
    });
  });
});

describe("identity detail scope", () => {
  it("a member asking for another team's identity is told it was not found", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    const e = await refusal(getIdentityDetail(conn.db, olivia, curatedId("sam-security-scanner")));
    expect(e.code).toBe("not_found");
    expect(e.message).toBe("That identity was not found.");
    // The same answer as for an id that does not exist, or is not an id at all.
    expect((await refusal(getIdentityDetail(conn.db, olivia, "00000000-0000-4000-8000-000000000000"))).message).toBe(
      e.message,
    );
    expect((await refusal(getIdentityDetail(conn.db, olivia, "'; DROP TABLE identities; --"))).code).toBe("not_found");
  });

  it("the identity page opens exactly for those whose inventory lists it", async () => {
    const all = await idsWhere(conn.db, sql`true`);
    const sample = [
      ...all.filter((_, i) => i % 15 === 0),
      omarBackup,
      curatedId("dan-batch-loader"),
      curatedId("unowned-s3-reader"),
      curatedId("sam-security-scanner"),
    ];
    for (const key of PERSONAS) {
      const actor = await actorOf(conn.db, key);
      const visible = new Set(await idsWhere(conn.db, scopeTruth(actor)));
      for (const id of sample) {
        if (visible.has(id)) expect((await getIdentityDetail(conn.db, actor, id)).id, `${key} ${id}`).toBe(id);
        else expect((await refusal(getIdentityDetail(conn.db, actor, id))).code, `${key} ${id}`).toBe("not_found");
      }
    }
  });
});
