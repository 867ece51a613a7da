import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handlers } from "@/lib/auth/next-auth";

// Auth.js (next-auth 5 beta) picks `__Secure-`/`__Host-` cookies with the Secure flag when the URL
// it answers on is https: AUTH_URL when set, else the request's URL (Next.js builds it from
// X-Forwarded-Proto). These tests hold our configuration to that, so an https deployment never
// sends a session cookie without Secure and plain-http localhost keeps working.

const env = { ...process.env };
beforeEach(() => {
  // The forged session cookie is logged as a JWTSessionError: expected here.
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  process.env = { ...env };
  vi.restoreAllMocks();
});

async function cookiesFrom(url: string, headers: Record<string, string> = {}): Promise<string[]> {
  const csrf = await handlers.GET(new NextRequest(`${url}/api/auth/csrf`, { headers }));
  // A session cookie that does not verify is cleared, which names the session cookie too.
  const session = await handlers.GET(
    new NextRequest(`${url}/api/auth/session`, {
      headers: { ...headers, cookie: "authjs.session-token=forged; __Secure-authjs.session-token=forged" },
    }),
  );
  return [...csrf.headers.getSetCookie(), ...session.headers.getSetCookie()];
}

function named(cookies: string[], name: string): string | undefined {
  return cookies.find((c) => c.startsWith(`${name}=`));
}

describe("Auth.js cookies", () => {
  it("are __Host-/__Secure- and Secure when AUTH_URL is https", async () => {
    process.env.AUTH_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
    process.env.AUTH_URL = "https://steward.example.com";
    const cookies = await cookiesFrom("http://10.0.0.5:3000");
    const csrf = named(cookies, "__Host-authjs.csrf-token");
    const session = named(cookies, "__Secure-authjs.session-token");
    expect(csrf).toMatch(/; Secure/i);
    expect(csrf).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; Secure/i);
    expect(cookies.filter((c) => !/; Secure/i.test(c))).toEqual([]);
  });

  it("are __Host-/__Secure- and Secure behind a TLS proxy without AUTH_URL", async () => {
    process.env.AUTH_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
    delete process.env.AUTH_URL;
    delete process.env.NEXTAUTH_URL;
    const cookies = await cookiesFrom("https://steward.example.com", { "x-forwarded-proto": "https" });
    expect(named(cookies, "__Host-authjs.csrf-token")).toMatch(/; Secure/i);
    expect(named(cookies, "__Secure-authjs.session-token")).toMatch(/; Secure/i);
  });

  it("are plain and not Secure on http://localhost, where Secure would break sign-in", async () => {
    process.env.AUTH_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
    process.env.AUTH_URL = "http://localhost:3000";
    const cookies = await cookiesFrom("http://localhost:3000");
    expect(named(cookies, "authjs.csrf-token")).toBeDefined();
    expect(named(cookies, "authjs.session-token")).toBeDefined();
    expect(cookies.filter((c) => /; Secure/i.test(c) || c.startsWith("__"))).toEqual([]);
  });
});
