import { expect, expectNoAxeViolations, test } from "./support/fixtures";
import { openAs } from "./support/openers";

// An access review from draft to close, as the personas do it: Maya (a manager) reviews her
// report Olivia's identities, decides most, leaves one, and closes; what she decided is applied.

test.describe("access review campaigns", () => {
  test("Maya cannot widen her scope, launches a review of Olivia's identities, decides them, leaves one and closes it; every decision is applied", async ({
    as,
  }) => {
    const maya = await openAs(as, "maya", "/reviews");
    await maya.getByRole("link", { name: "New campaign" }).click();
    // Her scope is her reports' identities: the whole estate is refused, in words.
    await expect(maya.getByRole("main").getByRole("alert")).toContainText(
      "A manager's campaign covers only their reports' identities",
    );
    const scope = maya.getByRole("search", { name: "Scope" });
    await scope.getByLabel("Owner (email or me)").fill("olivia.owner@example.com");
    await scope.getByRole("button", { name: "Preview scope" }).click();
    await expect(maya.getByTestId("scope-count")).toContainText("live identities in scope");
    const count = Number((await maya.getByTestId("scope-count").innerText()).match(/^(\d+)/)![1]);
    expect(count).toBeGreaterThan(3);

    const form = maya.getByRole("form", { name: "New campaign" });
    await form.getByLabel("Name").fill("Payments: Olivia's identities");
    await form.getByLabel("Who reviews").selectOption("owner_manager");
    await form.getByLabel("Items nobody decides by close").selectOption("revoke");
    await expect(form.getByRole("note")).toContainText("that can be all of them");
    await expectNoAxeViolations(maya);
    await form.getByRole("button", { name: "Create campaign" }).click();
    await expect(maya).toHaveURL(/\/reviews\/[0-9a-f-]{36}$/);
    const campaignUrl = maya.url();
    await maya.getByRole("button", { name: "Launch campaign" }).click();
    await expect(maya.getByText(`Launched: ${count} items to review.`)).toBeVisible();

    // Olivia owns them but does not review them: nothing waits for her.
    const olivia = await openAs(as, "olivia", "/reviews/mine");
    await expect(olivia.getByText("Nothing waits for you.")).toBeVisible();

    await maya.goto("/reviews/mine");
    const cards = maya.getByRole("list", { name: "Items to review" }).getByRole("listitem");
    await expect(cards).toHaveCount(count);
    await expectNoAxeViolations(maya);
    const names = await cards.getByRole("heading").getByRole("link").allInnerTexts();
    const [revoked, reassigned, ...rest] = names;
    const untouched = rest.pop()!;
    const card = (name: string) => cards.filter({ has: maya.getByRole("link", { name, exact: true }) });

    await card(revoked!).getByRole("button", { name: "Revoke" }).click();
    await expect(card(revoked!)).toHaveCount(0);
    await card(reassigned!).getByRole("button", { name: "Reassign…" }).click();
    await card(reassigned!).getByLabel("New owner's email").fill("omar.owner@example.com");
    await card(reassigned!).getByRole("button", { name: "Reassign", exact: true }).click();
    await expect(card(reassigned!)).toHaveCount(0);
    for (const name of rest) {
      await card(name)
        .getByLabel(/^Comment/)
        .fill("Still used by the payments service.");
      await card(name).getByRole("button", { name: "Certify" }).click();
      await expect(card(name)).toHaveCount(0);
    }
    await expect(cards).toHaveCount(1);

    await maya.goto(campaignUrl);
    await expect(maya.getByText("1 item has no decision: closing revokes them.")).toBeVisible();
    await maya.getByRole("button", { name: "Close campaign" }).click();
    await expect(maya.getByText(/^Closed: /)).toContainText("2 revocations requested, 1 item without an answer");
    const row = (name: string) =>
      maya.getByRole("table", { name: "The campaign's items" }).getByRole("row").filter({ hasText: name });
    await expect(row(revoked!)).toContainText("revocation requested");
    await expect(row(reassigned!)).toContainText("owner changed");
    await expect(row(untouched)).toContainText("revocation requested (no response)");
    await expect(row(rest[0]!)).toContainText("certified: next review");
    await expect(maya.getByRole("button", { name: "Close campaign" })).toHaveCount(0);

    // The reassigned identity is Omar's now; the revoked one has its revocation.
    await maya.goto("/revocations");
    await expect(maya.getByRole("row").filter({ hasText: revoked! })).toContainText(
      'Access review "Payments: Olivia\'s identities"',
    );
    const omar = await openAs(as, "omar", "/identities?owner=me");
    await expect(omar.getByRole("link", { name: reassigned!, exact: true })).toBeVisible();
  });
});
