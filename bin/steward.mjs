#!/usr/bin/env node
// The `steward` command: TypeScript sources run through tsx, so the CLI and the app share lib/.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register as registerHooks } from "node:module";
import { register } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root); // migrations and the embedded folder are found relative to the project
register({ tsconfig: join(root, "tsconfig.json") });
// lib/ modules that touch the database say `import "server-only"` so Next.js keeps them out of the
// browser bundle; that package throws outside Next.js, so the command resolves it to its empty file.
const emptyServerOnly = pathToFileURL(join(root, "node_modules/server-only/empty.js")).href;
const hooks = `export async function resolve(s, c, next) {
  return s === "server-only" ? { url: ${JSON.stringify(emptyServerOnly)}, shortCircuit: true } : next(s, c);
}`;
registerHooks(`data:text/javascript,${encodeURIComponent(hooks)}`);
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
