import type { NextConfig } from "next";
import { STATIC_HEADERS } from "./lib/security/headers";

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "postgres"],
  poweredByHeader: false,
  typedRoutes: false,
  // Static files skip proxy.ts (which sets the per-request headers, CSP included, on everything
  // else): they get the fixed part here.
  async headers() {
    const headers = Object.entries(STATIC_HEADERS).map(([key, value]) => ({ key, value }));
    return ["/_next/static/:path*", "/_next/image", "/favicon.ico", "/icon.svg"].map((source) => ({ source, headers }));
  },
};

export default nextConfig;
