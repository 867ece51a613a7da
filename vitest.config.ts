import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{lib,db,app,components,bin,scripts}/**/*.test.ts"],
    environment: "node",
    // Each test file gets its own database (see db/test-database.ts), so files run in parallel.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // next-auth imports "next/server" without an extension, which Node's ESM loader cannot
    // resolve (next has no exports map); bundled by Vite it resolves (lib/security/auth-cookies.test.ts).
    server: { deps: { inline: ["next-auth"] } },
  },
});
