import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The production app as the benchmark's HTTP side sees it: built if needed, started with
 * scripts/serve.mjs on the benchmark's database in demo mode (personas sign in over HTTP), stopped
 * afterwards. Its memory is read from /proc for the whole process tree.
 */
export type AppServer = { baseUrl: string; pid: number; stop(): Promise<void> };

export async function startAppServer(opts: {
  port: number;
  databaseUrl: string;
  log: (s: string) => void;
  env?: NodeJS.ProcessEnv;
}): Promise<AppServer> {
  const root = process.cwd();
  // Build output goes to stderr: stdout carries the measurements.
  const built = spawnSync(process.execPath, [path.join(root, "scripts", "build-if-needed.mjs")], {
    stdio: ["ignore", 2, 2],
    cwd: root,
    env: process.env,
  });
  if (built.status !== 0) throw new Error("building the app failed");
  const baseUrl = `http://localhost:${opts.port}`;
  // Served as `npm start` serves it (scripts/serve.mjs: one worker per core on PostgreSQL).
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "scripts", "serve.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(opts.port),
      DATABASE_URL: opts.databaseUrl,
      STEWARD_DEMO: "1",
      STEWARD_JOBS: "off",
      AUTH_URL: baseUrl,
      AUTH_SECRET: process.env.AUTH_SECRET ?? "steward-bench-secret-0123456789abcdef0123",
      ...opts.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode} before it served`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the app did not answer ${baseUrl}/api/health within 90 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  opts.log(`bench: app serving ${baseUrl} (pid ${child.pid})`);
  return {
    baseUrl,
    pid: child.pid!,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Resident memory of `pid` and all its descendants, in bytes (Linux /proc). */
export function treeRssBytes(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
      total += m ? Number(m[1]) * 1024 : 0;
    } catch {
      // gone
    }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Signs a persona in through Auth.js's demo provider and returns the Cookie header of the session. */
export async function signInOverHttp(baseUrl: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${baseUrl}/api/auth/callback/demo`, {
    method: "POST",
    headers: { cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, csrfToken, callbackUrl: "/" }),
    redirect: "manual",
  });
  keep(callback);
  await callback.arrayBuffer();
  const session = (await (await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie: cookie() } })).json()) as {
    user?: { email?: string };
  } | null;
  if (session?.user?.email !== email) throw new Error(`signing in ${email} over HTTP failed`);
  return cookie();
}
