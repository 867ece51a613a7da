#!/usr/bin/env node
// `npm start`: build if the sources changed, migrate, seed demo data on first run, serve.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { authSecretSourceFrom, demoModeFrom, MISSING_AUTH_SECRET } from "../lib/startup-rules.mjs";
import { buildIfNeeded } from "./build-if-needed.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

function run(args) {
  const result = spawnSync(process.execPath, [path.join(root, "bin", "steward.mjs"), ...args], {
    stdio: "inherit",
    env: process.env,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// Before anything else: on PostgreSQL without demo mode the session key must come from the operator.
if (authSecretSourceFrom(process.env) === "missing") {
  console.error(MISSING_AUTH_SECRET);
  process.exit(1);
}

if (process.env.STEWARD_SKIP_BUILD !== "1") buildIfNeeded();

// The rule of lib/config.ts isDemoMode(): demo data only where demo mode is on.
const demo = demoModeFrom(process.env);
run(["db", "migrate"]);
if (demo) run(["db", "seed", "--if-empty"]);

const port = process.env.PORT ?? "3000";
const where = process.env.DATABASE_URL
  ? "PostgreSQL"
  : `embedded database in ${process.env.STEWARD_DATA_DIR ?? ".steward"}`;
console.log(`steward: serving http://localhost:${port} (${where}${demo ? ", demo mode" : ""})`);
const server = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs")], {
  stdio: "inherit",
  env: { ...process.env, PORT: port },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
