import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { readdirSync } from "node:fs";

// Domain doors: outside lib/<domain>/, code imports the domain through lib/<domain>/index.ts
// ("@/lib/<domain>") or, in client components, its browser door ("@/lib/<domain>/browser"). Inside
// a domain its modules import each other directly. Tests and test support may reach internals.
const DOMAINS = readdirSync(new URL("./lib", import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const TEST_SUPPORT = [
  "**/*.test.ts",
  "lib/testing/**",
  "lib/authz/**",
  "e2e/**",
  "**/*-test-*.ts",
  "**/*test-support.ts",
];
const DOOR_MESSAGE =
  "Import a domain through its door: @/lib/<domain> (lib/<domain>/index.ts), or @/lib/<domain>/browser in a client component.";
const doors = (own) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        { group: ["@/lib/*/*", "!@/lib/*/browser", ...(own ? [`!@/lib/${own}/*`] : [])], message: DOOR_MESSAGE },
      ],
    },
  ],
  // import("@/lib/<domain>/<module>") is held to the same rule.
  "no-restricted-syntax": [
    "error",
    {
      selector: `ImportExpression[source.value=/^@\\/lib\\/(?!${own ?? "$^"}\\/)[^/]+\\/(?!browser$)/]`,
      message: DOOR_MESSAGE,
    },
  ],
});

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".steward/**",
      ".steward-*/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      ".tmp/**",
    ],
  },
  { files: ["**/*.{ts,tsx,mjs}"], ignores: TEST_SUPPORT, rules: doors(null) },
  ...DOMAINS.map((d) => ({ files: [`lib/${d}/**/*.{ts,tsx,mjs}`], ignores: TEST_SUPPORT, rules: doors(d) })),
  {
    // db/ is the schema, migrations and connection: it depends on nothing in lib/.
    files: ["db/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/**", "@/lib/*"], message: "db/ depends on nothing in lib/." }] },
      ],
    },
  },
  {
    // Playwright fixtures call `use`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];

export default config;
