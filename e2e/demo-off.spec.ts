import type { BrowserContext } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { APP_URL, NO_DEMO_URL } from "./support/urls";

/**
 * What a forger would do without the sign-in page: fetch a CSRF token (Auth.js sets its cookie in
 * the context) and post a persona's email straight to the demo credentials callback.
 */
async function forgeDemoSignIn(context: BrowserContext, baseURL: string, email: string, callbackUrl = "/") {
  const { csrfToken } = await (await context.request.get(`${baseURL}/api/auth/csrf`)).json();
  expect(csrfToken).toBeTruthy();
  const res = await context.request.post(`${baseURL}/api/auth/callback/demo`, {
    form: { email, csrfToken, callbackUrl },
    maxRedirects: 0,
  });
  const session = await (await context.request.get(`${baseURL}/api/auth/session`)).json();
  return { status: res.status(), location: res.headers()["location"] ?? "", session };
}

test.describe("with demo mode off", () => {
  test.use({ baseURL: NO_DEMO_URL });

  test("the sign-in page offers single sign-on and no personas", async ({ page }) => {
    await page.goto("/signin");
    await expect(page.getByRole("heading", { name: "Sign in to Steward" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in with Test IdP" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Sign in as/ })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Demo personas" })).toHaveCount(0);
  });

  test("a forged demo sign-in is refused on the server", async ({ browser }) => {
    // Its own context: cookies do not keep to a port, so nothing from the demo-on instance may be in it.
    const context = await browser.newContext({ baseURL: NO_DEMO_URL });
    const forged = await forgeDemoSignIn(context, NO_DEMO_URL, "olivia.owner@example.com");
    expect(forged.status).toBe(302);
    // Refused by the demo provider's authorize (DemoSignInRefused in lib/auth/next-auth.ts).
    expect(forged.location).toMatch(/\/signin\?error=CredentialsSignin&code=demo_refused/);
    expect(forged.session).toBeNull();
    expect((await context.cookies()).map((c) => c.name)).not.toContain("authjs.session-token");

    const page = await context.newPage();
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByTestId("current-person")).toHaveCount(0);
    await context.close();
  });
});

test("the same forged post does sign in where demo mode is on (so the refusal above is for the right reason)", async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL: APP_URL });
  const forged = await forgeDemoSignIn(context, APP_URL, "olivia.owner@example.com");
  expect(forged.status).toBe(302);
  expect(forged.location).not.toMatch(/error=/);
  expect(forged.session?.user?.email).toBe("olivia.owner@example.com");
  expect((await context.cookies()).map((c) => c.name)).toContain("authjs.session-token");

  const page = await context.newPage();
  await page.goto("/");
  await expect(page.getByTestId("current-person")).toHaveText("Olivia Owner");
  await context.close();
});

test.describe("after sign-in Steward goes only to a path of its own", () => {
  test("the sign-in page's callbackUrl cannot send a person to another site", async ({ browser }) => {
    for (const callbackUrl of ["/\\evil.example", "/%5Cevil.example", "//evil.example", "/%2F%2Fevil.example"]) {
      const context = await browser.newContext({ baseURL: APP_URL });
      const page = await context.newPage();
      await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      await page.getByRole("button", { name: /Sign in as Olivia Owner/ }).click();
      await expect(page.getByTestId("current-person")).toHaveText("Olivia Owner");
      expect(page.url(), callbackUrl).toBe(`${APP_URL}/`);
      await context.close();
    }
  });

  test("a forged post to Auth.js with another site as its callbackUrl lands at home", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: APP_URL });
    const forged = await forgeDemoSignIn(context, APP_URL, "olivia.owner@example.com", "/\\evil.example");
    expect(forged.status).toBe(302);
    expect(forged.location).toBe(`${APP_URL}/`);
    expect(forged.session?.user?.email).toBe("olivia.owner@example.com");
    await context.close();
  });
});
