#!/usr/bin/env node
// Serves one end-to-end instance on a database of its own: a fresh PostgreSQL database on the
// DATABASE_URL server when it is set, else a fresh embedded folder. Usage: serve.mjs <name>
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const name = process.argv[2] ?? "main";
const env = { ...process.env, STEWARD_SKIP_BUILD: "1" };

if (process.env.DATABASE_URL) {
  const dbName = `steward_e2e_${name.replace(/[^a-z0-9_]/g, "_")}`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${dbName}`;
  env.DATABASE_URL = url.toString();
} else {
  const dir = path.join(root, `.steward-e2e-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  env.STEWARD_DATA_DIR = dir;
}

// Seed the personas whatever the demo mode, so tests can show that sign-in is refused for the
// right reason (demo mode off), not because nobody is there.
const seeded = spawnSync(process.execPath, [path.join(root, "bin", "steward.mjs"), "db", "seed"], {
  stdio: "inherit",
  env,
  cwd: root,
});
if (seeded.status !== 0) process.exit(seeded.status ?? 1);

const child = spawn(process.execPath, [path.join(root, "scripts", "start.mjs")], { stdio: "inherit", env, cwd: root });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
