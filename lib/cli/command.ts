import "server-only";
import { parseArgs } from "node:util";
import { z } from "zod";
import { dataDir, databaseKind, openConfigured, type Connection } from "@/db";
import { requireEmbeddedFolder, requireMigrated, requireSeeded } from "./state";

// What every command group (db-commands, domain-commands, bench-commands) is built from: the
// output, its options parsed one way, and the database in the state the command needs.

export type Io = { out: (s: string) => void; err: (s: string) => void };

/** Bad usage: the message, then the usage text, exit 2. */
export class UsageError extends Error {}

type Run = (conn: Connection) => Promise<number>;

/** A command's surroundings; each wrapper checks what the command needs before it starts (./state.ts). */
export type CommandContext = {
  io: Io;
  /** Opens the database as it is (db migrate and db seed migrate it themselves). */
  connected: (fn: Run) => Promise<number>;
  /** Refuses a database that is missing (embedded) or not migrated to the newest migration. */
  migrated: (fn: Run) => Promise<number>;
  /** As `migrated`, and refuses one without the demo personas; `hint` says how to seed it. */
  seeded: (hint: string, fn: Run) => Promise<number>;
};

/** Parses `rest` against the group's argument words and returns what to run; throws UsageError. */
export type Command = (rest: string[], ctx: CommandContext) => () => Promise<number>;

export function commandContext(io: Io, openDb: () => Connection): CommandContext {
  const connected = (fn: Run) => withConnection(openDb, fn);
  const migrated = (fn: Run) =>
    withConnection(
      openDb,
      async (conn) => {
        await requireMigrated(conn);
        return fn(conn);
      },
      openDb === openConfigured && databaseKind() === "embedded" ? dataDir() : null,
    );
  const seeded = (hint: string, fn: Run) =>
    migrated(async (conn) => {
      await requireSeeded(conn, hint);
      return fn(conn);
    });
  return { io, connected, migrated, seeded };
}

/**
 * `--name value` and `--flag` options, strictly: the schema's keys are the options (a boolean
 * schema makes a flag), its messages the usage errors.
 */
export function parseOptions<S extends z.ZodObject>(rest: string[], schema: S): z.infer<S> {
  const options = Object.fromEntries(
    Object.entries(schema.shape).map(([name, type]) => [
      name,
      { type: isFlag(type as z.ZodType) ? ("boolean" as const) : ("string" as const) },
    ]),
  );
  const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

function isFlag(type: z.ZodType): boolean {
  let inner = type;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner instanceof z.ZodBoolean;
}

export function noOptions(rest: string[]) {
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
}

/** A command that takes no options and works on a migrated database. */
export const onMigrated =
  (fn: (conn: Connection, io: Io) => Promise<number>): Command =>
  (rest, { io, migrated }) => {
    noOptions(rest);
    return () => migrated((conn) => fn(conn, io));
  };

/** A whole-number option between `min` and `max`. */
export const count = (flag: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `--${flag} must be a whole number` })
    .int(`--${flag} must be a whole number`)
    .min(min, `--${flag} is ${min} to ${max}`)
    .max(max, `--${flag} is ${min} to ${max}`)
    .default(fallback);

/** Opens the database (an embedded one only if its folder holds one, when `embeddedDir` is given), runs `fn`, closes. */
async function withConnection(open: () => Connection, fn: Run, embeddedDir: string | null = null): Promise<number> {
  if (embeddedDir) requireEmbeddedFolder(embeddedDir);
  const conn = open();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}
