import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRY_POINTS, MATRIX, NOT_ACTOR_CALLS, PLUMBING, READS, rowName, STEPS } from "./matrix";

import {
  actorFunctions,
  appFiles,
  callSite,
  calls,
  exportsOf,
  MUTATIONS,
  ROOT,
  sessionCheckedBefore,
} from "./code-scan";
import { DRIVERS } from "./drivers";

// The matrix against the code: every (db, actor) function of lib/ and every server action and route
// handler of app/ must be in it (lib/authz/matrix.ts), with a driver for every row.

describe("the matrix covers the code", () => {
  it("has a driver for every row, and a row for every driver", () => {
    expect(Object.keys(DRIVERS).sort()).toEqual(MATRIX.map(rowName).sort());
  });

  it("every exported lib/ function taking a Database and an Actor is a mutation with its cells or a named read; no row names a function that is gone", () => {
    const found = actorFunctions();
    const missing = [...found.keys()].filter((fn) => !MUTATIONS.has(fn) && !(fn in READS) && !(fn in STEPS));
    expect(
      missing,
      "add these to lib/authz: a row of rows-*.ts (a mutation, with its cells), READS or STEPS (entry-points.ts)",
    ).toEqual([]);
    const doors = fs
      .readdirSync(path.join(ROOT, "lib"))
      .map((d) => path.join(ROOT, "lib", d, "index.ts"))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    for (const fn of Object.keys(STEPS)) {
      expect(found.has(fn), `${fn} (STEPS) still exists`).toBe(true);
      expect(new RegExp(`\\b${fn}\\b`).test(doors), `${fn} (STEPS) is not exported by a domain's door`).toBe(false);
    }
    for (const fn of MUTATIONS)
      expect(found.get(fn), `${fn} is exported from ${MATRIX.find((r) => r.fn === fn)!.file}`).toBe(
        MATRIX.find((r) => r.fn === fn)!.file,
      );
    for (const fn of Object.keys(READS)) expect(found.has(fn), `${fn} (READS) still exists`).toBe(true);
    for (const fn of MUTATIONS) expect(fn in READS, `${fn} is both a mutation and a read`).toBe(false);
  });

  it("every server action and route handler is mapped to the lib functions it calls, and really calls them", () => {
    const files = appFiles();
    expect(
      Object.keys(ENTRY_POINTS).filter((f) => !files.includes(f)),
      "entry point files that no longer exist",
    ).toEqual([]);
    const known = new Set([...MUTATIONS, ...Object.keys(READS), ...Object.keys(NOT_ACTOR_CALLS)]);
    for (const file of files) {
      const exported = exportsOf(path.join(ROOT, file));
      const mapped = ENTRY_POINTS[file] ?? {};
      expect(
        [...exported.keys()].filter((n) => !(n in mapped)),
        `${file}: exports missing from ENTRY_POINTS in lib/authz/entry-points.ts`,
      ).toEqual([]);
      expect(
        Object.keys(mapped).filter((n) => !exported.has(n)),
        `${file}: ENTRY_POINTS names exports that are gone`,
      ).toEqual([]);
      for (const [name, body] of exported) {
        const point = mapped[name]!;
        if (!point.calls.length)
          expect(point.note, `${file} ${name}: say why it calls no domain function`).toBeTruthy();
        const site = callSite(file, name, body, point);
        for (const fn of point.calls) {
          expect(
            known.has(fn),
            `${site.where} calls ${fn}, which is neither a mutation, a read nor a known non-actor call`,
          ).toBe(true);
          expect(
            new RegExp(`import[^;]*\\b${fn}\\b[^;]*from`).test(site.src),
            `${site.where}: its file imports ${fn}`,
          ).toBe(true);
          expect(calls(site.body, fn), `${site.where} calls ${fn}`).toBe(true);
          if (MUTATIONS.has(fn))
            expect(sessionCheckedBefore(site.body, fn), `${site.where} checks the session before ${fn}`).toBe(true);
        }
        // Whatever it imports from lib/ is a mutation, a read, a known non-actor call or named plumbing.
        const vias = new Set(Object.values(mapped).flatMap((p) => (p.via ? [p.via.split(" ")[1]!] : [])));
        const imported = [
          ...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/import\s*\{([^}]*)\}\s*from\s*"@\/lib\/[^"]+"/g),
        ].flatMap((m) =>
          m[1]!
            .split(",")
            .map((x) => x.trim())
            .filter((x) => x && !x.startsWith("type "))
            .map((x) => x.split(/\s+as\s+/)[0]!.trim()),
        );
        const unknown = imported.filter((n) => /^[a-z]/.test(n) && !known.has(n) && !(n in PLUMBING) && !vias.has(n));
        expect(
          unknown,
          `${file}: imports from lib/ that are in neither MATRIX, READS, NOT_ACTOR_CALLS nor PLUMBING (lib/authz/entry-points.ts)`,
        ).toEqual([]);
        // And nothing it calls is left out of the map.
        const unmapped = [...known].filter(
          (fn) => (calls(body, fn) || calls(site.body, fn)) && !point.calls.includes(fn),
        );
        expect(unmapped, `${site.where} calls these too: add them to its ENTRY_POINTS entry`).toEqual([]);
      }
    }
  });
});
