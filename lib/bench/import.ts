import "server-only";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, type Connection } from "@/db";
import { importFromCommandLine } from "@/lib/importers";
import { ms, ratio } from "./stats";

/**
 * The importer's part of `steward bench ingest`: an AWS credential report of `users` rows (every
 * user an active key, every other one a second: 1.5 identities a row) imported into a new system of
 * the estate with `steward import`'s function, parse to commit. The floor: the same identity rows
 * (same columns, same indexes) sent bare with COPY into the identities table, in a transaction
 * rolled back. Each run leaves its imported identities (a system named for the run).
 */
export const IMPORT_GOALS = { maxMs: 30_000 } as const;

const HEADER =
  "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

function report(run: string, users: number): string {
  const lines = [HEADER];
  const day = (n: number) =>
    new Date(Date.UTC(2024, 0, 1) + (n % 900) * 86_400_000).toISOString().replace(".000Z", "+00:00");
  for (let n = 0; n < users; n++) {
    const user = `bench-${run}-${n}`;
    const second = n % 2 === 0;
    lines.push(
      [
        user,
        `arn:aws:iam::999999999999:user/svc/${user}`,
        day(n),
        "false,N/A,N/A,N/A,false",
        "true",
        day(n + 30),
        n % 7 === 0 ? "N/A" : day(n + 300),
        n % 7 === 0 ? "N/A" : "eu-west-1",
        n % 7 === 0 ? "N/A" : "s3",
        second ? "true" : "false",
        second ? day(n + 60) : "N/A",
        second ? day(n + 400) : "N/A",
        second ? "us-east-1" : "N/A",
        second ? "sts" : "N/A",
        "false,N/A,false,N/A",
      ].join(","),
    );
  }
  return lines.join("\n") + "\n";
}

export async function benchImport(
  conn: Connection,
  opts: { users: number; databaseUrl: string; out: (s: string) => void; log: (s: string) => void },
): Promise<boolean> {
  const run = randomBytes(3).toString("hex");
  const text = report(run, opts.users);
  opts.log(
    `bench: a credential report of ${opts.users.toLocaleString("en")} users (${(text.length / 1024 / 1024).toFixed(1)} MB)`,
  );
  const started = performance.now();
  const out = await importFromCommandLine(
    conn.db,
    { format: "aws-credential-report", text, system: `Bench import ${run}` },
    new Date(),
  );
  const importMs = performance.now() - started;
  opts.log(`bench: imported ${out.created.toLocaleString("en")} identities in ${(importMs / 1000).toFixed(1)} s`);

  // The floor: the same rows, bare, with COPY into identities (a scratch system), rolled back.
  const [system] = await queryRows<{ id: string }>(
    conn.db,
    sql`INSERT INTO systems (name, kind, connector) VALUES (${`Bench COPY ${run}`}, 'aws_account', 'manual') RETURNING id`,
  );
  const rows = await queryRows<Record<string, string | null>>(
    conn.db,
    sql`SELECT name, kind, environment, status, created_at, last_used_at, last_rotated_at, next_review_at, credential_type, origin, external_id
        FROM identities WHERE system_id = ${out.systemId}::uuid`,
  );
  const cell = (v: unknown) =>
    v === null || v === undefined ? "\\N" : v instanceof Date ? v.toISOString() : String(v);
  const lines = rows.map(
    (r) =>
      [
        r.name,
        r.kind,
        system!.id,
        r.environment,
        r.status,
        r.created_at,
        r.last_used_at,
        r.last_rotated_at,
        r.next_review_at,
        r.credential_type,
        r.origin,
        r.external_id,
      ]
        .map(cell)
        .join("\t") + "\n",
  );
  const client = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  let copyMs = 0;
  try {
    await client
      .begin(async (tx) => {
        const t0 = performance.now();
        await pipeline(
          Readable.from(lines),
          await tx
            .unsafe(
              `COPY identities (name, kind, system_id, environment, status, created_at, last_used_at, last_rotated_at, next_review_at, credential_type, origin, external_id) FROM STDIN`,
            )
            .writable(),
        );
        copyMs = performance.now() - t0;
        throw new Error("rollback");
      })
      .catch((e: Error) => {
        if (e.message !== "rollback") throw e;
      });
    await client`DELETE FROM systems WHERE id = ${system!.id}::uuid`;
  } finally {
    await client.end({ timeout: 2 });
  }
  const pass = importMs <= IMPORT_GOALS.maxMs;
  opts.out(
    [
      `import: an AWS credential report of ${opts.users.toLocaleString("en")} users → ${out.created.toLocaleString("en")} identities`,
      `  steward import        ${(importMs / 1000).toFixed(1)} s (parse, match, insert, rescore, audit; one transaction)`,
      `  floor (bare COPY)     ${(copyMs / 1000).toFixed(1)} s for the same ${rows.length.toLocaleString("en")} rows; import ÷ COPY ${ratio(importMs, copyMs)}`,
      `  goal                  ≤ ${IMPORT_GOALS.maxMs / 1000} s: ${pass ? "pass" : "FAIL"}`,
    ].join("\n"),
  );
  opts.out(
    JSON.stringify({
      metric: "ingest.import_credential_report_ms",
      value: ms(importMs),
      users: opts.users,
      identities: out.created,
      floor_copy_ms: ms(copyMs),
      ratio: ratio(importMs, copyMs),
      goal: IMPORT_GOALS.maxMs,
      pass,
    }),
  );
  return pass;
}
