import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { PERSONAS, type PersonaKey } from "../../lib/auth/personas";
import { APP_URL } from "./urls";

/** Signs a persona in through the real sign-in page, in a browser context of their own. */
export async function signInAs(browser: Browser, key: PersonaKey, baseURL = APP_URL): Promise<Page> {
  const persona = PERSONAS.find((p) => p.key === key)!;
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: `Sign in as ${persona.name}` }).click();
  await expect(page.getByTestId("current-person")).toHaveText(persona.name);
  return page;
}

/** Signs in through Auth.js's endpoints without the UI: for tests that need many events fast. */
export async function signInByRequest(request: APIRequestContext, email: string): Promise<void> {
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  await request.post("/api/auth/callback/demo", { form: { email, csrfToken, callbackUrl: "/" }, maxRedirects: 0 });
  const session = await (await request.get("/api/auth/session")).json();
  expect(session?.user?.email).toBe(email);
}

type Fixtures = { as: (key: PersonaKey) => Promise<Page> };

/** `as("olivia")` gives a signed-in page; several personas can act side by side in one test. */
export const test = base.extend<Fixtures>({
  as: async ({ browser }, use) => {
    const pages: Page[] = [];
    await use(async (key) => {
      const page = await signInAs(browser, key);
      pages.push(page);
      return page;
    });
    for (const page of pages) await page.context().close();
  },
});

export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
}

/** Finds an identity by name in the inventory and opens its page. */
export async function openIdentity(page: Page, name: string): Promise<void> {
  await page.goto(`/identities?q=${encodeURIComponent(name)}`);
  await page.getByRole("link", { name }).click();
}

/** The audit log's rows of one action that mention `text`, as `page` (security or an auditor) sees them. */
export async function auditRows(page: Page, action: string, text: string) {
  await page.goto(`/audit?action=${action}`);
  return page.getByRole("row").filter({ hasText: action }).filter({ hasText: text });
}

export { expect };
