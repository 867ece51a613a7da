import { now } from "@/lib/clock";
import { plural } from "@/lib/format";
import fs from "node:fs";
import { z } from "zod";
import { count, onMigrated, parseOptions, UsageError, type Command } from "./command";

// The formats `steward import` takes (lib/importers/formats): listed here so the usage needs no import.
export const IMPORT_FORMATS = [
  "aws-credential-report",
  "kubernetes-serviceaccounts",
  "github-fine-grained-pats",
  "gcp-service-account-keys",
  "azure-service-principals",
  "csv",
] as const;

const importOptions = z.object({
  system: z.string().min(1).max(200).optional(),
  "dry-run": z.boolean().default(false),
});

const tokenOptions = z.object({
  owner: z.email("--owner must be an email").max(320),
  name: z.string({ error: "--name is required" }).min(1, "--name is required"),
  scopes: z.string().default("read"),
  "expires-in-days": count("expires-in-days", 1, 3650, 30),
  purpose: z.string().optional(),
});

// The domain's work run by hand or by cron: verify the audit chain, rescore risk, the lifecycle
// jobs, the due revocations. Each module is imported when its command runs, so `steward db …`
// does not load the lot.

export const DOMAIN_COMMANDS: Record<string, Command> = {
  "audit verify": onMigrated(async (conn, io) => {
    const { verifyAuditChain } = await import("@/lib/audit");
    const result = await verifyAuditChain(conn.db);
    if (result.ok) {
      io.out(`Audit log intact: ${result.count} events, head ${result.head.slice(0, 16)}…`);
      return 0;
    }
    io.err(
      `Audit log BROKEN at event ${result.brokenAt}: ${result.reason}. ${result.count} events before it verified.`,
    );
    return 1;
  }),
  "risk rescore": onMigrated(async (conn, io) => {
    const { rescoreEstate } = await import("@/lib/identities");
    const { changed, ms } = await rescoreEstate(conn.db, {
      type: "system",
      id: null,
      label: "steward risk rescore",
    });
    io.out(
      `Rescored risk: ${plural(changed, "identity", "identities", { grouped: true })} changed in ${(ms / 1000).toFixed(1)} s.`,
    );
    return 0;
  }),
  "requests expire-stale": onMigrated(async (conn, io) => {
    const { expireStaleRequests } = await import("@/lib/requests");
    const { expired, staleDays } = await expireStaleRequests(
      conn.db,
      { type: "job", id: null, label: "steward requests expire-stale" },
      now(),
    );
    io.out(
      `Expired ${plural(expired, "pending request", "pending requests", { grouped: true })} older than ${staleDays} days.`,
    );
    return 0;
  }),
  "jobs run": onMigrated(async (conn, io) => {
    const { runDueJobs } = await import("@/lib/jobs");
    for (const r of await runDueJobs(conn.db, now())) {
      io.out(
        `${r.job}: ${Object.entries(r.summary)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")} (${r.ms} ms)`,
      );
    }
    return 0;
  }),
  // Prints only the token (a script captures it); refusals are one line on stderr, exit 1.
  "token create": (rest, { io, migrated }) => {
    const o = parseOptions(rest, tokenOptions);
    return () =>
      migrated(async (conn) => {
        const { issueApiTokenFor } = await import("@/lib/tokens");
        const created = await issueApiTokenFor(conn.db, o.owner, {
          name: o.name,
          purpose: o.purpose ?? `API token ${o.name}, made with steward token create.`,
          scopes: o.scopes.split(",").map((s) => s.trim()),
          expiresInDays: o["expires-in-days"],
        });
        io.out(created.token);
        return 0;
      });
  },
  // `steward import FORMAT FILE [--system NAME] [--dry-run]`: the format is the command's second word.
  ...Object.fromEntries(
    IMPORT_FORMATS.map((format): [string, Command] => [
      `import ${format}`,
      (rest, { io, migrated }) => {
        const [file, ...options] = rest;
        if (!file || file.startsWith("--")) throw new UsageError(`import ${format} needs a FILE`);
        const o = parseOptions(options, importOptions);
        return () =>
          migrated(async (conn) => {
            const { importFromCommandLine } = await import("@/lib/importers");
            let text: string;
            try {
              text = fs.readFileSync(file, "utf8");
            } catch (e) {
              throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
            }
            const out = await importFromCommandLine(
              conn.db,
              { format, text, system: o.system, dryRun: o["dry-run"] },
              now(),
            );
            io.out(
              `${out.dryRun ? "Dry run (nothing written): would import" : "Imported"} ${out.rows.toLocaleString("en")} rows into ${out.system}${out.systemCreated ? " (a new system)" : ""}: ` +
                `${out.created} created, ${out.updated} updated, ${out.unchanged} unchanged, ${out.missing} flagged missing, ${out.orphaned} without an owner, ${out.conflicts.length} names held by another identity.`,
            );
            for (const w of out.warnings.slice(0, 20)) io.out(`  line ${w.line}: ${w.message}`);
            for (const c of out.conflicts.slice(0, 20))
              io.out(
                `  line ${c.line}: ${c.name} is held by an identity not bound to this account; resolve it by hand`,
              );
            return 0;
          });
      },
    ]),
  ),
  "revocations run": onMigrated(async (conn, io) => {
    const { runRevocations } = await import("@/lib/revocations");
    const r = await runRevocations(conn.db, { type: "job", id: null, label: "steward revocations run" }, now());
    io.out(
      `Took ${r.claimed} due: ${r.verified} verified, ${r.awaitingConfirmation} waiting for a person to confirm, ${r.failed} failed (${r.gaveUp} past their last attempt).`,
    );
    return r.failed > 0 ? 1 : 0;
  }),
};
