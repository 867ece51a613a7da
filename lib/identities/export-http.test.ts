import { beforeAll, describe, expect, it } from "vitest";
import { appPoolLimits, exportClientOf, openPostgres } from "@/db";
import { actorOf, auditCount, refusal, testDatabase } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { exportIdentitiesCsv } from "./export";
import { exportRequest } from "./export-http";
import { EXPORTS_AT_ONCE } from "./export-slots";
import { parseInventoryFilter } from "./inventory-filter";

// The CSV export is a POST from Steward's own page: another site cannot start it (403, nothing
// audited), and a person runs at most two at once (429 for a third, nothing audited), counted
// across processes on PostgreSQL (advisory locks on the export's session), in-process embedded.

let olivia: Actor;
let sam: Actor;
const conn = testDatabase({ identities: 60 });
beforeAll(async () => {
  olivia = await actorOf(conn.db, "olivia");
  sam = await actorOf(conn.db, "sam");
});

const EXPORTED = "identities.exported";

function post(actor: Actor | null, headers: Record<string, string>, form: Record<string, string> = {}) {
  const request = new Request("http://steward.test/identities/export", {
    method: "POST",
    body: new URLSearchParams(form).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
  let asked = false;
  const response = exportRequest(conn.db, request, async () => {
    asked = true;
    return actor;
  });
  return { response, actorWasRead: () => asked };
}
const SAME_ORIGIN = { "sec-fetch-site": "same-origin", origin: "http://steward.test" };

describe("POST /identities/export from another site", () => {
  it("is refused with 403 before the session is read, and writes no audit event", async () => {
    const before = await auditCount(conn.db, EXPORTED);
    const attempts: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { "sec-fetch-site": "same-site", origin: "https://evil.steward.test" },
      { "sec-fetch-site": "none" },
      { origin: "https://evil.example" }, // an older browser: no Sec-Fetch-Site, a foreign Origin
      { origin: "null" }, // a sandboxed frame or a data: page
      {}, // neither header: not a browser form
    ];
    for (const headers of attempts) {
      const { response, actorWasRead } = post(olivia, headers, { env: "production" });
      const res = await response;
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toMatch(/came from elsewhere and was refused/);
      expect(actorWasRead()).toBe(false);
    }
    expect(await auditCount(conn.db, EXPORTED)).toBe(before);
  });

  it("from Steward's own page it streams the CSV of the posted filter and is audited once", async () => {
    const before = await auditCount(conn.db, EXPORTED);
    for (const headers of [SAME_ORIGIN, { origin: "http://steward.test", host: "steward.test" }]) {
      const res = await post(sam, headers, { env: "production", kind: "api_key" }).response;
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(
        /^attachment; filename="steward-identities-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const lines = (await res.text()).trim().split("\n");
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines.slice(1)) expect(line).toMatch(/,api_key,.*,production,/);
    }
    expect(await auditCount(conn.db, EXPORTED)).toBe(before + 2);
  });

  it("a bad filter is a 400 with the message; no session, no export", async () => {
    expect((await post(null, SAME_ORIGIN).response).status).toBe(401);
    const res = await post(sam, SAME_ORIGIN, { q: "pay\u0000" }).response;
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^Some filters are not valid\.\nq: Remove the NUL character/);
  });
});

describe("at most two exports per person at once", () => {
  it("a third is refused with 429 and not audited; when one ends another may start; others are not held up", async () => {
    const before = await auditCount(conn.db, EXPORTED);
    const running: ReadableStream<Uint8Array>[] = [];
    for (let i = 0; i < EXPORTS_AT_ONCE; i++) {
      const res = await post(olivia, SAME_ORIGIN).response;
      expect(res.status).toBe(200);
      running.push(res.body!);
    }
    const third = await post(olivia, SAME_ORIGIN).response;
    expect(third.status).toBe(429);
    expect(await third.text()).toBe("You already have 2 exports running; wait for one to finish, then try again.");
    // The domain function says the same to any other caller.
    expect((await refusal(exportIdentitiesCsv(conn.db, olivia, parseInventoryFilter({})))).code).toBe("too_many");
    expect(await auditCount(conn.db, EXPORTED)).toBe(before + 2);

    // Sam is not Olivia: his export runs while hers wait.
    expect(await (await post(sam, SAME_ORIGIN).response).text()).toMatch(/^id,name,/);

    // One of Olivia's is read to the end, the other abandoned by its reader: both slots are free again.
    await new Response(running[0]).text();
    await running[1]!.cancel();
    const again = [await post(olivia, SAME_ORIGIN).response, await post(olivia, SAME_ORIGIN).response];
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    for (const r of again) await r.body!.cancel();
    expect(await auditCount(conn.db, EXPORTED)).toBe(before + 5);
  });
});

describe.skipIf(!process.env.DATABASE_URL)("PostgreSQL: several app workers", () => {
  it("the two slots are counted across workers (each its own pool), not per process", async () => {
    const other = openPostgres(conn.url!, { max: 2 }); // a second node:cluster worker on the same database
    try {
      const here = await exportIdentitiesCsv(conn.db, olivia, parseInventoryFilter({}));
      const there = await exportIdentitiesCsv(other.db, olivia, parseInventoryFilter({}));
      expect((await refusal(exportIdentitiesCsv(other.db, olivia, parseInventoryFilter({})))).code).toBe("too_many");
      expect((await refusal(exportIdentitiesCsv(conn.db, olivia, parseInventoryFilter({})))).code).toBe("too_many");
      await there.stream.cancel();
      const next = await exportIdentitiesCsv(conn.db, olivia, parseInventoryFilter({}));
      await Promise.all([here.stream.cancel(), next.stream.cancel()]);
    } finally {
      await other.close();
    }
  });

  it("the export's own sessions and the app's pool carry statement and idle timeouts", async () => {
    const exportPool = exportClientOf(conn.db)!;
    const [e] = await exportPool<
      { st: string; idle: string; app: string }[]
    >`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('application_name') AS app`;
    expect(e).toEqual({ st: "5min", idle: "1min", app: "steward-export" });
    const app = openPostgres(conn.url!, { max: 1, limits: appPoolLimits() });
    try {
      const client = app.client as typeof exportPool;
      const [a] = await client<
        { st: string; idle: string }[]
      >`SELECT current_setting('statement_timeout') AS st, current_setting('idle_in_transaction_session_timeout') AS idle`;
      expect(a).toEqual({ st: "1min", idle: "1min" });
    } finally {
      await app.close();
    }
  });
});
