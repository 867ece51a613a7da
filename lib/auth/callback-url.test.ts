import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirect } from "./callback-url";

describe("the sign-in callbackUrl", () => {
  it.each([
    ["/", "/"],
    ["/identities", "/identities"],
    ["/identities?owner=abc&sort=-risk#top", "/identities?owner=abc&sort=-risk#top"],
    [
      "/requests/new?identity=6f1c0b1e-0000-4000-8000-000000000000",
      "/requests/new?identity=6f1c0b1e-0000-4000-8000-000000000000",
    ],
    ["/identities?q=a%2Fb", "/identities?q=a%2Fb"],
    ["/signin?error=AccessDenied", "/signin?error=AccessDenied"],
  ])("keeps the same-origin path %s", (input, expected) => {
    expect(safeCallbackUrl(input)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "//evil.example/path",
    "/.//evil.example",
    "/..//evil.example",
    "/a/..//evil.example",
    "/%2e//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2F%2Fevil",
    "/%2f/evil",
    "/%252F%252Fevil",
    "/%255Cevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    " /identities",
    "https://evil.example",
    "http://evil.example/identities",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "identities",
    "/%E0%A4%A", // malformed escape
    "",
  ])("refuses %j", (input) => {
    expect(safeCallbackUrl(input)).toBe("/");
  });

  it("refuses what is not a string", () => {
    for (const input of [undefined, null, 42, ["/identities"], { toString: () => "/x" }])
      expect(safeCallbackUrl(input)).toBe("/");
  });

  it("Auth.js redirects stay on this origin", () => {
    const base = "http://localhost:3000";
    expect(safeRedirect("/identities", base)).toBe(`${base}/identities`);
    expect(safeRedirect(`${base}/requests?x=1`, base)).toBe(`${base}/requests?x=1`);
    expect(safeRedirect("/\\evil.example", base)).toBe(`${base}/`);
    expect(safeRedirect("https://evil.example/", base)).toBe(base);
    expect(safeRedirect(`${base}/%2F%2Fevil`, base)).toBe(`${base}/`);
    expect(safeRedirect("javascript:alert(1)", base)).toBe(base);
    expect(safeRedirect("not a url", base)).toBe(base);
  });
});
