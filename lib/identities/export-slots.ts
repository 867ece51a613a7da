import "server-only";
import type postgres from "postgres";
import { exportClientOf, type Database } from "@/db";
import { tooMany } from "@/lib/errors";

/**
 * At most EXPORTS_AT_ONCE exports per person at a time: an export holds a database session for as
 * long as its reader takes, so one person must not be able to hold them all.
 *
 * On PostgreSQL `npm start` runs several node:cluster workers (and there may be several hosts), so
 * a count in one process would let a person run two exports per worker. The slots are session
 * advisory locks instead, taken on the export's own session from the export pool: the lock and the
 * cursor live and die together (a crashed worker's connection closes and PostgreSQL frees its
 * slot). On the embedded database there is one process (a lock file refuses a second), and PGlite
 * is one session, where advisory locks are re-entrant and count nothing: there a count in this
 * process is the whole truth.
 */
export const EXPORTS_AT_ONCE = 2;

export type ExportSlot = {
  /** The reserved export session on PostgreSQL (the export runs its cursor there); null when embedded. */
  session: postgres.ReservedSql | null;
  /** Frees the slot (and the session); safe to call more than once. */
  release(): Promise<void>;
};

/** How long to wait for a free connection of the export pool before answering "busy". */
const RESERVE_WAIT_MS = 10_000;

const running = new Map<string, number>();

/** A slot for `personId`, or null when they already have EXPORTS_AT_ONCE exports running. */
export async function takeExportSlot(db: Database, personId: string): Promise<ExportSlot | null> {
  const pool = exportClientOf(db);
  return pool ? takeSessionSlot(pool, personId) : takeLocalSlot(personId);
}

function takeLocalSlot(personId: string): ExportSlot | null {
  const n = running.get(personId) ?? 0;
  if (n >= EXPORTS_AT_ONCE) return null;
  running.set(personId, n + 1);
  let released = false;
  return {
    session: null,
    async release() {
      if (released) return;
      released = true;
      const left = (running.get(personId) ?? 1) - 1;
      if (left > 0) running.set(personId, left);
      else running.delete(personId);
    },
  };
}

const slotKey = (personId: string, slot: number) => `steward:export:${personId}:${slot}`;

async function takeSessionSlot(pool: postgres.Sql, personId: string): Promise<ExportSlot | null> {
  const session = await reserveWithin(pool, RESERVE_WAIT_MS);
  try {
    for (let slot = 0; slot < EXPORTS_AT_ONCE; slot++) {
      const key = slotKey(personId, slot);
      const [row] = await session<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(hashtextextended(${key}, 0)) AS ok`;
      if (!row?.ok) continue;
      let released = false;
      return {
        session,
        async release() {
          if (released) return;
          released = true;
          try {
            await session`SELECT pg_advisory_unlock(hashtextextended(${key}, 0))`;
          } finally {
            session.release();
          }
        },
      };
    }
  } catch (e) {
    session.release();
    throw e;
  }
  session.release();
  return null;
}

/** A reserved connection of the export pool, or `too_many` when none frees up in time. */
async function reserveWithin(pool: postgres.Sql, ms: number): Promise<postgres.ReservedSql> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const reserving = pool.reserve();
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(tooMany("Every export connection is busy; try again in a minute."));
    }, ms);
  });
  // A connection that arrives after we gave up goes straight back.
  reserving.then(
    (s) => timedOut && s.release(),
    () => {},
  );
  try {
    return await Promise.race([reserving, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
