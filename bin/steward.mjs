#!/usr/bin/env node
// The `steward` command: TypeScript sources run through tsx, so the CLI and the app share lib/.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root); // migrations and the embedded folder are found relative to the project
register({ tsconfig: join(root, "tsconfig.json") });
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
