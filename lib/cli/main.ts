import "server-only";
import { openConfigured, type Connection } from "@/db";
import { BENCH_COMMANDS } from "./bench-commands";
import { commandContext, UsageError, type Command, type Io } from "./command";
import { DB_COMMANDS } from "./db-commands";
import { DOMAIN_COMMANDS } from "./domain-commands";
import { describeFailure } from "./state";

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
  import FORMAT FILE [--system NAME] [--dry-run]
                                      import identities from a file: aws-credential-report,
                                      kubernetes-serviceaccounts, github-fine-grained-pats,
                                      gcp-service-account-keys, azure-service-principals or csv;
                                      idempotent, by system and external id; --dry-run writes nothing
  token create --owner EMAIL --name NAME [--scopes read,write,scim] [--expires-in-days N] [--purpose TEXT]
                                      make an API token acting as that person (an api_key identity in
                                      the system Steward, owned by them; default scope read, 30 days,
                                      at most policy's maximum); prints only the token
  revocations run                     carry out the revocations that are due (new ones, and failed ones
                                      whose backoff has passed) through their connectors; audited
  bench inventory [--runs N] [--users N] [--per-user N] [--port P] [--no-http]
                                      measure the inventory against its floors (PostgreSQL only:
                                      seed it first with db seed --identities 1000000)
  bench requests [--requests N] [--runs N] [--decisions N] [--users N] [--per-user N] [--port P] [--no-http]
                                      measure the approval queues and decisions with N pending
                                      requests (default 100000; PostgreSQL only, seeded as above)
  bench campaign [--runs N] [--users N] [--per-user N] [--port P] [--no-http] [--only page]
                                      launch, bulk decision and close of review campaigns against their
                                      floors, and the reviewer's page with ~100,000 items waiting
                                      (--only page: that page alone; PostgreSQL only: seed it first
                                      with db seed --identities 1000000)
  bench ingest [--users N] [--seconds N] [--batch N] [--clients N] [--port P] [--only import|usage]
                                      import an AWS credential report of N users (default 100000;
                                      goal ≤ 30 s) beside a bare COPY of the same rows; then usage
                                      events through POST /api/v1/usage: collectors posting batches for
                                      60 s (events a second, slowest 10 s; goal ≥ 5,000) beside the
                                      same last-use UPDATEs bare (PostgreSQL, seeded as above)
  bench revoke [--identities N] [--target URL]
                                      revoke N identities (default 10000) through the PostgreSQL
                                      connector against real roles it creates on the target server
                                      (default: DATABASE_URL's server), beside N bare ALTER ROLEs
  bench break-glass [--grants N] [--connector-grants M] [--target URL]
                                      end N break-glass grants (default 10000) due within one minute
                                      with the app's ticker (lateness p95 and worst), and carry out M
                                      grants (default 1000) through the PostgreSQL connector beside M
                                      bare GRANTs (a seeded database on PostgreSQL)

The database is DATABASE_URL when set, else the embedded folder (STEWARD_DATA_DIR, default ./.steward).`;

/** Every command by its two words; each group parses its options and says what it needs of the database. */
const COMMANDS: Record<string, Command> = { ...DB_COMMANDS, ...DOMAIN_COMMANDS, ...BENCH_COMMANDS };

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
  const key = `${group ?? ""} ${verb ?? ""}`.trim();
  const command = Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined;
  if (!command) throw new UsageError(group ? `unknown command "${key}"` : "no command given");
  return command(rest, commandContext(io, openDb));
}
