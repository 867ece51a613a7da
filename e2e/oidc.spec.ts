import type { Browser, Page } from "@playwright/test";
import { auditRows, expect, signInAs, test } from "./support/fixtures";
import { APP_URL, OIDC_ISSUER } from "./support/urls";

/**
 * Goes through "Sign in with Test IdP" in a browser context of its own, logs in on the issuer's
 * page (e2e/support/oidc-provider.mjs: any email, any password; the account's subject is the
 * email unless given, and the email is verified unless `verified: false`) and returns wherever
 * Steward lands, signed in or not.
 */
async function signInThroughIdp(
  browser: Browser,
  email: string,
  account: { subject?: string; verified?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ baseURL: APP_URL });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();

  // A real login page at the issuer, not a shortcut in Steward.
  await expect(page).toHaveURL(new RegExp(`^${OIDC_ISSUER}/interaction/`));
  await expect(page.getByRole("heading", { name: "Sign in to Test IdP" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password").fill("any password will do");
  if (account.subject) await page.getByLabel(/^Subject/).fill(account.subject);
  if (account.verified === false) await page.getByLabel("Email verified").uncheck();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page).toHaveURL(new RegExp(`^${APP_URL}/`));
  return page;
}

function shell(page: Page) {
  return {
    person: page.getByTestId("current-person"),
    roles: page.getByTestId("current-person").locator("xpath=following-sibling::div[1]"),
    nav: page.getByRole("navigation", { name: "Main" }),
  };
}

/** The shell shows `name` signed in, holding `roles`; gives its main navigation. */
async function expectSignedIn(page: Page, name: string, roles: string) {
  const shown = shell(page);
  await expect(shown.person).toHaveText(name);
  await expect(shown.roles).toHaveText(roles);
  return shown.nav;
}
const MEMBER_LINKS = ["Overview", "Identities", "Requests", "Reviews", "Break-glass", "Revocations", "API tokens"];

test.describe("sign-in through OpenID Connect", () => {
  test("an existing person signs in at the identity provider and comes back signed in", async ({ browser }) => {
    const page = await signInThroughIdp(browser, "olivia.owner@example.com");
    const nav = await expectSignedIn(page, "Olivia Owner", "member");
    await expect(nav.getByRole("link")).toHaveText(MEMBER_LINKS);
    const session = await (await page.request.get("/api/auth/session")).json();
    expect(session?.user?.email).toBe("olivia.owner@example.com");
    await page.context().close();
  });

  test("someone Steward has not met is provisioned as a member, and that is audited", async ({ browser }) => {
    const nina = await signInThroughIdp(browser, "nina.newcomer@example.com");
    const nav = await expectSignedIn(nina, "Nina Newcomer", "member");
    await expect(nav.getByRole("link")).toHaveText(MEMBER_LINKS);
    await nina.context().close();

    const ari = await signInAs(browser, "ari");
    const provisioned = await auditRows(ari, "person.provisioned", "nina.newcomer@example.com");
    await expect(provisioned).toHaveCount(1);
    await expect(provisioned).toContainText(`OIDC ${OIDC_ISSUER}`);
    await expect(provisioned).toContainText('"roles":["member"]');

    const signedIn = await auditRows(ari, "auth.signed_in", "nina.newcomer@example.com");
    await expect(signedIn).toHaveCount(1);
    await expect(signedIn).toContainText('"provider":"oidc"');
    await ari.context().close();
  });

  test("an email in STEWARD_ADMIN_EMAILS becomes an admin on first sign-in", async ({ browser }) => {
    const page = await signInThroughIdp(browser, "root.admin@example.com");
    const nav = await expectSignedIn(page, "Root Admin", "member, admin");
    await expect(nav.getByRole("link", { name: "People" })).toBeVisible();
    await nav.getByRole("link", { name: "People" }).click();
    await expect(page).toHaveURL(/\/people/);
    await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
    await page.context().close();
  });

  test("someone who has left the company is refused", async ({ browser }) => {
    const page = await signInThroughIdp(browser, "dan.departed@example.com");
    await expect(page).toHaveURL(/\/signin\?(.*&)?error=AccessDenied/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("may not sign in to Steward");
    await expect(page.getByTestId("current-person")).toHaveCount(0);
    const session = await (await page.request.get("/api/auth/session")).json();
    expect(session).toBeNull();
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin/);
    await page.context().close();
  });

  test("an email the identity provider has not verified is refused", async ({ browser }) => {
    const page = await signInThroughIdp(browser, "omar.owner@example.com", { verified: false });
    await expect(page).toHaveURL(/\/signin\?(.*&)?error=EmailNotVerified/);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(
      "Your identity provider has not verified your email address. Verify it there, then sign in again.",
    );
    expect(await (await page.request.get("/api/auth/session")).json()).toBeNull();
    await page.context().close();
  });

  test("a second account claiming a signed-in person's email is refused, and the attempt is audited", async ({
    browser,
  }) => {
    // Olivia's account (subject = her email) is bound to her at its first sign-in.
    const olivia = await signInThroughIdp(browser, "olivia.owner@example.com");
    await expect(shell(olivia).person).toHaveText("Olivia Owner");
    await olivia.context().close();

    // Another account at the same provider, whose user set their email to Olivia's.
    const impostor = await signInThroughIdp(browser, "olivia.owner@example.com", { subject: "impostor-7" });
    await expect(impostor).toHaveURL(/\/signin\?(.*&)?error=AccessDenied/);
    await expect(impostor.getByRole("main").getByRole("alert")).toContainText(
      "belongs to a person who signs in with another account",
    );
    await expect(impostor.getByTestId("current-person")).toHaveCount(0);
    expect(await (await impostor.request.get("/api/auth/session")).json()).toBeNull();
    await impostor.context().close();

    const ari = await signInAs(browser, "ari");
    const refused = await auditRows(ari, "auth.sign_in_refused", "impostor-7");
    await expect(refused).toHaveCount(1);
    await expect(refused).toContainText("olivia.owner@example.com");
    await ari.context().close();
  });

  test("a bound account signs in as its person even after its email changed to someone else's", async ({ browser }) => {
    await (await signInThroughIdp(browser, "olivia.owner@example.com")).context().close();
    const page = await signInThroughIdp(browser, "omar.owner@example.com", { subject: "olivia.owner@example.com" });
    await expect(shell(page).person).toHaveText("Olivia Owner");
    const session = await (await page.request.get("/api/auth/session")).json();
    expect(session?.user?.email).toBe("olivia.owner@example.com");
    await page.context().close();
  });
});
