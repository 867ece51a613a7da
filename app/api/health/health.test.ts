import { afterAll, describe, expect, it } from "vitest";
import { openEmbedded, setConnection } from "@/db";
import { testDatabase } from "@/lib/testing";
import { GET } from "./route";

// /api/health answers anyone, so it says up or down and nothing else: no database kind, counts,
// or the database's error text (which names hosts, roles and tables).

const conn = testDatabase();
afterAll(async () => {
  setConnection(undefined);
});

describe("GET /api/health", () => {
  it("is 200 {status: ok} when the database answers", async () => {
    setConnection(conn);
    const res = await GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("is 503 {status: down}, without the error, when the database is unmigrated or gone", async () => {
    const bare = openEmbedded(); // no migrations: "relation users does not exist"
    const closed = openEmbedded();
    await closed.close();
    try {
      for (const broken of [bare, closed]) {
        setConnection(broken);
        const res = await GET();
        expect(res.status).toBe(503);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({ status: "down" });
        expect(text).not.toMatch(/relation|users|closed|error/i);
      }
    } finally {
      setConnection(conn);
      await bare.close();
    }
  });
});
