import { expect, expectNoAxeViolations, signInByRequest, test } from "./support/fixtures";
import { openAs } from "./support/openers";

test.describe("the audit log page", () => {
  test("an auditor filters by action and subject, pages through, and sees a clear message for a bad date", async ({
    as,
  }) => {
    const page = await openAs(as, "ari", "/audit");
    await expectNoAxeViolations(page);
    await expect(page.getByRole("row").filter({ hasText: "system.seeded" })).toHaveCount(1);

    await page.getByLabel("Action").selectOption("auth.signed_in");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/action=auth.signed_in/);
    const rows = page.getByRole("row");
    await expect(rows.filter({ hasText: "auth.signed_in" }).first()).toBeVisible();
    await expect(rows.filter({ hasText: "system.seeded" })).toHaveCount(0);

    // The date filter keeps the value and explains what is wrong, without a 500.
    await page.goto("/audit?from=2026-13-45");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("Use a real date like 2026-11-23.");

    await page.goto("/audit?size=999999999&order=sideways&before=abc");
    await expect(page.getByRole("main").getByRole("alert")).toBeVisible();
  });

  test("pages are keyset cursors that walk back and forth without skipping events", async ({ as, playwright }) => {
    // A page link carries an opaque token (lib/paging): base64url of a JSON tuple, here [seq].
    const token = (tuple: unknown[]) => Buffer.from(JSON.stringify(tuple)).toString("base64url");
    // Enough events for several pages of ten.
    const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    for (let i = 0; i < 12; i++) await signInByRequest(api, "omar.owner@example.com");
    await api.dispose();
    // Small pages so that the seeded log spans several.
    const page = await openAs(as, "sam", "/audit?size=10&order=asc");
    const firstPage = await page.locator("tbody tr td:first-child").allTextContents();
    expect(firstPage[0]).toBe("1");
    await page.getByRole("link", { name: "Later →" }).click();
    await expect(page).toHaveURL(new RegExp(`before=${token([10])}`));
    await expect(page.locator("tbody tr td:first-child").first()).toHaveText("11");
    const secondPage = await page.locator("tbody tr td:first-child").allTextContents();
    expect(Number(secondPage[0])).toBe(Number(firstPage.at(-1)) + 1);
    // Contiguous: no event skipped or shown twice across the page boundary.
    expect(secondPage.map(Number)).toEqual(secondPage.map((_, i) => 11 + i));
    await page.getByRole("link", { name: "← Earlier" }).click();
    await expect(page).toHaveURL(new RegExp(`after=${token([11])}`));
    await expect(page.locator("tbody tr td:first-child")).toHaveText(firstPage);
  });
});
