import "server-only";
import type { Database } from "@/db";
import { systems, teams, users } from "@/db/schema";
import { PERSONAS, type PersonaKey } from "@/lib/auth";
import { FIRST_NAMES, FIXED_TEAMS, LAST_NAMES, TEAM_AREAS, TEAM_SIZE, TEAM_UNITS } from "./catalog-names";
import { SYSTEMS } from "./catalog-systems";
import { bytesInt, raw, seedUuid, sqlArray, sqlUuid, timestampLit } from "./sql-util";
import { DAY } from "@/lib/clock";

/** Generated teams and people for `identities` identities: about one person per 100, at least 40. */
export function peoplePlan(identities: number): { teams: number; people: number } {
  const teamCount = Math.max(5, Math.ceil(identities / 100 / TEAM_SIZE));
  return { teams: teamCount, people: teamCount * TEAM_SIZE };
}

export const personaId = (seed: number, key: PersonaKey) => seedUuid("user", seed, key);
export const fixedTeamId = (seed: number, name: string) => seedUuid("team", seed, name);

/** The four persona teams, the generated teams, the personas and the generated people. */
export async function insertPeople(
  tx: Database,
  seed: number,
  at: Date,
  plan: { teams: number; people: number },
): Promise<void> {
  const daysAgo = (d: number) => new Date(at.getTime() - d * DAY);
  await tx
    .insert(teams)
    .values(FIXED_TEAMS.map((name, i) => ({ id: fixedTeamId(seed, name), name, createdAt: daysAgo(900 - i * 10) })));

  const now = timestampLit(at);
  const areas = sqlArray(TEAM_AREAS, "text");
  const units = sqlArray(TEAM_UNITS, "text");
  const area = TEAM_AREAS.length;
  const block = TEAM_AREAS.length * TEAM_UNITS.length;
  await tx.execute(
    raw(`INSERT INTO teams (id, name, created_at)
SELECT ${sqlUuid("team", seed, "'g:' || t")},
  ${areas}[t % ${area} + 1] || ' ' || ${units}[(t / ${area}) % ${TEAM_UNITS.length} + 1] || CASE WHEN t >= ${block} THEN ' ' || (t / ${block} + 1) ELSE '' END,
  ${now} - ((400 + t % 300) * 1440) * interval '1 minute'
FROM generate_series(0, ${plan.teams - 1}) AS t`),
  );

  // Personas: Maya manages Olivia, Omar and Dan; Dan has left, which orphans his identities.
  await tx.insert(users).values(
    PERSONAS.map((p, i) => ({
      id: personaId(seed, p.key),
      email: p.email,
      name: p.name,
      roles: [...p.roles],
      managerId: p.manager ? personaId(seed, p.manager) : null,
      teamId: fixedTeamId(seed, p.team),
      status: "departed" in p && p.departed ? ("departed" as const) : ("active" as const),
      createdAt: daysAgo(1000 - i * 20),
      departedAt: "departed" in p && p.departed ? daysAgo(45) : null,
    })),
  );

  // Generated people: person g is in generated team g % teams; persons 0..teams-1 lead (and
  // manage) their team. About 4% of the others have left.
  const first = sqlArray(FIRST_NAMES, "text");
  const last = sqlArray(LAST_NAMES, "text");
  await tx.execute(
    raw(`INSERT INTO users (id, email, name, roles, manager_id, team_id, status, created_at, departed_at)
SELECT ${sqlUuid("user", seed, "'g:' || g")},
  lower(fname) || '.' || lower(lname) || g || '@example.com',
  fname || ' ' || lname,
  CASE WHEN g < ${plan.teams} THEN '{manager}'::role[] ELSE '{member}'::role[] END,
  CASE WHEN g >= ${plan.teams} THEN ${sqlUuid("user", seed, `'g:' || (g % ${plan.teams})`)} END,
  ${sqlUuid("team", seed, `'g:' || (g % ${plan.teams})`)},
  (CASE WHEN departed THEN 'departed' ELSE 'active' END)::person_status,
  ${now} - ((60 + ${bytesInt("h", 3, 2)} % 1500) * 1440) * interval '1 minute',
  CASE WHEN departed THEN ${now} - ((1 + get_byte(h, 5) % 200) * 1440) * interval '1 minute' END
FROM (SELECT g, h, ${first}[get_byte(h, 0) % ${FIRST_NAMES.length} + 1] AS fname, ${last}[get_byte(h, 1) % ${LAST_NAMES.length} + 1] AS lname,
        g >= ${plan.teams} AND get_byte(h, 2) % 100 < 4 AS departed
      FROM (SELECT g, decode(md5('person:${seed}:' || g), 'hex') AS h FROM generate_series(0, ${plan.people - 1}) AS g OFFSET 0) a OFFSET 0) b`),
  );
}

export async function insertSystems(tx: Database, seed: number, at: Date): Promise<void> {
  await tx.insert(systems).values(
    SYSTEMS.map((s, i) => ({
      id: seedUuid("system", seed, s.key),
      name: s.name,
      kind: s.kind,
      environment: s.environment,
      connector: s.connector,
      settings: s.settings,
      createdAt: new Date(at.getTime() - (1500 - i * 30) * DAY),
    })),
  );
}
