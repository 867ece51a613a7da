import { expect, expectNoAxeViolations, signInAs, test } from "./support/fixtures";

test.describe("sign-in and the app shell", () => {
  test("an anonymous visitor is sent to sign-in, and the sign-in page is accessible", async ({ page }) => {
    await page.goto("/audit");
    await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faudit/);
    await expect(page.getByRole("heading", { name: "Sign in to Steward" })).toBeVisible();
    for (const name of ["Olivia Owner", "Omar Owner", "Maya Manager", "Sam Security", "Ari Auditor", "Ada Admin"]) {
      await expect(page.getByRole("button", { name: `Sign in as ${name}` })).toBeVisible();
    }
    // Dan has left the company: no button for him.
    await expect(page.getByRole("button", { name: "Sign in as Dan Departed" })).toHaveCount(0);
    await expectNoAxeViolations(page);
  });

  test("sign-in returns to the page the visitor asked for", async ({ page }) => {
    await page.goto("/audit");
    await page.getByRole("button", { name: "Sign in as Ari Auditor" }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  });

  const navByPersona = [
    ["olivia", ["Overview", "Identities", "Requests", "Reviews", "Break-glass", "Revocations", "API tokens"]],
    ["maya", ["Overview", "Identities", "Requests", "Reviews", "Break-glass", "Revocations", "API tokens"]],
    [
      "sam",
      [
        "Overview",
        "Identities",
        "Requests",
        "Reviews",
        "Break-glass",
        "Revocations",
        "Audit log",
        "Systems",
        "Settings",
        "Import",
        "API tokens",
      ],
    ],
    [
      "ari",
      [
        "Overview",
        "Identities",
        "Requests",
        "Reviews",
        "Break-glass",
        "Revocations",
        "Audit log",
        "Systems",
        "Settings",
        "API tokens",
      ],
    ],
    [
      "ada",
      [
        "Overview",
        "Identities",
        "Requests",
        "Reviews",
        "Break-glass",
        "Revocations",
        "People",
        "Systems",
        "Settings",
        "Import",
        "API tokens",
      ],
    ],
  ] as const;
  for (const [key, links] of navByPersona) {
    test(`${key} sees only the navigation their roles may use`, async ({ as }) => {
      const page = await as(key);
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(nav.getByRole("link")).toHaveText([...links]);
      await expectNoAxeViolations(page);
    });
  }

  test("a member who opens the audit log or people page directly is refused", async ({ as }) => {
    const page = await as("olivia");
    await page.goto("/audit");
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(
      "Only security and auditors may read the audit log.",
    );
    await expect(page.getByRole("table")).toHaveCount(0);
    // A malformed filter too (it used to fail the page with a 500).
    expect((await page.goto("/audit?from=x"))?.status()).toBe(200);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(
      "Only security and auditors may read the audit log.",
    );
    await page.goto("/people");
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Only admins manage people and roles.");
  });

  test("sign-in and sign-out are in the audit log", async ({ browser, as }) => {
    const olivia = await signInAs(browser, "olivia");
    await olivia.getByRole("button", { name: "Sign out" }).click();
    await expect(olivia.getByText("You are signed out.")).toBeVisible();
    await olivia.goto("/");
    await expect(olivia).toHaveURL(/\/signin/);
    await olivia.context().close();

    const ari = await as("ari");
    await ari.goto("/audit?actor=olivia.owner");
    const rows = ari.getByRole("row");
    await expect(rows.filter({ hasText: "auth.signed_out" }).first()).toBeVisible();
    await expect(rows.filter({ hasText: "auth.signed_in" }).first()).toBeVisible();
  });

  test("the overview shows the persona's own identities", async ({ as }) => {
    const page = await as("olivia");
    await expect(page.getByRole("heading", { name: "Welcome, Olivia" })).toBeVisible();
    const owned = page.locator("dl > div").filter({ hasText: "Identities you own" }).locator("dd").first();
    await expect(owned).not.toHaveText("0");
  });

  test("the shell works on a small screen", async ({ browser }) => {
    const page = await signInAs(browser, "sam");
    await page.setViewportSize({ width: 390, height: 800 });
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.context().close();
  });

  test("health tells anyone up or down, and nothing more", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});
