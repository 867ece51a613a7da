import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

// The lint rule behind the domain doors (eslint.config.mjs): outside a domain, only its door.
const ROOT = path.resolve(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-syntax")
    .map((m) => m.message);
}

describe("domain doors (eslint)", { timeout: 60_000 }, () => {
  it("refuses a deep import of another domain from app/ and from another domain", async () => {
    const deep = 'import { listIdentities } from "@/lib/identities/inventory";\nexport const f = listIdentities;\n';
    expect(await restricted("app/(app)/example/page.tsx", deep)).toEqual([
      expect.stringContaining("Import a domain through its door"),
    ]);
    expect(await restricted("lib/requests/example.ts", deep)).toHaveLength(1);
  });

  it("refuses a deep dynamic import too", async () => {
    const lazy = 'export const load = () => import("@/lib/jobs/run");\n';
    expect(await restricted("lib/cli/example.ts", lazy)).toHaveLength(1);
    expect(await restricted("lib/cli/example.ts", 'export const load = () => import("@/lib/jobs");\n')).toEqual([]);
  });

  it("lets the door through, a domain's own modules, and a client component's browser door", async () => {
    const door = 'import { listIdentities } from "@/lib/identities";\nexport const f = listIdentities;\n';
    expect(await restricted("app/(app)/example/page.tsx", door)).toEqual([]);
    const own = 'import { listIdentities } from "@/lib/identities/inventory";\nexport const f = listIdentities;\n';
    expect(await restricted("lib/identities/example.ts", own)).toEqual([]);
    const browser =
      '"use client";\nimport { DERIVED_STATE_LABELS } from "@/lib/identities/browser";\nexport const l = DERIVED_STATE_LABELS;\n';
    expect(await restricted("app/(app)/example/table.tsx", browser)).toEqual([]);
  });

  it("keeps db/ free of lib/", async () => {
    const up = 'import { now } from "@/lib/clock";\nexport const t = now;\n';
    expect(await restricted("db/example.ts", up)).toEqual([expect.stringContaining("db/ depends on nothing in lib/.")]);
  });
});
