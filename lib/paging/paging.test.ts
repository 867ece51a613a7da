import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "@/lib/errors";
import {
  BROKEN_CURSOR,
  cursorParam,
  decodeCursor,
  encodeCursor,
  flag,
  href,
  idPart,
  instantPart,
  isoDayParam,
  pageSize,
  readCursor,
  searchInput,
} from "@/lib/paging";

const ID = "6f1c0b1e-0000-4000-8000-000000000000";
const TUPLE = z.tuple([instantPart, idPart]);

describe("the page cursor", () => {
  it("round-trips a tuple through an opaque URL-safe token", () => {
    const token = encodeCursor(["2026-11-23T10:00:00.000Z", ID]);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(TUPLE, token)).toEqual(["2026-11-23T10:00:00.000Z", ID]);
    // Non-ASCII text survives (names sort and page by them).
    expect(readCursor(z.tuple([z.string(), idPart]), encodeCursor(["Zoë ✓", ID]))).toEqual(["Zoë ✓", ID]);
    // The same bytes Node's base64url writes, so tokens are stable whoever encodes them.
    expect(token).toBe(Buffer.from(JSON.stringify(["2026-11-23T10:00:00.000Z", ID])).toString("base64url"));
  });

  it("a tampered, garbage or wrong-shaped token is a clear broken page link naming its field, never a value", () => {
    const good = encodeCursor(["2026-11-23T10:00:00.000Z", ID]);
    const tokens = [
      "not a cursor!",
      "a".repeat(401),
      good.slice(0, -3),
      `${good}x`,
      encodeCursor(["2026-02-30T00:00:00.000Z", ID]),
      encodeCursor(["2026-11-23T10:00:00.000Z", "------------------------------------"]),
      encodeCursor(["2026-11-23T10:00:00.000Z", ID, "extra"]),
      encodeCursor({ at: "2026-11-23T10:00:00.000Z", id: ID } as unknown as unknown[]),
      "",
    ];
    for (const token of tokens) {
      expect(readCursor(TUPLE, token), token).toBeNull();
      let error: unknown;
      try {
        decodeCursor(TUPLE, token, "before");
      } catch (e) {
        error = e;
      }
      expect(error, token).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("invalid");
      expect((error as DomainError).message).toBe(BROKEN_CURSOR);
      expect((error as DomainError).fieldErrors).toEqual({ before: [BROKEN_CURSOR] });
    }
    expect(cursorParam(TUPLE).safeParse("x").error?.issues[0]?.message).toBe(BROKEN_CURSOR);
    expect(cursorParam(TUPLE).safeParse(good).success).toBe(true);
  });
});

describe("URL parameters", () => {
  it("a page size is whole and clamped; anything else is the default", () => {
    const size = pageSize({ fallback: 50, min: 10, max: 200 });
    const cases: [unknown, number][] = [
      [undefined, 50],
      ["25", 25],
      ["12.7", 12],
      ["1", 10],
      ["0", 10],
      ["-5", 10],
      ["1000000000", 200],
      ["many", 50],
      ["Infinity", 50],
    ];
    for (const [input, expected] of cases) expect(size.parse(input), String(input)).toBe(expected);
  });

  it("a flag is 1/true/on or 0/false/off; anything else is a message", () => {
    for (const v of ["1", "true", "on", true]) expect(flag.parse(v)).toBe(true);
    for (const v of ["0", "false", "off", false]) expect(flag.parse(v)).toBe(false);
    expect(flag.safeParse("maybe").error?.issues[0]?.message).toBe("Use 1 or 0.");
  });

  it("a day must exist", () => {
    const day = isoDayParam();
    expect(day.safeParse("2028-02-29").success).toBe(true);
    for (const v of ["2026-02-30", "0000-01-01", "yesterday", "+02026-01-01"])
      expect(day.safeParse(v).error?.issues[0]?.message, v).toBe("Use a real date like 2026-11-23.");
    const field = isoDayParam({ format: "Use a date like 2026-12-31.", real: "Use a real date like 2026-12-31." });
    expect(field.safeParse("31/12/2026").error?.issues.map((i) => i.message)).toEqual(["Use a date like 2026-12-31."]);
  });

  it("search params keep the first value of a repeated key (lists keep all) and drop blanks", () => {
    expect(searchInput({ q: ["a", "b"], state: ["x", "y"], blank: " ", gone: undefined }, ["state"])).toEqual({
      q: "a",
      state: ["x", "y"],
    });
  });
});

describe("href", () => {
  it("keeps the view, drops empty values, and applies overrides", () => {
    expect(href("/requests", { queue: "all", type: "", status: undefined, size: 20 }, { sort: "type" })).toBe(
      "/requests?queue=all&size=20&sort=type",
    );
    expect(href("/revocations", { status: undefined })).toBe("/revocations");
    expect(href("/revocations", { status: "failed" }, { status: undefined })).toBe("/revocations");
  });

  it("starts again from the first page unless the link names its cursor", () => {
    const current = { q: "pay", after: "abc", before: "def", page: "3" };
    expect(href("/identities", current, { sort: "risk" })).toBe("/identities?q=pay&sort=risk");
    expect(href("/identities", current, { after: "xyz", page: 4 })).toBe("/identities?q=pay&after=xyz&page=4");
    expect(href("/identities", new URLSearchParams("q=pay&after=abc"))).toBe("/identities?q=pay");
  });
});
