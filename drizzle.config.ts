import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema and shared by the embedded (PGlite) and the
// server (postgres.js) drivers; they are applied by `steward db migrate`, never `push`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
