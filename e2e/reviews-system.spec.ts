import { expect, expectNoAxeViolations, test } from "./support/fixtures";
import { openAs } from "./support/openers";

// Sam (security) launches a review over one system. AWS sandbox, because no other spec touches
// its identities and none of the personas owns one there; the campaign is launched, never decided
// or closed, so nothing it covers changes for the specs that run after it. (Its items wait in
// security's shared queue.)
const SYSTEM = "AWS sandbox (6609-3318-4410)";

test.describe("access review campaigns over a system", () => {
  test("Sam scopes a campaign to one system, sees the live count and preview, launches it for security, and finds its items in his queue; Maya cannot see it", async ({
    as,
  }) => {
    const sam = await openAs(as, "sam", "/reviews");
    await sam.getByRole("link", { name: "New campaign" }).click();
    await expect(sam.getByRole("heading", { level: 1 })).toHaveText("New review campaign");
    // The campaign's scope is the inventory's filter: the system is picked there.
    await sam.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identities" }).click();
    const filters = sam.getByRole("form", { name: "Filter identities" });
    await filters.getByLabel("System").selectOption({ label: SYSTEM });
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(sam).toHaveURL(/[?&]system=[0-9a-f-]{36}/);
    await sam.getByRole("link", { name: "Review these identities" }).click();
    await expect(sam).toHaveURL(/\/reviews\/new\?.*system=[0-9a-f-]{36}/);

    const scope = sam.getByRole("search", { name: "Scope" });
    const scopeCount = sam.getByTestId("scope-count");
    const preview = sam.getByRole("table", { name: "The scope's first identities" });
    const form = sam.getByRole("form", { name: "New campaign" });
    // The scope form shows the system it came with (and could pick another).
    await expect(scope.getByLabel("System").locator("option:checked")).toHaveText(SYSTEM);

    // Narrowed to nothing within the system, the scope offers no campaign to create.
    await scope.getByLabel("Search").fill("no-such-identity-anywhere");
    await scope.getByRole("button", { name: "Preview scope" }).click();
    await expect(scopeCount).toHaveText(/^0 live identities in scope/);
    await expect(form).toHaveCount(0);

    // The whole system: the live count, and the first rows, every one of them on that system.
    await scope.getByLabel("Search").clear();
    await scope.getByRole("button", { name: "Preview scope" }).click();
    await expect(scopeCount).toHaveText(/^[\d,]+ live identities in scope/);
    const count = Number((await scopeCount.innerText()).match(/^([\d,]+)/)![1]!.replace(/,/g, ""));
    expect(count).toBeGreaterThan(0);
    const rows = preview.getByRole("row").filter({ hasNot: sam.getByRole("columnheader") });
    await expect(rows).toHaveCount(Math.min(count, 10));
    await expect(rows.filter({ hasNotText: SYSTEM })).toHaveCount(0);

    const due = new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel("Name").fill("AWS sandbox access review");
    await form.getByLabel("Who reviews").selectOption("security");
    await form.getByLabel("Due", { exact: true }).fill(due);
    await form.getByLabel(/^Second stage: security confirms/).check();
    await expectNoAxeViolations(sam);
    await form.getByRole("button", { name: "Create campaign" }).click();
    await expect(sam).toHaveURL(/\/reviews\/[0-9a-f-]{36}$/);
    const campaignUrl = sam.url();
    const facts = sam.getByRole("region", { name: "The campaign" });
    await expect(facts).toContainText(`system ${SYSTEM}`);
    await expect(facts).toContainText(due);
    await expect(facts).toContainText("not launched yet");
    await expect(facts).toContainText("security confirms certifications of privileged or high-risk identities");

    await sam.getByRole("button", { name: "Launch campaign" }).click();
    await expect(sam.getByText(`Launched: ${count} items to review.`)).toBeVisible();
    await sam.reload();
    // The snapshot holds what the preview counted, all of it in security's queue, none decided.
    await expect(facts).toContainText(`: ${count.toLocaleString("en")} items`);
    const perReviewer = sam.getByRole("table", { name: "Progress per reviewer" }).getByRole("row");
    await expect(perReviewer.filter({ hasText: "Security (shared queue)" })).toContainText(
      `0 / ${count.toLocaleString("en")}`,
    );
    await expect(sam.getByRole("progressbar", { name: "Security (shared queue): decided" })).toBeVisible();
    await expect(sam.getByRole("button", { name: "Close campaign" })).toBeVisible();
    await expectNoAxeViolations(sam);

    await sam.goto("/reviews/mine");
    const cards = sam.getByRole("list", { name: "Items to review" }).getByRole("listitem");
    await expect(cards.filter({ hasText: SYSTEM }).first()).toBeVisible();
    // Narrowed to this campaign (by URL), with a decision over everything the filter matches on offer.
    const filter = sam.getByRole("search", { name: "Filter my reviews" });
    await filter.getByLabel("Campaign").selectOption({ label: "AWS sandbox access review" });
    await filter.getByRole("button", { name: "Apply filters" }).click();
    await expect(sam).toHaveURL(/\/reviews\/mine\?campaign=[0-9a-f-]{36}/);
    await expect(sam.getByTestId("queue-count")).toContainText(
      `${count.toLocaleString("en")} items wait for you matching this filter`,
    );
    // A page holds 50; the rest are a "Next page" away.
    await expect(cards.filter({ hasText: SYSTEM })).toHaveCount(Math.min(count, 50));
    await expect(sam.getByRole("link", { name: "Next page →" })).toHaveCount(count > 50 ? 1 : 0);
    await expect(sam.getByRole("form", { name: "Decide everything matching" })).toContainText(
      `Decide all ${count.toLocaleString("en")} matching`,
    );
    await expectNoAxeViolations(sam);
    // The bell leads to what Steward has told him (nothing is due yet).
    await sam.getByTestId("bell").click();
    await expect(sam.getByRole("heading", { level: 1 })).toHaveText("Notifications");
    await expectNoAxeViolations(sam);

    // Maya, a manager, neither created it nor reviews in it: it is not hers to see, let alone to run.
    const maya = await openAs(as, "maya", campaignUrl);
    await expect(maya.getByRole("heading", { level: 1 })).toHaveText("Not found");
    await expect(maya.getByRole("button", { name: /Launch campaign|Close campaign/ })).toHaveCount(0);
    await maya.goto("/reviews");
    await expect(maya.getByRole("main")).not.toContainText("AWS sandbox access review");
  });
});
