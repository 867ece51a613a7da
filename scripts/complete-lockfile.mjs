#!/usr/bin/env node
// The registry mirror this project is developed against serves only the packages for this
// platform, so `npm install` writes a lockfile without the other platforms' optional binaries
// (Next's SWC, Tailwind's oxide, …) and `npm ci` then refuses it as out of sync. This adds the
// missing optional entries with their real os/cpu, so npm skips them here and installs them
// from the public registry on the platforms that need them. Run after `npm install`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";

const LOCK = "package-lock.json";

function missing() {
  try {
    execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"], { stdio: "pipe" });
    return [];
  } catch (e) {
    const out = String(e.stderr ?? "") + String(e.stdout ?? "");
    return [...out.matchAll(/Missing: (@?[^@\s]+)@(\S*) from lock file/g)].map((m) => m[1]);
  }
}

function platformOf(name) {
  const base = name.split("/").pop();
  const os = [
    "android",
    "darwin",
    "freebsd",
    "linux",
    "win32",
    "openharmony",
    "netbsd",
    "openbsd",
    "sunos",
    "aix",
  ].find((o) => base.includes(o));
  const cpu = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "wasm32"].find((c) =>
    base.includes(`-${c}`),
  );
  return { os, cpu };
}

const lock = JSON.parse(fs.readFileSync(LOCK, "utf8"));
const names = missing();
let added = 0;
for (const name of names) {
  // The version comes from the parent that lists it as optional.
  let version;
  for (const pkg of Object.values(lock.packages)) {
    const spec = pkg.optionalDependencies?.[name];
    if (spec) version = spec.replace(/^[\^~=]/, "");
  }
  if (!version || lock.packages[`node_modules/${name}`]) continue;
  const { os, cpu } = platformOf(name);
  const base = name.split("/").pop();
  lock.packages[`node_modules/${name}`] = {
    version,
    resolved: `https://registry.npmjs.org/${name}/-/${base}-${version}.tgz`,
    optional: true,
    ...(os ? { os: [os] } : {}),
    ...(cpu ? { cpu: [cpu] } : {}),
  };
  added++;
}
fs.writeFileSync(LOCK, JSON.stringify(lock, null, 2) + "\n");
console.log(`complete-lockfile: added ${added} optional platform entries; still missing: ${missing().length}`);
