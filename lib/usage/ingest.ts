import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@/db";
import { inAuditBatch, record } from "@/lib/audit";
import { type Actor, auditActor, requireCanChange, requireRole } from "@/lib/auth";
import { invalid, parseInput } from "@/lib/errors";
import { rescoreIdentities } from "@/lib/identities";
import { usageBatchSchema, type UsageEvent } from "./input";

/**
 * Usage events: each moves its identity's last use forward (never back; to the hour), remembers where it came
 * from, and flags unusual use — a production identity used from a source it has never used before
 * (once it has a history to compare with), or a service account or workload used interactively by a
 * person (OWASP NHI10). Set-based: a batch of thousands is a handful of statements in one
 * transaction, with one audit event for the batch and one per identity flagged.
 */
export type Ingested = {
  received: number;
  matched: number;
  /** Events whose system and external id match no identity, with the first few. */
  unknown: number;
  unknownSamples: { system: string; externalId: string }[];
  /** Identities whose last use moved forward. */
  moved: number;
  flagged: { newSource: number; interactive: number };
};

/**
 * Last use is kept to the hour, as cloud providers keep theirs (AWS: four hours): a use within the
 * hour after the stored one changes nothing. Writing an identity's row costs its sixteen index
 * entries (about 0.8 ms, measured); a busy identity used thousands of times an hour is written once.
 * Dormancy, which last use decides, counts days.
 */
export const LAST_USE_STEP_MS = 3_600_000;

/** Future instants a collector's clock may be ahead by. */
const SKEW_MS = 5 * 60_000;
// A person at a browser or a desktop tool, not a program: the user agents browsers send.
const BROWSER = /^Mozilla\/\d/;
const HUMAN_KINDS = new Set(["service_account", "workload"]);

// As JSON, so no address and workload can be made to read as another pair.
const sourceKey = (e: UsageEvent) =>
  e.source?.address || e.source?.workload ? JSON.stringify([e.source.address ?? "", e.source.workload ?? ""]) : null;

type Matched = {
  n: number;
  identity_id: string;
  kind: string;
  environment: string;
  last_used_at: Date | string | null;
};

export async function ingestUsage(db: Database, actor: Actor, raw: unknown, at: Date): Promise<Ingested> {
  requireCanChange(actor);
  requireRole(actor, "security", "admin");
  // Instants normalised to UTC, so they compare as text and as time alike.
  const events = parseInput(usageBatchSchema, raw, "No usage was recorded.").events.map((e) => ({
    ...e,
    usedAt: new Date(e.usedAt).toISOString(),
  }));
  const future = events.findIndex((e) => new Date(e.usedAt).getTime() > at.getTime() + SKEW_MS);
  if (future >= 0)
    throw invalid("No usage was recorded.", { [`events.${future}.usedAt`]: ["usedAt is in the future."] });
  const rows = events.map((e, n) => ({ n, system: e.system, external_id: e.externalId }));
  return db.transaction((tx) =>
    inAuditBatch(tx, async () => {
      const matched = await queryRows<Matched>(
        tx,
        sql`SELECT e.n, i.id AS identity_id, i.kind::text AS kind, i.environment::text AS environment, i.last_used_at
            FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS e(n int, system text, external_id text)
            JOIN systems s ON s.name = e.system
            JOIN identities i ON i.system_id = s.id AND i.external_id = e.external_id`,
      );
      const byEvent = new Map(matched.map((m) => [Number(m.n), m]));
      const unknownSamples = events
        .filter((_, n) => !byEvent.has(n))
        .slice(0, 10)
        .map((e) => ({ system: e.system, externalId: e.externalId }));

      // Last use: the latest event per identity, where it is later than what is stored.
      const latest = new Map<string, number>();
      for (const [n, m] of byEvent) {
        const t = new Date(events[n]!.usedAt).getTime();
        const stored = m.last_used_at === null ? -Infinity : new Date(m.last_used_at).getTime();
        if (t >= stored + LAST_USE_STEP_MS && t > (latest.get(m.identity_id) ?? -Infinity))
          latest.set(m.identity_id, t);
      }
      const ids = [...latest.keys()].sort();
      if (ids.length) {
        const moves = ids.map((id) => ({ id, at: new Date(latest.get(id)!).toISOString() }));
        const idList = sql`${`{${ids.join(",")}}`}::uuid[]`;
        // Locked in id order first, so two batches touching the same identities cannot deadlock.
        await tx.execute(sql`SELECT id FROM identities WHERE id = ANY(${idList}) ORDER BY id FOR UPDATE`);
        await tx.execute(
          sql`UPDATE identities i SET last_used_at = m.at
              FROM jsonb_to_recordset(${JSON.stringify(moves)}::jsonb) AS m(id uuid, at timestamptz)
              WHERE i.id = m.id AND (i.last_used_at IS NULL OR i.last_used_at <= m.at - ${`${LAST_USE_STEP_MS} milliseconds`}::interval)`,
        );
        // Last use feeds one risk factor, dormancy: a later use can only clear it, so only the
        // identities it marks need rescoring (a busy identity's row is written once, not twice).
        await rescoreIdentities(tx, sql`i.id = ANY(${idList}) AND 'dormant' = ANY(i.risk_factors)`, at);
      }

      const flags = await sourcesAndFlags(tx, events, byEvent, at);
      await record(tx, {
        actor: auditActor(actor),
        action: "usage.ingested",
        after: {
          received: events.length,
          matched: byEvent.size,
          unknown: events.length - byEvent.size,
          moved: ids.length,
          flagged: flags.counts,
        },
      });
      for (const f of flags.raised)
        await record(tx, {
          actor: auditActor(actor),
          action: "identity.unusual_use_flagged",
          subject: { type: "identity", id: f.identityId },
          after: { reason: f.reason, source: f.source, usedAt: f.usedAt },
        });
      return {
        received: events.length,
        matched: byEvent.size,
        unknown: events.length - byEvent.size,
        unknownSamples,
        moved: ids.length,
        flagged: flags.counts,
      };
    }),
  );
}

type Flag = {
  identityId: string;
  reason: "new_source" | "interactive";
  key: string;
  source: Record<string, unknown>;
  usedAt: string;
};

/** Remembers each event's source and raises the flags unusual use calls for. */
async function sourcesAndFlags(tx: Database, events: UsageEvent[], byEvent: Map<number, Matched>, at: Date) {
  const seen = new Map<string, { identityId: string; key: string; first: string; last: string }>();
  const candidates: Flag[] = [];
  const withSource = [...byEvent].filter(([n]) => sourceKey(events[n]!) !== null);
  const prodIds = [
    ...new Set(withSource.filter(([, m]) => m.environment === "production").map(([, m]) => m.identity_id)),
  ];
  // What production identities were used from before this batch: a history, and its sources.
  const known = prodIds.length
    ? await queryRows<{ identity_id: string; source_key: string }>(
        tx,
        sql`SELECT identity_id, source_key FROM identity_usage_sources WHERE identity_id = ANY(${`{${prodIds.join(",")}}`}::uuid[])`,
      )
    : [];
  const history = new Set(known.map((k) => k.identity_id));
  const knownPairs = new Set(known.map((k) => `${k.identity_id} ${k.source_key}`));
  for (const [n, m] of byEvent) {
    const e = events[n]!;
    const key = sourceKey(e);
    const source = { ...e.source };
    if (key !== null) {
      const pair = `${m.identity_id} ${key}`;
      const s = seen.get(pair);
      if (!s) seen.set(pair, { identityId: m.identity_id, key, first: e.usedAt, last: e.usedAt });
      else {
        if (e.usedAt < s.first) s.first = e.usedAt;
        if (e.usedAt > s.last) s.last = e.usedAt;
      }
      if (m.environment === "production" && history.has(m.identity_id) && !knownPairs.has(pair))
        candidates.push({ identityId: m.identity_id, reason: "new_source", key, source, usedAt: e.usedAt });
    }
    const interactive = e.source?.interactive === true || BROWSER.test(e.source?.userAgent ?? "");
    if (interactive && HUMAN_KINDS.has(m.kind))
      candidates.push({ identityId: m.identity_id, reason: "interactive", key: key ?? "", source, usedAt: e.usedAt });
  }
  if (seen.size) {
    const upserts = [...seen.values()].map((s) => ({
      identity_id: s.identityId,
      source_key: s.key,
      first: s.first,
      last: s.last,
    }));
    await tx.execute(
      sql`INSERT INTO identity_usage_sources (identity_id, source_key, first_seen_at, last_seen_at)
          SELECT identity_id, source_key, first, last FROM jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb)
            AS s(identity_id uuid, source_key text, first timestamptz, last timestamptz)
          ORDER BY identity_id, source_key
          ON CONFLICT (identity_id, source_key) DO UPDATE SET
            first_seen_at = least(identity_usage_sources.first_seen_at, excluded.first_seen_at),
            last_seen_at = greatest(identity_usage_sources.last_seen_at, excluded.last_seen_at)
          -- A source's last sight is kept to the hour: a busy source is not rewritten on every batch.
          WHERE identity_usage_sources.last_seen_at < excluded.last_seen_at - interval '1 hour'
             OR identity_usage_sources.first_seen_at > excluded.first_seen_at`,
    );
  }
  // One flag per identity, reason and source in the batch; one open flag per those in the table.
  const unique = [...new Map(candidates.map((f) => [`${f.identityId} ${f.reason} ${f.key}`, f])).values()];
  const raised = unique.length
    ? await queryRows<{ identity_id: string; reason: string; source_key: string }>(
        tx,
        sql`INSERT INTO usage_flags (identity_id, reason, source_key, source, used_at, flagged_at)
            SELECT identity_id, reason, source_key, source, used_at, ${at.toISOString()}::timestamptz
            FROM jsonb_to_recordset(${JSON.stringify(unique.map((f) => ({ identity_id: f.identityId, reason: f.reason, source_key: f.key, source: f.source, used_at: f.usedAt })))}::jsonb)
              AS f(identity_id uuid, reason text, source_key text, source jsonb, used_at timestamptz)
            -- In key order, so two batches raising the same flags cannot deadlock on the index.
            ORDER BY identity_id, reason, source_key
            ON CONFLICT (identity_id, reason, source_key) WHERE reviewed_at IS NULL DO NOTHING
            RETURNING identity_id, reason, source_key`,
      )
    : [];
  const raisedKeys = new Set(raised.map((r) => `${r.identity_id} ${r.reason} ${r.source_key}`));
  const raisedFlags = unique.filter((f) => raisedKeys.has(`${f.identityId} ${f.reason} ${f.key}`));
  return {
    raised: raisedFlags,
    counts: {
      newSource: raisedFlags.filter((f) => f.reason === "new_source").length,
      interactive: raisedFlags.filter((f) => f.reason === "interactive").length,
    },
  };
}
