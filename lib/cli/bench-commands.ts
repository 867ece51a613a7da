import "server-only";
import postgres from "postgres";
import { z } from "zod";
import type { Connection } from "@/db";
import type * as Bench from "@/lib/bench";
import { count, parseOptions, UsageError, type Command, type Io } from "./command";
import { CliStateError, describeFailure } from "./state";

// `steward bench …`: the measurements, on PostgreSQL only (DATABASE_URL).

const SEED_A_MILLION = "run `steward db seed --identities 1000000` on a fresh database first.";

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

// Its launches are seconds each: fewer runs than the others, the same HTTP leg's options; `--only
// page` runs the reviewer's page alone (the launch, bulk and close legs take minutes).
const campaignBenchOptions = benchOptions.extend({
  runs: count("runs", 1, 20, 3),
  only: z.enum(["page"], { error: "--only takes page" }).optional(),
});

const revokeBenchOptions = z.object({
  identities: count("identities", 10, 100_000, 10_000),
  target: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "--target must be a postgres:// URL")
    .optional(),
});

const breakGlassBenchOptions = z.object({
  grants: count("grants", 10, 100_000, 10_000),
  "connector-grants": count("connector-grants", 10, 100_000, 1_000),
  target: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "--target must be a postgres:// URL")
    .optional(),
});

const ingestBenchOptions = z.object({
  users: count("users", 100, 1_000_000, 100_000),
  only: z.enum(["import", "usage"], { error: "--only takes import or usage" }).optional(),
  seconds: count("seconds", 10, 3_600, 60),
  batch: count("batch", 1, 5_000, 1_000),
  clients: count("clients", 1, 64, 4),
  port: count("port", 1024, 65_535, 3900),
});

/** The options bench inventory, requests and campaign share, as their functions take them. */
const measureOptions = (o: z.infer<typeof benchOptions>, io: Io) => ({
  runs: o.runs,
  users: o.users,
  perUser: o["per-user"],
  port: o.port,
  http: !o["no-http"],
  out: io.out,
  log: io.err,
});

/** DATABASE_URL, or a usage error saying what the benchmark measures and what it needs. */
function postgresUrl(what: string, needs = "a database seeded with `steward db seed --identities 1000000`"): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new UsageError(`${what} measures PostgreSQL: set DATABASE_URL to ${needs}`);
  return url;
}

/**
 * bench inventory, requests and campaign: their options, DATABASE_URL, a database seeded with a million
 * identities, and lib/bench loaded only when the command runs.
 */
function millionBench<S extends typeof benchOptions>(
  name: string,
  schema: S,
  run: (bench: typeof Bench, conn: Connection, url: string, o: z.infer<S>, io: Io) => Promise<number>,
): Command {
  return (rest, { io, seeded }) => {
    const o = parseOptions(rest, schema);
    const url = postgresUrl(name);
    return () => seeded(SEED_A_MILLION, async (conn) => run(await import("@/lib/bench"), conn, url, o, io));
  };
}

export const BENCH_COMMANDS: Record<string, Command> = {
  "bench inventory": millionBench("bench inventory", benchOptions, (bench, conn, url, o, io) =>
    bench.benchInventory(conn, url, measureOptions(o, io)),
  ),
  "bench requests": millionBench("bench requests", requestsBenchOptions, (bench, conn, url, o, io) =>
    bench.benchRequests(conn, url, { ...measureOptions(o, io), target: o.requests, decisions: o.decisions }),
  ),
  "bench campaign": millionBench("bench campaign", campaignBenchOptions, (bench, conn, url, o, io) =>
    bench.benchCampaign(conn, url, { ...measureOptions(o, io), only: o.only }),
  ),
  "bench ingest": (rest, { io, seeded }) => {
    const o = parseOptions(rest, ingestBenchOptions);
    const url = postgresUrl("bench ingest");
    return () =>
      seeded(SEED_A_MILLION, async (conn) => {
        const { benchIngest } = await import("@/lib/bench");
        return benchIngest(conn, { ...o, databaseUrl: url, out: io.out, log: io.err });
      });
  },
  "bench revoke": (rest, { io, seeded }) => {
    const o = parseOptions(rest, revokeBenchOptions);
    const url = postgresUrl("bench revoke", "a seeded database");
    const target = o.target ?? serverUrl(url);
    return () =>
      seeded("run `steward db seed` on it first (the benchmark acts as the demo admin and security).", async (conn) => {
        await requireReachable(target, "the target server (--target, default DATABASE_URL's server)");
        const { benchRevoke } = await import("@/lib/bench");
        return benchRevoke(conn, { identities: o.identities, target, out: io.out, log: io.err });
      });
  },
  "bench break-glass": (rest, { io, seeded }) => {
    const o = parseOptions(rest, breakGlassBenchOptions);
    const url = postgresUrl("bench break-glass", "a seeded database");
    const target = o.target ?? serverUrl(url);
    return () =>
      seeded(
        "run `steward db seed` on it first (the benchmark acts as the demo security and on-call people).",
        async (conn) => {
          await requireReachable(target, "the target server (--target, default DATABASE_URL's server)");
          const { benchBreakGlass } = await import("@/lib/bench");
          return benchBreakGlass(conn, {
            grants: o.grants,
            connectorGrants: o["connector-grants"],
            target,
            out: io.out,
            log: io.err,
          });
        },
      );
  },
};

/** The server's own `postgres` database: where the revoke benchmark creates its roles by default. */
function serverUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
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
