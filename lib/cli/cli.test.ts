import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { openEmbedded, queryRows } from "@/db";
import { PG_SERVER_URL, pgServerTests, withDatabase } from "@/lib/testing";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "steward-cli-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs the real `steward` command on an embedded folder of its own (or on `databaseUrl`). */
async function steward(
  args: string[],
  dataDir = path.join(tmp, "data"),
  databaseUrl?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, STEWARD_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.STEWARD_DEBUG;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, "bin", "steward.mjs"), ...args], {
      env,
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("the steward CLI", () => {
  it.each([
    [[], "no command given"],
    [["db"], 'unknown command "db"'],
    [["db", "drop"], 'unknown command "db drop"'],
    [["db", "seed", "--identities", "many"], "--identities must be a whole number"],
    [["db", "seed", "--identities=-5"], "--identities must be a whole number"],
    [["db", "seed", "--seed", "1.5"], "--seed must be a whole number"],
    [["db", "seed", "--identities", "99999999999"], "--identities is at most 10,000,000"],
    [["db", "seed", "--colour", "blue"], "Unknown option '--colour'"],
    [["db", "migrate", "now"], 'unexpected argument "now"'],
    [["audit", "verify", "--fix"], 'unexpected argument "--fix"'],
    [["risk", "rescore", "now"], 'unexpected argument "now"'],
    [["requests", "expire-stale", "--all"], 'unexpected argument "--all"'],
    [["revocations", "run", "now"], 'unexpected argument "now"'],
    [["jobs", "run", "--all"], 'unexpected argument "--all"'],
    [["bench", "inventory", "--runs", "2"], "--runs is 5 to 10000"],
    [["bench", "inventory", "--port", "80"], "--port is 1024 to 65535"],
    [["bench", "inventory"], "bench inventory measures PostgreSQL: set DATABASE_URL"],
    [["bench", "requests", "--requests", "10"], "--requests is 1000 to 1000000"],
    [["bench", "requests", "--decisions", "many"], "--decisions must be a whole number"],
    [["bench", "requests"], "bench requests measures PostgreSQL: set DATABASE_URL"],
    [["bench", "campaign", "--runs", "0"], "--runs is 1 to 20"],
    [["bench", "campaign", "--users", "0"], "--users is 1 to 200"],
    [["bench", "campaign", "--only", "launch"], "--only takes page"],
    [["bench", "campaign"], "bench campaign measures PostgreSQL: set DATABASE_URL"],
    [["bench", "revoke", "--identities", "5"], "--identities is 10 to 100000"],
    [["bench", "revoke"], "bench revoke measures PostgreSQL: set DATABASE_URL"],
  ])("steward %j exits 2 with a usage message", async (args, message) => {
    const result = await steward(args, path.join(tmp, "never-created"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage: steward <command>");
    expect(fs.existsSync(path.join(tmp, "never-created"))).toBe(false);
  });

  // Six steward processes, each loading tsx and opening PGlite: a few seconds each on a quiet machine,
  // over a minute on a busy CI runner, so this test has its own budget.
  it("migrates, seeds and verifies an embedded database", { timeout: 240_000 }, async () => {
    expect((await steward(["db", "migrate"])).stdout).toContain("Migrated the embedded database.");
    const seeded = await steward(["db", "seed", "--identities", "40", "--seed", "7"]);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded 40 identities/);
    expect((await steward(["db", "seed", "--if-empty"])).code).toBe(0);
    const again = await steward(["db", "seed"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has data/);
    const verify = await steward(["audit", "verify"]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact: 1 events/);

    // Tamper with the stored event (only possible with the trigger disabled): verify names it.
    const conn = openEmbedded(path.join(tmp, "data"));
    try {
      await conn.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
      await conn.db.execute(sql`UPDATE audit_events SET actor_label = 'someone else' WHERE seq = 1`);
      await conn.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER USER`);
    } finally {
      await conn.close();
    }
    const broken = await steward(["audit", "verify"]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("Audit log BROKEN at event 1: event 1 was altered");
  });

  it("rescores the risk of identities whose stored score went stale, and records it", async () => {
    const dir = path.join(tmp, "rescore");
    expect((await steward(["db", "seed", "--identities", "40"], dir)).code).toBe(0);
    let conn = openEmbedded(dir);
    try {
      await conn.db.execute(
        sql`UPDATE identities SET risk_score = 0, risk_factors = '{}' WHERE name = 'legacy-batch-loader'`,
      );
    } finally {
      await conn.close();
    }
    const result = await steward(["risk", "rescore"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Rescored risk: 1 identity changed/);
    conn = openEmbedded(dir);
    try {
      const [row] = await queryRows<{ risk_score: number; top: string }>(
        conn.db,
        sql`SELECT risk_score, risk_factors[1] AS top FROM identities WHERE name = 'legacy-batch-loader'`,
      );
      expect(row).toEqual({ risk_score: 100, top: "orphaned" });
      const events = await queryRows<{ actor_label: string; after: { changed: number } }>(
        conn.db,
        sql`SELECT actor_label, after FROM audit_events WHERE action = 'risk.rescored'`,
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor_label: "steward risk rescore", after: { changed: 1 } });
    } finally {
      await conn.close();
    }
  });

  it(
    "token create prints only the token, which then authenticates as its owner; refusals say why",
    { timeout: 240_000 },
    async () => {
      const dir = path.join(tmp, "tokens");
      expect((await steward(["db", "seed", "--identities", "40"], dir)).code).toBe(0);
      const made = await steward(
        [
          "token",
          "create",
          "--owner",
          "olivia.owner@example.com",
          "--name",
          "ci-deploy",
          "--scopes",
          "read,write",
          "--expires-in-days",
          "30",
        ],
        dir,
      );
      expect(made.code).toBe(0);
      expect(made.stdout).toMatch(/^stw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
      const tooLong = await steward(
        ["token", "create", "--owner", "olivia.owner@example.com", "--name", "x", "--expires-in-days", "400"],
        dir,
      );
      expect(tooLong.code).toBe(1);
      expect(tooLong.stderr).toMatch(/expiresInDays: At most 90 days/);
      const auditor = await steward(
        ["token", "create", "--owner", "ari.auditor@example.com", "--name", "evidence"],
        dir,
      );
      expect(auditor.code).toBe(1);
      expect(auditor.stderr).toMatch(/only an auditor/);
      // And an import from the command line: a dry run writes nothing, then the import, then a broken file.
      const csv = path.join(tmp, "accounts.csv");
      fs.writeFileSync(
        csv,
        "external_id,name,kind,owner_email\nsvc-1,nightly-job,service_account,omar.owner@example.com\n",
      );
      const dry = await steward(["import", "csv", csv, "--system", "Batch", "--dry-run"], dir);
      expect(dry.stdout).toMatch(
        /^Dry run \(nothing written\): would import 1 rows into Batch \(a new system\): 1 created/,
      );
      const imported = await steward(["import", "csv", csv, "--system", "Batch"], dir);
      expect(imported.stdout).toMatch(/^Imported 1 rows into Batch \(a new system\): 1 created, 0 updated/);
      fs.writeFileSync(csv, "external_id,name,kind\nsvc-2,x,robot\n");
      const broken = await steward(["import", "csv", csv, "--system", "Batch"], dir);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/Nothing was imported: the file has a problem\. file: Line 2: kind "robot"/);
      const conn = openEmbedded(dir);
      try {
        const { authenticateToken } = await import("@/lib/tokens");
        const actor = await authenticateToken(conn.db, `Bearer ${made.stdout.trim()}`, new Date());
        expect({ email: actor.email, scopes: actor.token?.scopes }).toEqual({
          email: "olivia.owner@example.com",
          scopes: ["read", "write"],
        });
        const [e] = await queryRows<{ actor_label: string }>(
          conn.db,
          sql`SELECT actor_label FROM audit_events WHERE action = 'api_token.created'`,
        );
        expect(e!.actor_label).toBe("steward token create (command line)");
      } finally {
        await conn.close();
      }
    },
  );

  it("a second process on the same embedded folder gets a clear error, not a corrupted database", async () => {
    const dir = path.join(tmp, "busy");
    const holder = openEmbedded(dir); // this test process holds the folder, as the running app would
    try {
      await holder.db.execute(sql`SELECT 1`);
      const result = await steward(["db", "migrate"], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`is in use by another process (pid ${process.pid})`);
      expect(result.stderr).toContain("set DATABASE_URL");
    } finally {
      await holder.close();
    }
    // Released on close: the folder opens again.
    expect((await steward(["db", "migrate"], dir)).code).toBe(0);
  });

  it("a lock left by a process that died is taken over", async () => {
    const dir = path.join(tmp, "stale");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "steward.lock"), "999999");
    expect((await steward(["db", "migrate"], dir)).code).toBe(0);
  });
});

/** A wrong state's answer: exit 1 and one line on stderr saying what to do, no stack trace. */
function expectOneLine(result: { code: number; stderr: string }, message: string | RegExp) {
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^steward: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe("the steward CLI in a wrong state: one line on stderr, exit 1, no stack trace", () => {
  it("no embedded database: says how to make one, and creates no folder", async () => {
    const dir = path.join(tmp, "absent");
    for (const args of [
      ["audit", "verify"],
      ["jobs", "run"],
      ["risk", "rescore"],
      ["requests", "expire-stale"],
      ["revocations", "run"],
    ]) {
      expectOneLine(await steward(args, dir), /There is no embedded database in .*absent: run `steward db migrate`/);
    }
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("an embedded database that was never migrated: says to migrate, changes nothing", async () => {
    const dir = path.join(tmp, "unmigrated");
    await openEmbedded(dir).close(); // the folder holds an empty database
    for (const args of [
      ["audit", "verify"],
      ["jobs", "run"],
      ["revocations", "run"],
    ]) {
      expectOneLine(await steward(args, dir), "The embedded database is not migrated: run `steward db migrate` first.");
    }
    const conn = openEmbedded(dir);
    try {
      expect(
        await queryRows(conn.db, sql`SELECT 1 FROM pg_tables WHERE schemaname IN ('public', 'drizzle')`),
      ).toHaveLength(0);
    } finally {
      await conn.close();
    }
  });

  it("an embedded folder held by another process (the running app): one line, exit 1", async () => {
    const dir = path.join(tmp, "held");
    const holder = openEmbedded(dir);
    try {
      await holder.db.execute(sql`SELECT 1`);
      expectOneLine(await steward(["jobs", "run"], dir), `is in use by another process (pid ${process.pid})`);
    } finally {
      await holder.close();
    }
  });

  it("a PostgreSQL server that does not answer", async () => {
    expectOneLine(
      await steward(["db", "migrate"], tmp, "postgres://postgres@127.0.0.1:1/steward"),
      "Cannot reach the PostgreSQL server at 127.0.0.1:1 (connection refused)",
    );
    expectOneLine(
      await steward(["audit", "verify"], tmp, "postgres://postgres@host.invalid:5432/steward"),
      /Cannot reach the PostgreSQL server at host\.invalid/,
    );
  });
});

const onServer = await pgServerTests("cli.test (the CLI on PostgreSQL databases in wrong states)");

describe.runIf(onServer)("the steward CLI on PostgreSQL in a wrong state", () => {
  const admin = postgres(PG_SERVER_URL, { max: 1, onnotice: () => {} });
  const name = `steward_cli_${Date.now().toString(36)}`;
  const url = withDatabase(PG_SERVER_URL, name);
  const benchRoles = async () =>
    (await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'stw_bench_%'`)[0]!.n;
  beforeAll(async () => {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("a database that does not exist", async () => {
    expectOneLine(
      await steward(["db", "migrate"], tmp, withDatabase(PG_SERVER_URL, `${name}_missing`)),
      `The database "${name}_missing" does not exist: create it`,
    );
  });

  it("not migrated, then not seeded: bench revoke says which, and creates no role on the target", async () => {
    const roles = await benchRoles();
    expectOneLine(
      await steward(["bench", "revoke", "--identities", "10"], tmp, url),
      "The PostgreSQL database is not migrated: run `steward db migrate` first.",
    );
    expectOneLine(await steward(["audit", "verify"], tmp, url), "The PostgreSQL database is not migrated");
    expect((await steward(["db", "migrate"], tmp, url)).code).toBe(0);
    expectOneLine(
      await steward(["bench", "revoke", "--identities", "10"], tmp, url),
      "The database has no demo data: run `steward db seed`",
    );
    expectOneLine(
      await steward(["bench", "inventory", "--no-http"], tmp, url),
      "The database has no demo data: run `steward db seed --identities 1000000`",
    );
    expectOneLine(await steward(["bench", "requests", "--no-http"], tmp, url), "The database has no demo data");
    expect(await benchRoles()).toBe(roles);
  });

  it("seeded, with a target server that does not answer: bench revoke says so before creating anything", async () => {
    expect((await steward(["db", "seed", "--identities", "40"], tmp, url)).code).toBe(0);
    const [before] = await queryRowsOn(url, "SELECT count(*)::int AS n FROM systems");
    expectOneLine(
      await steward(
        ["bench", "revoke", "--identities", "10", "--target", "postgres://postgres@127.0.0.1:1/postgres"],
        tmp,
        url,
      ),
      "Cannot reach the target server (--target, default DATABASE_URL's server) at 127.0.0.1:1 (connection refused)",
    );
    expect(await queryRowsOn(url, "SELECT count(*)::int AS n FROM systems")).toEqual([before]);
  });
});

async function queryRowsOn(url: string, statement: string): Promise<{ n: number }[]> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return [...(await client.unsafe<{ n: number }[]>(statement))];
  } finally {
    await client.end();
  }
}
