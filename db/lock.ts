import fs from "node:fs";
import path from "node:path";

export class DataDirBusyError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `Steward's embedded database in ${dir} is in use by another process (pid ${pid}). ` +
        `Only one process may open it at a time: stop that process (for example the running app) and try again, ` +
        `or set DATABASE_URL to use a PostgreSQL server, which any number of processes can share.`,
    );
    this.name = "DataDirBusyError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite does not lock its folder, and two processes on one folder silently lose writes, so a
 * lock file holding the owner's pid guards it. A lock left by a dead process is taken over.
 * Returns the function that releases it (also run at process exit).
 */
export function acquireDataDirLock(dir: string): () => void {
  const lockPath = path.join(dir, "steward.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        try {
          if (fs.readFileSync(lockPath, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.on("exit", release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new DataDirBusyError(dir, pid);
      fs.rmSync(lockPath, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`Could not take the lock on ${lockPath}`);
}
