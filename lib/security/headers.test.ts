import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, originOf, securityHeaders, servedOverHttps } from "./headers";

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!, values.join(" ")];
      }),
  );
}

describe("security headers", () => {
  it("gives every call a fresh nonce, and the CSP carries it with strict-dynamic", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => newNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);

    const [a, b] = [newNonce(), newNonce()];
    const first = securityHeaders({ nonce: a, https: false })["Content-Security-Policy"];
    const second = securityHeaders({ nonce: b, https: false })["Content-Security-Policy"];
    expect(first).not.toBe(second);
    expect(directives(first).get("script-src")).toBe(`'self' 'nonce-${a}' 'strict-dynamic'`);
    expect(directives(second).get("script-src")).toBe(`'self' 'nonce-${b}' 'strict-dynamic'`);
  });

  it("locks down everything else the brief names, with no eval outside development", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "n", https: false }));
    expect(Object.fromEntries(csp)).toEqual({
      "default-src": "'self'",
      "script-src": "'self' 'nonce-n' 'strict-dynamic'",
      "style-src": "'self' 'nonce-n'",
      "img-src": "'self' data:",
      "font-src": "'self'",
      "connect-src": "'self'",
      "object-src": "'none'",
      "base-uri": "'none'",
      "frame-ancestors": "'none'",
      "form-action": "'self'",
    });
    expect(directives(contentSecurityPolicy({ nonce: "n", https: false, dev: true })).get("script-src")).toContain(
      "'unsafe-eval'",
    );
  });

  it("lets a sign-in form reach the identity provider", () => {
    const csp = directives(
      contentSecurityPolicy({
        nonce: "n",
        https: false,
        formTargets: originOf("https://login.example.com/realms/main"),
      }),
    );
    expect(csp.get("form-action")).toBe("'self' https://login.example.com");
    expect(originOf("not a url")).toEqual([]);
    expect(originOf(undefined)).toEqual([]);
  });

  it("adds HSTS and upgrade-insecure-requests over https, and neither over http", () => {
    const https = securityHeaders({ nonce: "n", https: true });
    expect(https["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    expect(directives(https["Content-Security-Policy"]).has("upgrade-insecure-requests")).toBe(true);

    const http = securityHeaders({ nonce: "n", https: false });
    expect(http).not.toHaveProperty("Strict-Transport-Security");
    expect(directives(http["Content-Security-Policy"]).has("upgrade-insecure-requests")).toBe(false);
  });

  it("always sends nosniff, a same-origin referrer, no framing and denied device features", () => {
    for (const https of [true, false]) {
      const h = securityHeaders({ nonce: "n", https });
      expect(h["X-Content-Type-Options"]).toBe("nosniff");
      expect(h["Referrer-Policy"]).toBe("same-origin");
      expect(h["X-Frame-Options"]).toBe("DENY");
      for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"])
        expect(h["Permissions-Policy"]).toContain(`${feature}=()`);
    }
  });

  it("judges https by AUTH_URL when it is set, else by the forwarded protocol", () => {
    expect(servedOverHttps(null, "https://steward.example.com")).toBe(true);
    expect(servedOverHttps("https", "http://localhost:3000")).toBe(false);
    expect(servedOverHttps("http", undefined)).toBe(false);
    expect(servedOverHttps(null, undefined)).toBe(false);
    expect(servedOverHttps("https", undefined)).toBe(true);
    expect(servedOverHttps("HTTPS, http", "")).toBe(true);
    expect(servedOverHttps("http", "not a url")).toBe(false);
  });
});
