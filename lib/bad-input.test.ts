import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "@/db";
import { auditCount, curatedId, refusal, testDatabase } from "@/lib/testing";
import { listAuditEvents, parseAuditFilter } from "@/lib/audit/query";
import { DomainError } from "@/lib/errors";
import { suggestFilterValues } from "@/lib/identities/facets";
import { editPurpose } from "@/lib/identities/identity-actions";
import { changePolicySetting } from "@/lib/policy/settings-admin";
import { decideStage } from "@/lib/requests/decide";
import { submitRequest } from "@/lib/requests/submit";
import { bulkRevoke } from "@/lib/revocations/bulk";
import { confirmManualRevocation } from "@/lib/revocations/confirm";
import { requestRevocation } from "@/lib/revocations/request";
import { configureConnector, retireSystem } from "@/lib/systems/systems";
import { listIdentities } from "@/lib/identities/inventory";
import { parseInventoryFilter } from "@/lib/identities/inventory-filter";
import { encodeCursor } from "@/lib/identities/inventory-query";
import { listPeople, parsePeopleQuery } from "@/lib/people/people";
import { listRequests, parseQueueFilter } from "@/lib/requests/queue";
import { listRevocations, parseRevocationFilter } from "@/lib/revocations/list";
import { NUL_MESSAGE } from "@/lib/validation";

// Bad input is a clear answer, never a 500: every list's cursor and date is parsed before SQL
// (a value that passes a regex but not PostgreSQL's cast, "2026-02-30" or "----…", included),
// and text holding a NUL, which PostgreSQL cannot store or compare, is refused with a message.
// Each case goes through the domain function too, with the filter built by hand, as a caller
// that skipped the parser would: a DomainError or a clean page, nothing else.

const conn = testDatabase({ identities: 60 });
const a = conn.personas;

const ID = "6f1c0b1e-0000-4000-8000-000000000000";
const BROKEN = "That page link is broken; start again from the first page.";
/** A page token as every list writes one (lib/paging): base64url of a JSON tuple. */
const token = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
/** Instants a regex like \d{4}-\d{2}-\d{2}T… accepts and `::timestamptz` refuses (or Date shifts). */
const BAD_INSTANTS = [
  "2026-02-30T00:00:00.000Z",
  "2026-13-01T00:00:00.000Z",
  "2026-01-01T24:00:00.000Z",
  "0000-01-01T00:00:00.000Z",
  "2026-01-01T00:00:60.000Z",
];
const BAD_IDS = [
  "------------------------------------",
  "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
  "6f1c0b1e-0000-4000-8000-00000000000",
];

/** The DomainError a call fails with (a thrown non-DomainError fails the test). */
function refusedSync(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("a bad cursor or date in each list", () => {
  it("revocations: refused by the parser and by listRevocations", async () => {
    const bad = [
      ...BAD_INSTANTS.map((t) => token([t, ID])),
      ...BAD_IDS.map((id) => token(["2026-01-01T00:00:00.000Z", id])),
      token(["2026-01-01T00:00:00.000Z", ID, "x"]),
      `2026-01-01T00:00:00.000Z_${ID}`,
      "x",
    ];
    for (const after of bad) {
      expect(refusedSync(() => parseRevocationFilter({ after })).fieldErrors, after).toEqual({ after: [BROKEN] });
      const e = await refusal(listRevocations(conn.db, a.sam, { after }));
      expect(e.code, after).toBe("invalid");
    }
    expect(
      await listRevocations(conn.db, a.sam, parseRevocationFilter({ after: token(["2026-01-01T00:00:00.000Z", ID]) })),
    ).toEqual([]);
  });

  it("request queues: refused by the parser and by listRequests", async () => {
    const at = new Date();
    const cases: [Record<string, string>, string][] = [
      ...BAD_INSTANTS.map((t): [Record<string, string>, string] => [{}, token([t, ID])]),
      ...BAD_INSTANTS.map((t): [Record<string, string>, string] => [{ sort: "type" }, token(["new_identity", t, ID])]),
      ...BAD_IDS.map((id): [Record<string, string>, string] => [
        { sort: "status" },
        token(["pending", "2026-01-01T00:00:00.000Z", id]),
      ]),
      // A token of another sort: it would skip or repeat rows.
      [{ sort: "status" }, token(["2026-01-01T00:00:00.000Z", ID])],
    ];
    for (const [params, after] of cases) {
      expect(refusedSync(() => parseQueueFilter({ queue: "all", ...params, after })).fieldErrors?.after, after).toEqual(
        [BROKEN],
      );
      const f = { ...parseQueueFilter({ queue: "all", ...params }), after };
      expect((await refusal(listRequests(conn.db, a.sam, f, at))).code, after).toBe("invalid");
    }
    const fine = await listRequests(
      conn.db,
      a.sam,
      parseQueueFilter({ queue: "all", after: token(["2000-01-01T00:00:00.000Z", ID]) }),
      at,
    );
    expect(fine.length).toBeGreaterThan(0);
  });

  it("people: a broken page link is ignored like an absent one; a search with a NUL is refused", async () => {
    const first = await listPeople(conn.db, a.ada, { q: "" }, 5);
    for (const after of [
      token(["Ada", BAD_IDS[0]]),
      token(["Ada\u0000", ID]),
      token(["Ada", ID, 1].slice(0, 1)),
      "not base64 json",
      token({ name: "Ada", id: ID }),
    ]) {
      expect((await listPeople(conn.db, a.ada, { q: "", after }, 5)).people, after).toEqual(first.people);
    }
    expect(refusedSync(() => parsePeopleQuery({ q: "ada\u0000" })).fieldErrors).toEqual({ q: [NUL_MESSAGE] });
    expect((await refusal(listPeople(conn.db, a.ada, { q: "ada\u0000" }))).fieldErrors).toEqual({ q: [NUL_MESSAGE] });
    expect(parsePeopleQuery({ q: ["olivia", "x"] })).toEqual({ q: "olivia" });
  });

  it("audit log: dates that do not exist or do not cast are a message, for the parser and listAuditEvents", async () => {
    for (const [field, value] of [
      ["from", "x"],
      ["from", "2026-02-30"],
      ["from", "0000-01-01"],
      ["to", "9999-12-31"],
      ["to", "+02026-01-01"],
      ["before", "abc"],
      ["after", "-1"],
      ["after", "1e400"],
    ] as const) {
      expect(
        Object.keys(refusedSync(() => parseAuditFilter({ [field]: value })).fieldErrors ?? {}),
        `${field}=${value}`,
      ).toEqual([field]);
      const f = { ...parseAuditFilter({}), [field]: value } as ReturnType<typeof parseAuditFilter>;
      expect((await refusal(listAuditEvents(conn.db, a.ari, f))).code, `${field}=${value}`).toBe("invalid");
    }
    for (const field of ["actor", "action", "subjectType", "subjectId"]) {
      expect(refusedSync(() => parseAuditFilter({ [field]: "a\u0000b" })).fieldErrors).toEqual({
        [field]: [NUL_MESSAGE],
      });
    }
    // A member's bad filter is still "not for you", never a failure.
    expect((await refusal(listAuditEvents(conn.db, a.olivia, { ...parseAuditFilter({}), from: "x" }))).code).toBe(
      "forbidden",
    );
    expect(
      (await listAuditEvents(conn.db, a.ari, parseAuditFilter({ from: "2000-02-29", to: "9998-12-31" }))).events.length,
    ).toBeGreaterThan(0);
  });

  it("inventory: instants that do not cast and text holding a NUL are broken page links or refused filters", async () => {
    const list = (params: Record<string, string>) =>
      listIdentities(conn.db, a.sam, parseInventoryFilter(params), { withTotal: false });
    const id = curatedId("olivia-payments-api");
    for (const v of BAD_INSTANTS) {
      for (const sort of ["expires", "lastUsed", "created", "nextReview"]) {
        const e = await refusal(list({ sort, after: encodeCursor({ v, id }) }));
        expect(e.fieldErrors, `${sort} ${v}`).toEqual({ after: [BROKEN] });
      }
    }
    expect((await refusal(list({ sort: "name", before: encodeCursor({ v: "pay\u0000", id }) }))).fieldErrors).toEqual({
      before: [BROKEN],
    });
    for (const field of ["q", "team"]) {
      expect(refusedSync(() => parseInventoryFilter({ [field]: "pay\u0000ments" })).fieldErrors, field).toEqual({
        [field]: [NUL_MESSAGE],
      });
    }
    const good = await list({ sort: "expires", after: encodeCursor({ v: "2026-02-28T00:00:00.000Z", id }) });
    expect(Array.isArray(good.rows)).toBe(true);
  });
});

describe("NUL bytes in free text", () => {
  it("the filter suggestions answer nothing for a NUL instead of failing", async () => {
    expect(await suggestFilterValues(conn.db, a.olivia, { kind: "team", q: "Pay\u0000" })).toEqual([]);
    expect((await suggestFilterValues(conn.db, a.olivia, { kind: "team", q: "Pay" })).map((s) => s.value)).toContain(
      "Payments",
    );
  });
});

describe("NUL bytes in every free-text field of a change", () => {
  it("each is refused with the NUL message, naming the field, and nothing changes or is audited", async () => {
    const id = curatedId("olivia-payments-api");
    const [system] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT system_id AS id FROM identities WHERE id = ${id}::uuid`,
    );
    const [pending] = await queryRows<{ id: string }>(
      conn.db,
      sql`SELECT id FROM requests WHERE status = 'pending' LIMIT 1`,
    );
    const rows = async () =>
      (
        await queryRows<{ n: number }>(
          conn.db,
          sql`SELECT (SELECT count(*) FROM revocations) + (SELECT count(*) FROM requests) + (SELECT count(*) FROM stage_decisions) AS n`,
        )
      )[0]!.n;
    const before = { events: await auditCount(conn.db), rows: await rows() };
    const nul = "not\u0000 allowed here at all";
    const cases: [string, string, Promise<unknown>][] = [
      ["identity purpose", "purpose", editPurpose(conn.db, a.olivia, { id, purpose: nul })],
      ["revocation reason", "reason", requestRevocation(conn.db, a.olivia, { identityId: id, reason: nul })],
      ["bulk revocation reason", "reason", bulkRevoke(conn.db, a.olivia, { ids: [id], reason: nul })],
      [
        "manual confirmation evidence",
        "evidence",
        confirmManualRevocation(conn.db, a.sam, { revocationId: ID, evidence: nul }),
      ],
      [
        "decision comment",
        "comment",
        decideStage(conn.db, a.sam, { requestId: pending!.id, decision: "deny", comment: nul }),
      ],
      [
        "request justification",
        "justification",
        submitRequest(conn.db, a.olivia, {
          type: "grant_entitlement",
          identityId: id,
          resource: "s3://ledger",
          permission: "read",
          justification: nul,
        }),
      ],
      [
        "request resource",
        "resource",
        submitRequest(conn.db, a.olivia, {
          type: "grant_entitlement",
          identityId: id,
          resource: "s3://\u0000",
          permission: "read",
          justification: "Reconciliation needs it",
        }),
      ],
      [
        "retirement reason",
        "reason",
        retireSystem(conn.db, a.ada, { systemId: system!.id, confirmCount: 1, reason: nul }),
      ],
      [
        "connector URL",
        "url",
        configureConnector(conn.db, a.ada, {
          systemId: system!.id,
          connector: "webhook",
          url: "https://hooks.example/\u0000",
          secret: "0123456789abcdef0123",
        }),
      ],
      [
        "setting value",
        "privilegedPermissions",
        changePolicySetting(conn.db, a.sam, { field: "privilegedPermissions", value: JSON.stringify(["admin\u0000"]) }),
      ],
    ];
    for (const [what, field, call] of cases) {
      const e = await refusal(call);
      expect(e.code, what).toBe("invalid");
      expect(JSON.stringify(e.fieldErrors?.[field]), what).toContain("Remove the NUL character");
    }
    expect(await auditCount(conn.db)).toBe(before.events);
    expect(await rows()).toBe(before.rows);
  });
});
