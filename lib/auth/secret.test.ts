import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { setConnection } from "@/db";
import { settings } from "@/db/schema";
import { testDatabase } from "@/lib/testing";
import { LEGACY_SECRET_KEY, readOrCreateSecretFile } from "./secret";
import { authSecretSourceFrom, MISSING_AUTH_SECRET } from "@/lib/startup-rules.mjs";

const env = { ...process.env };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "steward-secret-"));
const conn = testDatabase();
afterAll(async () => {
  setConnection(undefined);
  fs.rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  process.env = { ...env };
});

const PG = "postgres://db.example/steward";
const OIDC = { AUTH_OIDC_ISSUER: "https://idp.example", AUTH_OIDC_CLIENT_ID: "steward", AUTH_OIDC_CLIENT_SECRET: "s" };

/** authSecret() as a freshly started process would compute it (it is cached per process). */
async function freshAuthSecret(vars: Record<string, string | undefined>): Promise<string> {
  process.env = { ...env, AUTH_SECRET: undefined, DATABASE_URL: undefined, STEWARD_DEMO: undefined, ...vars };
  for (const [key, value] of Object.entries(process.env)) if (value === undefined) delete process.env[key];
  vi.resetModules();
  const { setConnection: set } = await import("@/db");
  set(conn);
  const { authSecret } = await import("./secret");
  return authSecret();
}

describe("the session secret", () => {
  it.each([
    [{ AUTH_SECRET: "x" }, "env"],
    [{ AUTH_SECRET: "x", DATABASE_URL: PG }, "env"],
    [{}, "file"],
    [{ ...OIDC }, "file"],
    [{ DATABASE_URL: PG, STEWARD_DEMO: "1" }, "file"],
    [{ DATABASE_URL: PG }, "missing"],
    [{ DATABASE_URL: PG, STEWARD_DEMO: "true" }, "missing"],
    [{ DATABASE_URL: PG, AUTH_SECRET: "" }, "missing"],
    [{ DATABASE_URL: PG, ...OIDC }, "missing"],
  ])("with %o comes from %s", (vars, source) => {
    expect(authSecretSourceFrom(vars)).toBe(source);
  });

  it("is generated once into a private file beside the data and read back", () => {
    const file = path.join(tmp, "data", "auth-secret");
    const first = readOrCreateSecretFile(file);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(readOrCreateSecretFile(file)).toBe(first);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["auth-secret"]); // no temporary files left
  });

  it("a process that loses the race to create the file reads the winner's secret", () => {
    const file = path.join(tmp, "race", "auth-secret");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const exists = fs.existsSync;
    // Another worker writes the file between this one's check and its link.
    const spy = vi.spyOn(fs, "existsSync").mockImplementationOnce((p) => {
      const answer = exists(p);
      fs.writeFileSync(file, "the-winners-secret");
      return answer;
    });
    expect(readOrCreateSecretFile(file)).toBe("the-winners-secret");
    spy.mockRestore();
    expect(fs.readdirSync(path.dirname(file))).toEqual(["auth-secret"]);
  });

  it("on PostgreSQL without demo mode there is none, and the error says how to make one", async () => {
    await expect(freshAuthSecret({ DATABASE_URL: PG })).rejects.toThrow(MISSING_AUTH_SECRET);
    expect(MISSING_AUTH_SECRET).toContain("openssl rand -base64 32");
  });

  it("is never taken from (or written to) the database, even where an old version left one there", async () => {
    await conn.db.insert(settings).values({ key: LEGACY_SECRET_KEY, value: "old-secret-in-a-row" });
    const dir = path.join(tmp, "demo-pg");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const secret = await freshAuthSecret({ DATABASE_URL: PG, STEWARD_DEMO: "1", STEWARD_DATA_DIR: dir });
    expect(secret).not.toBe("old-secret-in-a-row");
    expect(fs.readFileSync(path.join(dir, "auth-secret"), "utf8")).toBe(secret);
    expect(await freshAuthSecret({ DATABASE_URL: PG, AUTH_SECRET: "from-the-operator" })).toBe("from-the-operator");
    expect(await conn.db.select().from(settings)).toHaveLength(1);
    // On PostgreSQL the operator is told to move off the old row (the embedded test database is not asked).
    if (conn.kind === "postgres")
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`settings row ${LEGACY_SECRET_KEY}`));
    warn.mockRestore();
  });
});

describe("npm start", () => {
  it("refuses to run on PostgreSQL without demo mode or AUTH_SECRET, with one line saying how to make one", () => {
    const childEnv: NodeJS.ProcessEnv = { NODE_ENV: "production" };
    for (const [key, value] of Object.entries(env))
      if (value !== undefined && !/^(AUTH_|STEWARD_DEMO$)/.test(key)) childEnv[key] = value;
    // Nothing listens there: the refusal must come before any build, migration or connection.
    childEnv.DATABASE_URL = "postgres://steward@127.0.0.1:1/steward";
    const started = spawnSync(process.execPath, ["scripts/start.mjs"], {
      env: childEnv,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(started.status).toBe(1);
    expect(started.stdout).toBe("");
    expect(started.stderr.trim().split("\n")).toEqual([MISSING_AUTH_SECRET]);
  });
});
