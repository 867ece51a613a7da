/** Small statistics and printing helpers shared by the `steward bench` commands. */
import type { PersonaKey } from "@/lib/auth";

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p% of samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** What bench inventory and bench requests both take: runs, the HTTP leg's server and load, where output goes. */
export type BenchOptions = {
  runs: number;
  port: number;
  http: boolean;
  users: number;
  perUser: number;
  out: (s: string) => void;
  log: (s: string) => void;
};

export type Summary = { n: number; p50: number; p95: number; max: number };

export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), max: Math.max(...samples) };
}

/** Times `fn` `runs` times after `warmup` unmeasured runs; milliseconds per run. */
export async function timeRuns(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Times `a` and `b` in turns, `runs` times each after `warmup` unmeasured turns; milliseconds per run. */
export async function timeAlternating(
  runs: number,
  warmup: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < warmup + runs; i++) {
    for (const [fn, into] of [
      [a, out.a],
      [b, out.b],
    ] as const) {
      const t0 = performance.now();
      await fn();
      if (i >= warmup) into.push(performance.now() - t0);
    }
  }
  return out;
}

export const ms = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(v < 10 ? 2 : 1)) : null);
export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? Number((a / b).toFixed(2)) : null);

/** A plain-text table: the first row is the header; columns padded to their widest cell. */
export function table(rows: (string | number | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? "—" : String(c))));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** A measured view as one row of a table: key, label, the persona who looks, and the URL's query. */
export type ViewRow<P> = readonly [key: string, label: string, persona: PersonaKey, params: P];
export const viewTable = <P>(rows: readonly ViewRow<P>[]) =>
  rows.map(([key, label, persona, params]) => ({ key, label, persona, params }));
