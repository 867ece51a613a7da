#!/usr/bin/env node
// Serves the built app: one Next.js server per worker process, all on one port.
//
// A Node process renders on one core, so on PostgreSQL Steward runs one worker per core (up to
// four; STEWARD_WORKERS overrides): the workers are stateless and share the listening socket
// (node:cluster). The embedded database belongs to one process, so embedded always runs one.
import cluster from "node:cluster";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

process.env.NODE_ENV = "production";
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 3000);
const embedded = !process.env.DATABASE_URL;

function workerCount() {
  const asked = process.env.STEWARD_WORKERS;
  if (embedded) {
    if (asked && asked !== "1")
      console.warn("steward: STEWARD_WORKERS is ignored on the embedded database (one process owns it)");
    return 1;
  }
  if (asked) {
    const n = Number(asked);
    if (!Number.isInteger(n) || n < 1 || n > 64) {
      console.error(`steward: STEWARD_WORKERS must be a whole number from 1 to 64, not "${asked}"`);
      process.exit(2);
    }
    return n;
  }
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

async function serve() {
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => handle(req, res));
  server.listen(port);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Requests still running get a few seconds to finish.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

const workers = workerCount();
if (workers === 1 || !cluster.isPrimary) {
  await serve();
} else {
  let stopping = false;
  const started = new Map();
  const fork = () => started.set(cluster.fork().id, Date.now());
  for (let i = 0; i < workers; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A worker that dies soon after starting would die again: stop rather than spin.
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    console.error(
      `steward: worker ${worker.process.pid} exited (${signal ?? code}) after ${Math.round(lived / 1000)} s`,
    );
    if (lived < 10_000) {
      console.error("steward: it failed at start; stopping");
      process.exit(1);
    }
    fork();
  });
  const stopAll = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGTERM", stopAll);
  process.on("SIGINT", stopAll);
  console.log(`steward: ${workers} workers`);
}
