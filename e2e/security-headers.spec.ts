import type { Browser, BrowserContext, Page } from "@playwright/test";
import { PERSONAS, type PersonaKey } from "../lib/auth/personas";
import { expect, test } from "./support/fixtures";

// The app runs here as in production (next build, next start) with its Content-Security-Policy
// on: a page whose scripts the policy blocked would still show its server HTML, so these tests
// also prove the Next.js runtime ran (window.next) and count every violation the browser reports.

type Watched = { context: BrowserContext; page: Page; violations: string[] };

async function watchedContext(browser: Browser): Promise<Watched> {
  const context = await browser.newContext();
  const violations: string[] = [];
  // Init scripts come from the browser's devtools, not the page, so the CSP does not block them.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { __violations?: string[] };
      (w.__violations ??= []).push(
        `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Permissions-Policy|Refused to/i.test(text)) violations.push(`${page.url()}: ${text}`);
  });
  return { context, page, violations };
}

async function collect(w: Watched) {
  const inPage = await w.page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);
  w.violations.push(...inPage.map((v) => `${w.page.url()}: ${v}`));
  // The Next.js client runtime is loaded and started by nonced scripts: it must have run.
  expect(
    await w.page.evaluate(() => (window as unknown as { next?: { appDir?: boolean } }).next?.appDir),
    `Next.js hydrated ${w.page.url()}`,
  ).toBe(true);
}

/** Proves both listeners hear a violation: an image from another origin (img-src is 'self'). */
async function expectCanaryCaught(w: Watched) {
  await w.page.evaluate(() => {
    const img = document.createElement("img");
    img.src = "https://canary.invalid/pixel.png";
    img.alt = "";
    document.body.append(img);
  });
  await expect
    .poll(async () =>
      w.page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations?.length ?? 0),
    )
    .toBe(1);
  await expect.poll(() => w.violations.length).toBe(1);
  await w.page.evaluate(() => ((window as unknown as { __violations?: string[] }).__violations = []));
  w.violations.length = 0;
}

async function signIn(w: Watched, key: PersonaKey) {
  const persona = PERSONAS.find((p) => p.key === key)!;
  await w.page.goto("/signin");
  await collect(w);
  await w.page.getByRole("button", { name: `Sign in as ${persona.name}` }).click();
  await expect(w.page.getByTestId("current-person")).toHaveText(persona.name);
  await collect(w);
}

test.describe("security headers and the Content-Security-Policy", () => {
  test("signing in and walking the main pages reports no CSP violation", async ({ browser }) => {
    const sam = await watchedContext(browser);
    await sam.page.goto("/signin");
    await expectCanaryCaught(sam);
    await signIn(sam, "sam");
    for (const [path, heading] of [
      ["/", "Welcome, Sam"],
      ["/identities", "Identities"],
      ["/requests", "Requests"],
      ["/requests/new", "New request"],
      ["/revocations", "Revocations and grants"],
      ["/break-glass", "Break-glass"],
      ["/audit", "Audit log"],
      ["/settings", "Policy settings"],
      ["/systems", "Systems"],
    ] as const) {
      await sam.page.goto(path);
      await expect(sam.page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await collect(sam);
    }
    await sam.page.goto("/identities");
    const identity = sam.page.getByRole("table").locator('a[href^="/identities/"]').first();
    const name = (await identity.textContent())!.trim();
    await identity.click();
    await expect(sam.page.getByRole("heading", { level: 1 })).toHaveText(name);
    await collect(sam);

    // Client-side navigation: chunks loaded by the runtime ('strict-dynamic') and RSC fetches.
    const nav = sam.page.getByRole("navigation", { name: "Main" });
    for (const link of ["Identities", "Requests", "Revocations", "Audit log", "Overview"]) {
      await nav.getByRole("link", { name: link }).click();
      await expect(nav.getByRole("link", { name: link })).toHaveAttribute("aria-current", "page");
      await collect(sam);
    }
    // Not found (a record out of scope, an unknown URL) is rendered per request, nonced too.
    const missing = await sam.page.goto("/identities/00000000-0000-4000-8000-000000000000");
    expect(missing?.status()).toBe(404);
    await expect(sam.page.getByRole("heading", { level: 1 })).toHaveText("Not found");
    await collect(sam);
    await sam.page.goto("/no-such-page");
    await expect(sam.page.getByRole("heading", { level: 1 })).toHaveText("Not found");
    await collect(sam);
    await sam.context.close();

    const ada = await watchedContext(browser);
    await signIn(ada, "ada");
    await ada.page.goto("/people");
    await expect(ada.page.getByRole("heading", { level: 1 })).toHaveText("People");
    await collect(ada);
    await ada.context.close();

    expect([...sam.violations, ...ada.violations]).toEqual([]);
  });

  test("a page, the sign-in page and the health check carry the headers, with a fresh nonce each time", async ({
    request,
  }) => {
    const pages = [await request.get("/signin"), await request.get("/signin")];
    const nonces = pages.map((r) => r.headers()["content-security-policy"]?.match(/'nonce-([^']+)'/)?.[1]);
    expect(nonces[0]).toBeTruthy();
    expect(nonces[0]).not.toBe(nonces[1]);
    // Next.js put the request's nonce on every script of the page.
    const html = await pages[0]!.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => !s.includes(`nonce="${nonces[0]}"`))).toEqual([]);

    // An anonymous visit to a page is redirected to sign-in, and the redirect carries them too.
    const redirect = await request.get("/identities", { maxRedirects: 0 });
    expect(redirect.status()).toBe(307);
    const health = await request.get("/api/health");
    const auth = await request.get("/api/auth/csrf");
    // Next.js's prerendered not-found page, under a path anonymous callers reach.
    const missing = await request.get("/api/v1/connectors/no-such-route");
    expect(missing.status()).toBe(404);

    for (const response of [pages[0]!, redirect, health, auth, missing]) {
      const h = response.headers();
      const where = response.url();
      const csp = h["content-security-policy"] ?? "";
      expect(csp, where).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);
      for (const directive of [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
      ]) {
        expect(csp, where).toContain(directive);
      }
      expect(csp, where).not.toContain("unsafe-eval");
      expect(h["x-content-type-options"], where).toBe("nosniff");
      expect(h["referrer-policy"], where).toBe("same-origin");
      expect(h["x-frame-options"], where).toBe("DENY");
      expect(h["permissions-policy"], where).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
      // Served over plain http here: no HSTS (browsers ignore it on http, and it must not be
      // sent where the app is not on https).
      expect(h["strict-transport-security"], where).toBeUndefined();
    }
    expect(health.status()).toBe(200);
  });

  test("a signed-in page carries the headers, and the session cookie is not Secure on http", async ({ browser }) => {
    const w = await watchedContext(browser);
    await signIn(w, "olivia");
    const cookies = await w.context.cookies();
    const session = cookies.find((c) => c.name === "authjs.session-token");
    expect(session?.secure).toBe(false);
    expect(session?.httpOnly).toBe(true);
    const response = await w.page.goto("/identities");
    const h = response!.headers();
    expect(h["content-security-policy"]).toContain("'strict-dynamic'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");
    await w.context.close();
  });

  test("static files get nosniff without the proxy's per-request headers", async ({ request }) => {
    const html = await (await request.get("/signin")).text();
    const script = html.match(/src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    const response = await request.get(script!);
    expect(response.status()).toBe(200);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  });
});
