import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Modules that touch the database are marked `import "server-only"` (a build-time guard for
      // the browser bundle); outside Next.js that package throws, so tests load its empty variant.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    include: ["{lib,db,app,components,bin,scripts}/**/*.test.ts"],
    environment: "node",
    // Each test file gets its own database (lib/testing: testDatabase), so files run in parallel.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // next-auth imports "next/server" without an extension, which Node's ESM loader cannot
    // resolve (next has no exports map); bundled by Vite it resolves (lib/security/auth-cookies.test.ts).
    server: { deps: { inline: ["next-auth"] } },
  },
});
