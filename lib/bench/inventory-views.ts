import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { type Actor, type PersonaKey, findPersonByEmail, resolveActor, persona } from "@/lib/auth";
import { encodeCursor, parseInventoryFilter, type InventoryFilter } from "@/lib/identities";
import { viewTable } from "./stats";

/**
 * The representative inventory views the benchmark measures: every sort, every filter, each
 * derived state, a search, each role's scope and a page 1,000 pages deep. Ids the views need
 * (a system, a team, Olivia) are looked up in the seeded database.
 */
export type BenchView = {
  key: string;
  label: string;
  persona: PersonaKey;
  actor: Actor;
  params: Record<string, string>;
  filter: InventoryFilter;
};

export const DEEP_PAGE = 1_000;
export const PAGE_SIZE = 50;

type Ids = { system: string; team: string; olivia: string; deepCursor: string };

const SPECS = viewTable<Record<string, string> | ((ids: Ids) => Record<string, string>)>([
  ["all.name", "everything, by name (security)", "sam", {}],
  [
    "deep.page",
    `page ${DEEP_PAGE + 1} by name (keyset)`,
    "sam",
    (ids) => ({ after: ids.deepCursor, page: String(DEEP_PAGE + 1) }),
  ],
  ["search", 'search "legacy-batch" (specific)', "sam", { q: "legacy-batch" }],
  ["search.common", 'search "payments" (31k matches)', "sam", { q: "payments" }],
  [
    "kind.env.created",
    "kind + environment, by created",
    "sam",
    { kind: "api_key", env: "production", sort: "created" },
  ],
  [
    "system.status.review",
    "system + status, by next review",
    "sam",
    (ids) => ({ system: ids.system, status: "active", sort: "nextReview" }),
  ],
  ["team.lastused", "team, by last used (newest)", "sam", (ids) => ({ team: ids.team, sort: "lastUsed", dir: "desc" })],
  ["orphaned", "orphaned", "sam", { state: "orphaned" }],
  ["dormant", "dormant 90 days", "sam", { state: "dormant", idle: "90" }],
  ["expiring", "expiring in 30 days, by expiry", "sam", { state: "expiring", within: "30", sort: "expires" }],
  ["expired", "expired", "sam", { state: "expired" }],
  ["no-expiry", "no expiry", "sam", { state: "no_expiry" }],
  ["overdue", "review + rotation overdue", "sam", { state: "review_overdue,rotation_overdue" }],
  ["prod.privileged", "production privileged", "sam", { env: "production", privileged: "1" }],
  ["risk", "risk ≥ 60, by risk", "sam", { riskMin: "60", sort: "risk" }],
  ["member.all", "a member's scope (Olivia)", "olivia", {}],
  ["manager.owner", "a manager: one report's, by expiry", "maya", (ids) => ({ owner: ids.olivia, sort: "expires" })],
  ["manager.all", "a manager's scope (Maya)", "maya", {}],
]);

export async function benchViews(db: Database): Promise<BenchView[]> {
  const [ids] = await queryRows<{ system: string; team: string; olivia: string }>(
    db,
    sql`SELECT (SELECT id FROM systems ORDER BY name LIMIT 1) AS system,
      (SELECT team_id FROM identities WHERE team_id IS NOT NULL GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1) AS team,
      (SELECT id FROM users WHERE email = 'olivia.owner@example.com') AS olivia`,
  );
  if (!ids?.olivia)
    throw new Error(
      "the benchmark needs the demo personas: run `steward db seed --identities 1000000` on a fresh database first",
    );
  // The cursor after row DEEP_PAGE × PAGE_SIZE in name order: found once with OFFSET (setup, not measured).
  const [deep] = await queryRows<{ name: string; id: string }>(
    db,
    sql`SELECT name, id FROM identities ORDER BY name, id OFFSET ${DEEP_PAGE * PAGE_SIZE - 1} LIMIT 1`,
  );
  if (!deep) throw new Error(`the benchmark needs at least ${(DEEP_PAGE * PAGE_SIZE).toLocaleString("en")} identities`);
  const all: Ids = { ...ids, deepCursor: encodeCursor({ v: deep.name, id: deep.id }) };
  const actors = new Map<PersonaKey, Actor>();
  const out: BenchView[] = [];
  for (const spec of SPECS) {
    if (!actors.has(spec.persona)) actors.set(spec.persona, await personaActor(db, spec.persona));
    const params = typeof spec.params === "function" ? spec.params(all) : spec.params;
    out.push({
      key: spec.key,
      label: spec.label,
      persona: spec.persona,
      actor: actors.get(spec.persona)!,
      params,
      filter: parseInventoryFilter(params),
    });
  }
  return out;
}

export async function personaActor(db: Database, key: PersonaKey): Promise<Actor> {
  const person = await findPersonByEmail(db, persona(key).email);
  const actor = person ? await resolveActor(db, person.id) : null;
  if (!actor) throw new Error(`persona ${key} is not seeded`);
  return actor;
}
