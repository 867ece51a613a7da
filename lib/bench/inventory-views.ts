import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { type Actor, type PersonaKey, findPersonByEmail, resolveActor, persona } from "@/lib/auth";
import { encodeCursor, parseInventoryFilter, type InventoryFilter } from "@/lib/identities";

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

type Spec = {
  key: string;
  label: string;
  persona: PersonaKey;
  params: Record<string, string> | ((ids: Ids) => Record<string, string>);
};
type Ids = { system: string; team: string; olivia: string; deepCursor: string };

const SPECS: Spec[] = [
  { key: "all.name", label: "everything, by name (security)", persona: "sam", params: {} },
  {
    key: "deep.page",
    label: `page ${DEEP_PAGE + 1} by name (keyset)`,
    persona: "sam",
    params: (ids) => ({ after: ids.deepCursor, page: String(DEEP_PAGE + 1) }),
  },
  { key: "search", label: 'search "legacy-batch" (specific)', persona: "sam", params: { q: "legacy-batch" } },
  { key: "search.common", label: 'search "payments" (31k matches)', persona: "sam", params: { q: "payments" } },
  {
    key: "kind.env.created",
    label: "kind + environment, by created",
    persona: "sam",
    params: { kind: "api_key", env: "production", sort: "created" },
  },
  {
    key: "system.status.review",
    label: "system + status, by next review",
    persona: "sam",
    params: (ids) => ({ system: ids.system, status: "active", sort: "nextReview" }),
  },
  {
    key: "team.lastused",
    label: "team, by last used (newest)",
    persona: "sam",
    params: (ids) => ({ team: ids.team, sort: "lastUsed", dir: "desc" }),
  },
  { key: "orphaned", label: "orphaned", persona: "sam", params: { state: "orphaned" } },
  { key: "dormant", label: "dormant 90 days", persona: "sam", params: { state: "dormant", idle: "90" } },
  {
    key: "expiring",
    label: "expiring in 30 days, by expiry",
    persona: "sam",
    params: { state: "expiring", within: "30", sort: "expires" },
  },
  { key: "expired", label: "expired", persona: "sam", params: { state: "expired" } },
  { key: "no-expiry", label: "no expiry", persona: "sam", params: { state: "no_expiry" } },
  {
    key: "overdue",
    label: "review + rotation overdue",
    persona: "sam",
    params: { state: "review_overdue,rotation_overdue" },
  },
  {
    key: "prod.privileged",
    label: "production privileged",
    persona: "sam",
    params: { env: "production", privileged: "1" },
  },
  { key: "risk", label: "risk ≥ 60, by risk", persona: "sam", params: { riskMin: "60", sort: "risk" } },
  { key: "member.all", label: "a member's scope (Olivia)", persona: "olivia", params: {} },
  {
    key: "manager.owner",
    label: "a manager: one report's, by expiry",
    persona: "maya",
    params: (ids) => ({ owner: ids.olivia, sort: "expires" }),
  },
  { key: "manager.all", label: "a manager's scope (Maya)", persona: "maya", params: {} },
];

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
