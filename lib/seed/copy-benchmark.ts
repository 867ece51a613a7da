import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";

/**
 * The yardstick for the seed: how long a bare bulk load of the same identity rows takes.
 * Dumps `identities` with COPY TO STDOUT into a temporary file (streamed, so memory stays flat
 * at a million rows), then times COPY FROM STDIN of those bytes into a scratch table created
 * LIKE identities INCLUDING ALL (same indexes, checks and defaults; no foreign keys), and drops
 * it. Only the COPY FROM is timed.
 */
export async function timeIdentityCopy(
  client: postgres.Sql,
  log: (s: string) => void,
): Promise<{ copyMs: number; bytes: number }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "steward-seed-copy-"));
  const file = path.join(dir, "identities.copy");
  const scratch = `steward_seed_copy_${randomBytes(4).toString("hex")}`;
  try {
    const dump = await client`COPY identities TO STDOUT`.readable();
    await pipeline(dump, fs.createWriteStream(file));
    // postgres.js 3.4 can leave the socket paused when the last CopyData and CopyDone arrive in
    // one chunk while the stream is applying backpressure; the next query on that connection
    // then hangs (porsager/postgres#499, fix pending in #1016). Its read() only resumes the
    // socket, so calling it once after the end is a harmless nudge.
    (dump as unknown as { _read(size: number): void })._read(0);
    const bytes = (await fs.promises.stat(file)).size;
    await client.unsafe(`CREATE TABLE ${scratch} (LIKE identities INCLUDING ALL)`);
    log(`copy: dumped ${(bytes / 1024 / 1024).toFixed(1)} MB of identity rows; timing COPY into ${scratch}`);
    const t0 = performance.now();
    await pipeline(
      fs.createReadStream(file, { highWaterMark: 1 << 20 }),
      await client.unsafe(`COPY ${scratch} FROM STDIN`).writable(),
    );
    const copyMs = performance.now() - t0;
    return { copyMs, bytes };
  } finally {
    await client.unsafe(`DROP TABLE IF EXISTS ${scratch}`);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
