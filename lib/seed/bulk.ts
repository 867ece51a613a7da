import "server-only";
import { CREDENTIAL_TYPES, ENVIRONMENTS, IDENTITY_KINDS, IDENTITY_ORIGINS } from "@/db/schema";
import {
  CREDENTIALS_BY_KIND,
  ENTITLEMENT_COUNTS,
  ENV_SHORT,
  EXPIRY_SPAN_DAYS,
  KIND_TAGS,
  KIND_WEIGHTS,
  ORIGIN_WEIGHTS,
  ROTATION_PERIODS,
  SYSTEMS_BY_KIND,
} from "./catalog";
import { COMPONENTS, PURPOSE_OBJECTS, PURPOSE_VERBS, SERVICES } from "./catalog-names";
import { PERMISSIONS, SYSTEM_KIND_ORDER, SYSTEMS, systemIndex } from "./catalog-systems";
import { bytesInt, seedUuid, slots, sqlArray, sqlUuid, timestampLit } from "./sql-util";

/** What the set-based SQL needs to know: the seed, "now", and the generated people's shape. */
export type BulkPlan = { seed: number; at: Date; people: number; teams: number };

// Every pseudo-random choice below is a byte of an md5 over (seed, row). Per identity i:
// h = md5('identity:<seed>:<i>'), which is also the identity's id (so ids are md5(…)::uuid), and
// k = md5('identity-b:<seed>:<i>'). Byte map of h: 0 kind, 1 system, 2 (unused: the system gives the environment), 3 origin,
// 4-6 owner, 7 credential type, 8-9 age, 10 expiry bucket, 11-12 expiry offset (and purpose
// words), 13 last-use bucket, 14 service, 15 component. Of k: 0 rotation period, 1 rotation
// bucket, 2-3 rotation offset, 4 review bucket, 5 ownerless, 6 backup owner, 7 ownerless team,
// 9 purpose present, 10 status, 11-13 last-use offset, 14 review offset, 15 minute jitter.
// Per entitlement, e = md5('entitlement:<seed>:<identity id>:<n>'), also its id.
//
// Subqueries end in OFFSET 0 so Postgres computes each layer's columns once per row instead of
// inlining (and re-running) the md5 expressions at every reference. All offsets are whole
// minutes (never calendar days), so the rows do not depend on the session's time zone.

const MIN = "interval '1 minute'";
const DAY_MIN = 1440;

function constants(p: BulkPlan) {
  return {
    kindSlots: sqlArray(slots(KIND_WEIGHTS), "int"),
    originSlots: sqlArray(slots(ORIGIN_WEIGHTS), "int"),
    sysByKind: sqlArray(
      IDENTITY_KINDS.flatMap((k) => SYSTEMS_BY_KIND[k].map(systemIndex)),
      "int",
    ),
    credByKind: sqlArray(
      IDENTITY_KINDS.flatMap((k) => CREDENTIALS_BY_KIND[k]),
      "int",
    ),
    sysEnv: sqlArray(
      SYSTEMS.map((s) => ENVIRONMENTS.indexOf(s.environment)),
      "int",
    ),
    sysIds: sqlArray(
      SYSTEMS.map((s) => seedUuid("system", p.seed, s.key)),
      "uuid",
    ),
    sysExt: sqlArray(
      SYSTEMS.map((s) => s.externalPrefix),
      "text",
    ),
    sysStore: sqlArray(
      SYSTEMS.map((s) => s.storePrefix),
      "text",
    ),
    sysKind: sqlArray(
      SYSTEMS.map((s) => SYSTEM_KIND_ORDER.indexOf(s.kind)),
      "int",
    ),
    sysRes: sqlArray(
      SYSTEMS.flatMap((s) => s.resources),
      "text",
    ),
    perms: sqlArray(
      SYSTEM_KIND_ORDER.flatMap((k) => PERMISSIONS[k].map(([perm]) => perm)),
      "text",
    ),
    levels: sqlArray(
      SYSTEM_KIND_ORDER.flatMap((k) => PERMISSIONS[k].map(([, level]) => level)),
      "int",
    ),
    rotation: sqlArray(ROTATION_PERIODS, "int"),
    entCounts: sqlArray(ENTITLEMENT_COUNTS, "int"),
    kinds: sqlArray(IDENTITY_KINDS, "identity_kind"),
    kindTags: sqlArray(
      IDENTITY_KINDS.map((k) => KIND_TAGS[k]),
      "text",
    ),
    envs: sqlArray(ENVIRONMENTS, "environment"),
    envShort: sqlArray(
      ENVIRONMENTS.map((e) => ENV_SHORT[e]),
      "text",
    ),
    span: sqlArray(
      ENVIRONMENTS.map((e) => EXPIRY_SPAN_DAYS[e]),
      "int",
    ),
    creds: sqlArray(CREDENTIAL_TYPES, "credential_type"),
    origins: sqlArray(IDENTITY_ORIGINS, "identity_origin"),
    services: sqlArray(SERVICES, "text"),
    components: sqlArray(COMPONENTS, "text"),
    verbs: sqlArray(PURPOSE_VERBS, "text"),
    objects: sqlArray(PURPOSE_OBJECTS, "text"),
    now: timestampLit(p.at),
  };
}

/** Identities lo..hi with their hash bytes and the choices later columns depend on. */
function identityRows(p: BulkPlan, lo: number, hi: number): string {
  const c = constants(p);
  const S = p.seed;
  const l1 = `SELECT i, md5('identity:${S}:' || i) AS m, decode(md5('identity-b:${S}:' || i), 'hex') AS k
    FROM generate_series(${lo}, ${hi}) AS i OFFSET 0`;
  const l2 = `SELECT i, m::uuid AS id, h, k, ${c.kindSlots}[get_byte(h, 0) % 32 + 1] AS kind_i, ${c.originSlots}[get_byte(h, 3) % 20 + 1] AS origin_i,
      ${bytesInt("h", 4, 3)} % ${p.people} AS owner_g, 2 + ${bytesInt("h", 8, 2)} % 1400 AS created_d,
      get_byte(h, 10) % 100 AS exp_raw, get_byte(k, 10) % 100 AS status_b
    FROM (SELECT i, m, decode(m, 'hex') AS h, k FROM (${l1}) l1 OFFSET 0) l1h OFFSET 0`;
  const l3 = `SELECT l2.*, ${c.sysByKind}[kind_i * 8 + get_byte(h, 1) % 8 + 1] AS sys_i, ${c.credByKind}[kind_i * 8 + get_byte(h, 7) % 8 + 1] AS cred_i,
      origin_i = 2 AND get_byte(k, 5) % 100 < 45 AS owner_null, origin_i = 0 AND status_b < 2 AS pending,
      CASE WHEN exp_raw < 22 AND origin_i = 0 THEN 60 ELSE exp_raw END AS exp_b
    FROM (${l2}) l2 OFFSET 0`;
  const l4 = `SELECT l3.*, ${c.sysEnv}[sys_i + 1] AS env_i,
      CASE WHEN cred_i = 0 THEN ${c.rotation}[get_byte(k, 0) % 8 + 1] WHEN cred_i = 1 THEN 365 END AS rot_p
    FROM (${l3}) l3 OFFSET 0`;
  return l4;
}

/** The columns identitiesSelectSql yields, in its order. */
export const IDENTITY_COLUMNS = `id, name, kind, system_id, environment, owner_id, backup_owner_id, team_id, purpose, status, created_at,
  expires_at, last_used_at, last_rotated_at, next_review_at, credential_type, rotation_period_days, secret_store, origin, external_id`;

/** Generated identities lo..hi (1-based row numbers) as a SELECT of IDENTITY_COLUMNS, in order. */
export function identitiesSelectSql(p: BulkPlan, lo: number, hi: number): string {
  const c = constants(p);
  const S = p.seed;
  const service = `${c.services}[get_byte(h, 14) % 32 + 1]`;
  const component = `${c.components}[get_byte(h, 15) % 16 + 1]`;
  const named = `SELECT l4.*, ${service} || '-' || ${component} || '-' || ${c.envShort}[env_i + 1] || '-' || ${c.kindTags}[kind_i + 1] || '-' || i AS name
    FROM (${identityRows(p, lo, hi)}) l4 OFFSET 0`;
  const ago = (minutes: string) => `${c.now} - (${minutes}) * ${MIN}`;
  const ahead = (minutes: string) => `${c.now} + (${minutes}) * ${MIN}`;
  const u16 = (col: string, from: number) => bytesInt(col, from, 2);
  const u24 = (col: string, from: number) => bytesInt(col, from, 3);
  return `SELECT id,
  name,
  ${c.kinds}[kind_i + 1],
  ${c.sysIds}[sys_i + 1],
  ${c.envs}[env_i + 1],
  CASE WHEN NOT owner_null THEN pid[owner_g + 1] END,
  CASE WHEN NOT owner_null AND get_byte(k, 6) % 100 < 40 THEN pid[(owner_g + ${p.teams}) % ${p.people} + 1] END,
  CASE WHEN NOT owner_null OR get_byte(k, 7) % 2 = 0 THEN tid[owner_g % ${p.teams} + 1] END,
  CASE WHEN origin_i = 0 OR get_byte(k, 9) % 100 < (CASE origin_i WHEN 1 THEN 85 ELSE 25 END)
    THEN ${c.verbs}[get_byte(h, 11) % 16 + 1] || ' ' || ${c.objects}[get_byte(h, 12) % 16 + 1] || ' for the ' || ${service} || ' ' || ${component} END,
  (CASE WHEN pending THEN 'pending' WHEN status_b < 6 THEN 'suspended' WHEN status_b < 9 THEN 'revoked'
    WHEN exp_b BETWEEN 22 AND 33 AND status_b % 3 = 0 THEN 'expired' ELSE 'active' END)::identity_status,
  ${ago(`created_d * ${DAY_MIN} + get_byte(k, 15) * 5`)},
  CASE WHEN exp_b < 22 THEN NULL
    WHEN exp_b < 34 THEN ${ago(`(1 + ${u16("h", 11)} % LEAST(180, created_d - 1)) * ${DAY_MIN}`)}
    WHEN exp_b < 48 THEN ${ahead(`60 + ${u16("h", 11)} % ${29 * DAY_MIN}`)}
    ELSE ${ahead(`(31 + ${u16("h", 11)} % ${c.span}[env_i + 1]) * ${DAY_MIN}`)} END,
  CASE WHEN pending OR get_byte(h, 13) % 100 < 8 THEN NULL
    WHEN get_byte(h, 13) % 100 < 26 THEN CASE WHEN created_d > 92 THEN ${ago(`(91 + ${u24("k", 11)} % (created_d - 91)) * ${DAY_MIN}`)} END
    ELSE ${ago(`${u24("k", 11)} % (LEAST(created_d, 89) * ${DAY_MIN})`)} END,
  CASE WHEN cred_i > 1 OR get_byte(k, 1) % 100 < 12 THEN NULL
    WHEN get_byte(k, 1) % 100 < 34 AND rot_p IS NOT NULL AND created_d > rot_p + 1
      THEN ${ago(`(rot_p + 1 + ${u16("k", 2)} % (created_d - rot_p - 1)) * ${DAY_MIN}`)}
    ELSE ${ago(`(${u16("k", 2)} % LEAST(created_d, COALESCE(rot_p, 365))) * ${DAY_MIN}`)} END,
  CASE WHEN get_byte(k, 4) % 100 < 5 THEN NULL
    WHEN get_byte(k, 4) % 100 < 20 THEN ${ago(`(1 + get_byte(k, 14) % 120) * ${DAY_MIN}`)}
    ELSE ${ahead(`(1 + get_byte(k, 14) % 90) * ${DAY_MIN}`)} END,
  ${c.creds}[cred_i + 1],
  rot_p,
  CASE WHEN cred_i <= 1 AND NOT (owner_null AND get_byte(k, 7) % 2 = 1) THEN ${c.sysStore}[sys_i + 1] || ${c.envShort}[env_i + 1] || '/' || name END,
  ${c.origins}[origin_i + 1],
  ${c.sysExt}[sys_i + 1] || name
FROM (${named}) x
CROSS JOIN (${idArray("user", S, p.people, "pid")}) people
CROSS JOIN (${idArray("team", S, p.teams, "tid")}) teams`;
}

/**
 * The generated people's (or teams') ids as one array, built once per statement: owners are
 * picked by arithmetic on the person number, and indexing a uuid[] is cheaper than an md5 per row.
 */
function idArray(kind: "user" | "team", seed: number, count: number, alias: string): string {
  return `SELECT array_agg(${sqlUuid(kind, seed, "'g:' || g")} ORDER BY g) AS ${alias} FROM generate_series(0, ${count - 1}) AS g`;
}

/**
 * INSERT … SELECT of 0-3 entitlements (1.45 on average) for every identity except `exceptIds`
 * (the curated ones, which get hand-written grants). It reads the identities just inserted, so
 * it needs no hash of its own per identity: the id's bytes are md5 bytes already.
 */
export function insertEntitlementsSql(p: BulkPlan, exceptIds: readonly string[]): string {
  const c = constants(p);
  const S = p.seed;
  const perm = permSlot(c, "sys_i");
  const ageMin = `(${bytesInt("e", 5, 3)} % age_min)`;
  const except = exceptIds.length ? `WHERE i.id <> ALL (${sqlArray(exceptIds, "uuid")})` : "";
  const base = `SELECT i.id AS identity_id, array_position(${c.sysIds}, i.system_id) - 1 AS sys_i, i.environment = 'production' AS prod,
      i.status = 'revoked' AS revoked, GREATEST(1, (extract(epoch FROM ${c.now} - i.created_at) / 60)::int) AS age_min,
      ${countSlot("i.id")} AS count_slot
    FROM identities i ${except} OFFSET 0`;
  // A join with the constant rows 1..max (cheaper than a generate_series call per identity).
  const nth = nthValues();
  const perEnt = `SELECT b.*, decode(m, 'hex') AS e, m::uuid AS id
    FROM (SELECT b.*, ${entitlementMd5(S, "identity_id", "j")} AS m
          FROM (${base}) b JOIN (VALUES ${nth}) AS n(j) ON j <= ${c.entCounts}[count_slot + 1] OFFSET 0) b OFFSET 0`;
  return `INSERT INTO entitlements (id, identity_id, resource, permission, privileged, status, created_at, expires_at)
SELECT id,
  identity_id,
  ${c.sysRes}[sys_i * 8 + get_byte(e, 0) % 8 + 1],
  ${c.perms}[${perm}],
  ${privilegedSql(c, perm, "prod")},
  (CASE WHEN revoked OR get_byte(e, 2) % 100 < 5 THEN 'revoked' WHEN ${ENTITLEMENT_EXPIRED} THEN 'expired' ELSE 'active' END)::entitlement_status,
  ${c.now} - ${ageMin} * ${MIN},
  CASE WHEN revoked OR get_byte(e, 2) % 100 < 5 THEN NULL
    WHEN get_byte(e, 2) % 100 < 9 THEN ${c.now} - (${ageMin} * get_byte(e, 3) / 256) * ${MIN}
    WHEN get_byte(e, 4) % 100 < 35 THEN ${c.now} + ((7 + get_byte(e, 8) % 180) * ${DAY_MIN}) * ${MIN} END
FROM (${perEnt}) x`;
}

// The entitlement choices both insertEntitlementsSql and holdsPrivilegedSql make, written once.
type Constants = ReturnType<typeof constants>;
/** The rows 1..most entitlements an identity gets, as VALUES (cheaper than a generate_series call per identity). */
const nthValues = () => Array.from({ length: Math.max(...ENTITLEMENT_COUNTS) }, (_, j) => `(${j + 1})`).join(", ");
const countSlot = (id: string) => `(get_byte(uuid_send(${id}), 7) # get_byte(uuid_send(${id}), 13)) % 20`;
const entitlementMd5 = (seed: number, id: string, n: string) => `md5('entitlement:${seed}:' || ${id} || ':' || ${n})`;
const permSlot = (c: Constants, sysI: string) =>
  `${c.sysKind}[${sysI} + 1] * 8 + (CASE WHEN get_byte(e, 1) % 100 < 4 THEN 7 ELSE get_byte(e, 1) % 7 END) + 1`;
const privilegedSql = (c: Constants, perm: string, prod: string) =>
  `(${c.levels}[${perm}] = 2 OR (${c.levels}[${perm}] = 1 AND ${prod}))`;
/** Of an entitlement not revoked: expired (else active). */
const ENTITLEMENT_EXPIRED = "get_byte(e, 2) % 100 < 9";

/**
 * Whether identity `t` (IDENTITY_COLUMNS, under that alias) will hold an active privileged
 * entitlement once insertEntitlementsSql has run: the same bytes, decided the same way. The seed
 * scores identities as it inserts them, before their entitlements exist, with this in place of the lookup.
 */
export function holdsPrivilegedSql(p: BulkPlan, t: string): string {
  const c = constants(p);
  const perm = permSlot(c, `(array_position(${c.sysIds}, ${t}.system_id) - 1)`);
  return `(${t}.status <> 'revoked' AND EXISTS (
    SELECT 1 FROM (SELECT decode(${entitlementMd5(p.seed, `${t}.id`, "n.j")}, 'hex') AS e FROM (VALUES ${nthValues()}) AS n(j)
      WHERE n.j <= ${c.entCounts}[${countSlot(`${t}.id`)} + 1]) x
    WHERE NOT (get_byte(e, 2) % 100 < 5 OR ${ENTITLEMENT_EXPIRED}) AND ${privilegedSql(c, perm, `${t}.environment = 'production'`)}))`;
}
