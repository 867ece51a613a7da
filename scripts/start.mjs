#!/usr/bin/env node
// `npm start`: build if the sources changed, migrate, seed demo data on first run, serve.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const buildId = path.join(root, ".next", "BUILD_ID");
const sources = ["app", "components", "lib", "db", "proxy.ts", "next.config.ts", "package.json", "postcss.config.mjs"];
const sourceTime = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (!fs.existsSync(buildId) || fs.statSync(buildId).mtimeMs < sourceTime || process.env.STEWARD_REBUILD === "1") {
  console.log("steward: building the app (first start or changed sources)…");
  run(bin("next"), ["build"]);
}

// Same rule as lib/config.ts isDemoMode(): demo data only where demo mode is on.
const demo = process.env.DATABASE_URL ? process.env.STEWARD_DEMO === "1" : process.env.STEWARD_DEMO !== "0";
const steward = path.join(root, "bin", "steward.mjs");
run(process.execPath, [steward, "db", "migrate"]);
if (demo) run(process.execPath, [steward, "db", "seed", "--if-empty"]);

const port = process.env.PORT ?? "3000";
console.log(`steward: serving http://localhost:${port} (${process.env.DATABASE_URL ? "PostgreSQL" : "embedded database in " + (process.env.STEWARD_DATA_DIR ?? ".steward")}${demo ? ", demo mode" : ""})`);
const server = spawn(bin("next"), ["start", "-p", port], { stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
