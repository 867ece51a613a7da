import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { MATRIX, type EntryPoint } from "./matrix";

// Reading the code for the matrix's tests: lib's exported (db, actor) functions, app's server
// actions and route handlers, what each calls and whether it checks the session first.

export const ROOT = process.cwd();
export const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join("/");
export function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, keep));
    else if (keep(entry.name)) out.push(full);
  }
  return out;
}

/** Exported functions of lib/ (tests and test support left out) that take a Database and an Actor (or audit's AuditReader, the actor's roles). */
export function actorFunctions(): Map<string, string> {
  const found = new Map<string, string>();
  const lib = filesUnder(
    path.join(ROOT, "lib"),
    (n) => n.endsWith(".ts") && !n.endsWith(".test.ts") && !n.startsWith("test-"),
  );
  // Any exported function taking a Database and an Actor, in whatever positions (pure predicates
  // over an actor, such as hasRole, decide nothing on their own).
  const patterns = [
    /export\s+(?:async\s+)?function\s+(\w+)\s*(?:<[^>]*>)?\s*\(([\s\S]*?)\)\s*(?::[^{=]*)?\{/g,
    /export\s+const\s+(\w+)\s*=\s*(?:async\s*)?\(([\s\S]*?)\)\s*(?::[^{=]*)?=>/g,
  ];
  for (const file of lib) {
    const src = fs.readFileSync(file, "utf8");
    // Test support (lib/testing, the matrix's drivers, helpers that use vitest) is not the app.
    if (/^lib\/(testing|authz\/drivers)\//.test(rel(file)) || /from "vitest"/.test(src)) continue;
    for (const re of patterns)
      for (const m of src.matchAll(re))
        if (/:\s*(Actor|AuditReader)\b/.test(m[2]!) && /:\s*Database\b/.test(m[2]!)) found.set(m[1]!, rel(file));
  }
  return found;
}

export const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Each export of a file with its source (to the next export). Route files: only the HTTP handlers. */
export function exportsOf(file: string): Map<string, string> {
  const src = fs.readFileSync(file, "utf8");
  const starts: { name: string; at: number }[] = [];
  for (const m of src.matchAll(/^export\s+(?:async\s+)?function\s+(\w+)/gm)) starts.push({ name: m[1]!, at: m.index! });
  for (const m of src.matchAll(/^export\s+const\s+(\w+)\s*=/gm)) starts.push({ name: m[1]!, at: m.index! });
  for (const m of src.matchAll(/^export\s+const\s*\{([^}]*)\}\s*=/gm)) {
    for (const part of m[1]!.split(","))
      if (part.trim()) starts.push({ name: part.split(":").pop()!.trim(), at: m.index! });
  }
  const bounds = [...src.matchAll(/^export\s/gm)].map((m) => m.index!).concat(src.length);
  const out = new Map<string, string>();
  for (const s of starts) {
    if (file.endsWith("route.ts") && !HTTP_METHODS.has(s.name)) continue; // route config (dynamic, runtime)
    out.set(
      s.name,
      src.slice(
        s.at,
        bounds.find((b) => b > s.at),
      ),
    );
  }
  return out;
}
export const appFiles = () =>
  filesUnder(path.join(ROOT, "app"), (n) => n === "actions.ts" || n === "route.ts")
    .map(rel)
    .sort();
export const calls = (body: string, fn: string) => new RegExp(`\\b${fn}\\s*\\(`).test(body);

/**
 * The session is checked before the call: a person who has left (resolveActor: null) never reaches it.
 * A server action built with actorAction (lib/action) has it checked there, before the call it wraps
 * runs (lib/action/action.test.ts: without a session nothing runs).
 */
export function sessionCheckedBefore(body: string, fn: string): boolean {
  const at = body.search(new RegExp(`\\b${fn}\\s*\\(`));
  const guard = body.search(
    /await\s+requireActor\(\)|\bactorAction(?:\.preview)?\(|\bapiRoute\(|const\s+actor\s*=\s*await\s+\w+\(\)\s*;\s*if\s*\(\s*!actor\s*\)/,
  );
  return at >= 0 && guard >= 0 && guard < at;
}

/** Where an entry point's calls are made: its own body, or the lib function it hands the request to (`via`). */
export function callSite(
  file: string,
  name: string,
  body: string,
  point: EntryPoint,
): { where: string; body: string; src: string } {
  if (!point.via) return { where: `${file} ${name}`, body, src: fs.readFileSync(path.join(ROOT, file), "utf8") };
  const [viaFile, viaFn] = point.via.split(" ") as [string, string];
  expect(calls(body, viaFn), `${file} ${name} hands the request to ${viaFn}`).toBe(true);
  const viaBody = exportsOf(path.join(ROOT, viaFile)).get(viaFn);
  expect(viaBody, `${point.via} exists`).toBeDefined();
  return { where: point.via, body: viaBody!, src: fs.readFileSync(path.join(ROOT, viaFile), "utf8") };
}

export const MUTATIONS = new Set(MATRIX.map((r) => r.fn));
