import { parseArgs } from "node:util";
import postgres from "postgres";
import { z } from "zod";
import { dataDir, databaseKind, openConfigured, migrate, type Connection } from "@/db";
import { verifyAuditChain } from "@/lib/audit/verify";
import { plural } from "@/lib/format";
import { CliStateError, describeFailure, requireEmbeddedFolder, requireMigrated, requireSeeded } from "./state";

export const USAGE = `Usage: steward <command> [options]

Commands:
  db migrate                          apply pending migrations
  db seed [--identities N] [--seed S] [--if-empty] [--compare-copy]
                                      load deterministic demo data (default 2000 identities, seed 1);
                                      --if-empty does nothing when people already exist;
                                      --compare-copy also times a bare COPY of the same rows (PostgreSQL)
  audit verify                        recompute the audit hash chain; exit 1 naming the first broken event
  risk rescore                        rescore every identity's risk (the factors that move with the clock); audited
  requests expire-stale               expire pending requests older than policy's stale limit; audited
  jobs run                            run every lifecycle job once: expire identities, departed owners,
                                      stale requests, risk that moves with the clock, revocations
  revocations run                     carry out the revocations that are due (new ones, and failed ones
                                      whose backoff has passed) through their connectors; audited
  bench inventory [--runs N] [--users N] [--per-user N] [--port P] [--no-http]
                                      measure the inventory against its floors (PostgreSQL only:
                                      seed it first with db seed --identities 1000000)
  bench requests [--requests N] [--runs N] [--decisions N] [--users N] [--per-user N] [--port P] [--no-http]
                                      measure the approval queues and decisions with N pending
                                      requests (default 100000; PostgreSQL only, seeded as above)
  bench revoke [--identities N] [--target URL]
                                      revoke N identities (default 10000) through the PostgreSQL
                                      connector against real roles it creates on the target server
                                      (default: DATABASE_URL's server), beside N bare ALTER ROLEs

The database is DATABASE_URL when set, else the embedded folder (STEWARD_DATA_DIR, default ./.steward).`;

export class UsageError extends Error {}

const seedOptions = z.object({
  identities: z.coerce
    .number({ error: "--identities must be a whole number" })
    .int("--identities must be a whole number")
    .min(0, "--identities must be a whole number")
    .max(10_000_000, "--identities is at most 10,000,000")
    .default(2000),
  seed: z.coerce
    .number({ error: "--seed must be a whole number" })
    .int("--seed must be a whole number")
    .min(0, "--seed must be a whole number")
    .max(2_147_483_647, "--seed is at most 2147483647")
    .default(1),
  "if-empty": z.boolean().default(false),
  "compare-copy": z.boolean().default(false),
});

const count = (flag: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `--${flag} must be a whole number` })
    .int(`--${flag} must be a whole number`)
    .min(min, `--${flag} is ${min} to ${max}`)
    .max(max, `--${flag} is ${min} to ${max}`)
    .default(fallback);

const benchOptions = z.object({
  runs: count("runs", 5, 10_000, 100),
  users: count("users", 1, 200, 10),
  "per-user": count("per-user", 1, 10_000, 20),
  port: count("port", 1024, 65_535, 3900),
  "no-http": z.boolean().default(false),
});

const requestsBenchOptions = benchOptions.extend({
  requests: count("requests", 1_000, 1_000_000, 100_000),
  decisions: count("decisions", 10, 10_000, 200),
});

type Io = { out: (s: string) => void; err: (s: string) => void };
const stdio: Io = { out: (s) => console.log(s), err: (s) => console.error(s) };

/** Runs one CLI command and returns the exit code: 0 ok, 1 failure, 2 bad usage. */
export async function main(argv: string[], io: Io = stdio, open: () => Connection = openConfigured): Promise<number> {
  let command: () => Promise<number>;
  try {
    command = parseCommand(argv, io, open);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`steward: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  try {
    return await command();
  } catch (e) {
    // A wrong state (see ./state.ts) or a refusal is one line and exit 1; so is a defect, whose
    // stack a developer asks for with STEWARD_DEBUG=1.
    const { message, known } = describeFailure(e);
    io.err(`steward: ${message}`);
    if (!known && process.env.STEWARD_DEBUG === "1") io.err(String((e as Error)?.stack ?? e));
    return 1;
  }
}

function parseCommand(argv: string[], io: Io, openDb: () => Connection): () => Promise<number> {
  const [group, verb, ...rest] = argv;
  // What each command needs of the database is checked before it starts (./state.ts).
  const connected = (fn: (conn: Connection) => Promise<number>) => withConnection(openDb, fn);
  const migrated = (fn: (conn: Connection) => Promise<number>) =>
    withConnection(
      openDb,
      async (conn) => {
        await requireMigrated(conn);
        return fn(conn);
      },
      openDb === openConfigured && databaseKind() === "embedded" ? dataDir() : null,
    );
  const seeded = (hint: string, fn: (conn: Connection) => Promise<number>) =>
    migrated(async (conn) => {
      await requireSeeded(conn, hint);
      return fn(conn);
    });
  const key = `${group ?? ""} ${verb ?? ""}`.trim();
  switch (key) {
    case "db migrate":
      noOptions(rest);
      return () =>
        connected(async (conn) => {
          await migrate(conn);
          io.out(`Migrated the ${conn.kind} database.`);
          return 0;
        });
    case "db seed": {
      const { values } = parseArgs({
        args: rest,
        options: {
          identities: { type: "string" },
          seed: { type: "string" },
          "if-empty": { type: "boolean" },
          "compare-copy": { type: "boolean" },
        },
        strict: true,
        allowPositionals: false,
      });
      const parsed = seedOptions.safeParse(values);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
      const opts = parsed.data;
      return () =>
        connected(async (conn) => {
          await migrate(conn);
          const { seedDatabase } = await import("@/lib/seed/seed");
          const result = await seedDatabase(conn, {
            identities: opts.identities,
            seed: opts.seed,
            ifEmpty: opts["if-empty"],
            compareCopy: opts["compare-copy"],
            log: io.out,
          });
          io.out(result.message);
          return 0;
        });
    }
    case "audit verify":
      noOptions(rest);
      return () =>
        migrated(async (conn) => {
          const result = await verifyAuditChain(conn.db);
          if (result.ok) {
            io.out(`Audit log intact: ${result.count} events, head ${result.head.slice(0, 16)}…`);
            return 0;
          }
          io.err(
            `Audit log BROKEN at event ${result.brokenAt}: ${result.reason}. ${result.count} events before it verified.`,
          );
          return 1;
        });
    case "risk rescore":
      noOptions(rest);
      return () =>
        migrated(async (conn) => {
          const { rescoreEstate } = await import("@/lib/identities/rescore");
          const { changed, ms } = await rescoreEstate(conn.db, {
            type: "system",
            id: null,
            label: "steward risk rescore",
          });
          io.out(
            `Rescored risk: ${plural(changed, "identity", "identities", { grouped: true })} changed in ${(ms / 1000).toFixed(1)} s.`,
          );
          return 0;
        });
    case "requests expire-stale":
      noOptions(rest);
      return () =>
        migrated(async (conn) => {
          const { expireStaleRequests } = await import("@/lib/requests/expire");
          const { now } = await import("@/lib/clock");
          const { expired, staleDays } = await expireStaleRequests(
            conn.db,
            { type: "job", id: null, label: "steward requests expire-stale" },
            now(),
          );
          io.out(
            `Expired ${plural(expired, "pending request", "pending requests", { grouped: true })} older than ${staleDays} days.`,
          );
          return 0;
        });
    case "jobs run":
      noOptions(rest);
      return () =>
        migrated(async (conn) => {
          const { runDueJobs } = await import("@/lib/jobs/run");
          const { now } = await import("@/lib/clock");
          for (const r of await runDueJobs(conn.db, now())) {
            io.out(
              `${r.job}: ${Object.entries(r.summary)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ")} (${r.ms} ms)`,
            );
          }
          return 0;
        });
    case "revocations run":
      noOptions(rest);
      return () =>
        migrated(async (conn) => {
          const { runRevocations } = await import("@/lib/revocations/run");
          const { now } = await import("@/lib/clock");
          const r = await runRevocations(conn.db, { type: "job", id: null, label: "steward revocations run" }, now());
          io.out(
            `Took ${r.claimed} due: ${r.verified} verified, ${r.awaitingConfirmation} waiting for a person to confirm, ${r.failed} failed (${r.gaveUp} past their last attempt).`,
          );
          return r.failed > 0 ? 1 : 0;
        });
    case "bench inventory": {
      const { values } = parseArgs({
        args: rest,
        options: {
          runs: { type: "string" },
          users: { type: "string" },
          "per-user": { type: "string" },
          port: { type: "string" },
          "no-http": { type: "boolean" },
        },
        strict: true,
        allowPositionals: false,
      });
      const parsed = benchOptions.safeParse(values);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
      const url = process.env.DATABASE_URL;
      if (!url)
        throw new UsageError(
          "bench inventory measures PostgreSQL: set DATABASE_URL to a database seeded with `steward db seed --identities 1000000`",
        );
      const o = parsed.data;
      return () =>
        seeded("run `steward db seed --identities 1000000` on a fresh database first.", async (conn) => {
          const { benchInventory } = await import("@/lib/bench/inventory");
          return benchInventory(conn, url, {
            runs: o.runs,
            users: o.users,
            perUser: o["per-user"],
            port: o.port,
            http: !o["no-http"],
            out: io.out,
            log: io.err,
          });
        });
    }
    case "bench requests": {
      const { values } = parseArgs({
        args: rest,
        options: {
          requests: { type: "string" },
          runs: { type: "string" },
          decisions: { type: "string" },
          users: { type: "string" },
          "per-user": { type: "string" },
          port: { type: "string" },
          "no-http": { type: "boolean" },
        },
        strict: true,
        allowPositionals: false,
      });
      const parsed = requestsBenchOptions.safeParse(values);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
      const url = process.env.DATABASE_URL;
      if (!url)
        throw new UsageError(
          "bench requests measures PostgreSQL: set DATABASE_URL to a database seeded with `steward db seed --identities 1000000`",
        );
      const o = parsed.data;
      return () =>
        seeded("run `steward db seed --identities 1000000` on a fresh database first.", async (conn) => {
          const { benchRequests } = await import("@/lib/bench/requests");
          return benchRequests(conn, url, {
            target: o.requests,
            runs: o.runs,
            decisions: o.decisions,
            users: o.users,
            perUser: o["per-user"],
            port: o.port,
            http: !o["no-http"],
            out: io.out,
            log: io.err,
          });
        });
    }
    case "bench revoke": {
      const { values } = parseArgs({
        args: rest,
        options: { identities: { type: "string" }, target: { type: "string" } },
        strict: true,
        allowPositionals: false,
      });
      const parsed = z
        .object({
          identities: count("identities", 10, 100_000, 10_000),
          target: z
            .string()
            .regex(/^postgres(ql)?:\/\//, "--target must be a postgres:// URL")
            .optional(),
        })
        .safeParse(values);
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
      const url = process.env.DATABASE_URL;
      if (!url) throw new UsageError("bench revoke measures PostgreSQL: set DATABASE_URL to a seeded database");
      const target =
        parsed.data.target ??
        (() => {
          const u = new URL(url);
          u.pathname = "/postgres";
          return u.toString();
        })();
      return () =>
        seeded(
          "run `steward db seed` on it first (the benchmark acts as the demo admin and security).",
          async (conn) => {
            await requireReachable(target, "the target server (--target, default DATABASE_URL's server)");
            const { benchRevoke } = await import("@/lib/bench/revoke");
            return benchRevoke(conn, { identities: parsed.data.identities, target, out: io.out, log: io.err });
          },
        );
    }
    default:
      throw new UsageError(group ? `unknown command "${key}"` : "no command given");
  }
}

function noOptions(rest: string[]) {
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
}

/** Opens the database (an embedded one only if its folder holds one, when `embeddedDir` is given), runs `fn`, closes. */
async function withConnection(
  open: () => Connection,
  fn: (conn: Connection) => Promise<number>,
  embeddedDir: string | null = null,
): Promise<number> {
  if (embeddedDir) requireEmbeddedFolder(embeddedDir);
  const conn = open();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** Answers whether a PostgreSQL server takes a connection, before anything is created on it. */
async function requireReachable(url: string, what: string): Promise<void> {
  const probe = postgres(url, { max: 1, connect_timeout: 10, onnotice: () => {} });
  try {
    await probe`SELECT 1`;
  } catch (e) {
    throw new CliStateError(describeFailure(e, what).message);
  } finally {
    await probe.end({ timeout: 1 });
  }
}
