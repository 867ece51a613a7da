import "server-only";
import { z } from "zod";
import { migrate } from "@/db";
import { noOptions, parseOptions, type Command } from "./command";

// `steward db …`: the schema and the demo data.

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

export const DB_COMMANDS: Record<string, Command> = {
  "db migrate": (rest, { io, connected }) => {
    noOptions(rest);
    return () =>
      connected(async (conn) => {
        await migrate(conn);
        io.out(`Migrated the ${conn.kind} database.`);
        return 0;
      });
  },
  "db seed": (rest, { io, connected }) => {
    const opts = parseOptions(rest, seedOptions);
    return () =>
      connected(async (conn) => {
        await migrate(conn);
        const { seedDatabase } = await import("@/lib/seed");
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
  },
};
