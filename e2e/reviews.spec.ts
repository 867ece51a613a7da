import { expect, expectNoAxeViolations, openIdentity, test } from "./support/fixtures";
import { openAs } from "./support/openers";

// An access review from draft to close, as the personas do it: Maya (a manager) reviews her
// report Omar's identities, decides most, leaves one, and closes; what she decided is applied.
// (Omar's, because the other specs lean on Olivia's: none of them uses these four's state.)

test.describe("access review campaigns", () => {
  test("Maya cannot widen her scope, launches a review of Omar's identities, decides them, leaves one and closes it; every decision is applied", async ({
    as,
  }) => {
    const maya = await openAs(as, "maya", "/reviews");
    await maya.getByRole("link", { name: "New campaign" }).click();
    // Her scope is her reports' identities: the whole estate is refused, in words.
    await expect(maya.getByRole("main").getByRole("alert")).toContainText(
      "A manager's campaign covers only their reports' identities",
    );
    const scope = maya.getByRole("search", { name: "Scope" });
    await scope.getByLabel("Owner (email or me)").fill("omar.owner@example.com");
    await scope.getByRole("button", { name: "Preview scope" }).click();
    await expect(maya.getByTestId("scope-count")).toContainText("live identities in scope");
    await expect(maya.getByTestId("scope-count")).toContainText("live identities in scope");
    // Four of Omar's, and any another spec gave him before this one ran.
    const count = Number((await maya.getByTestId("scope-count").innerText()).match(/^(\d+)/)![1]);
    expect(count).toBeGreaterThanOrEqual(4);
    const left = count - 3;
    const items = (n: number) => `${n} ${n === 1 ? "item" : "items"}`;

    const form = maya.getByRole("form", { name: "New campaign" });
    await form.getByLabel("Name").fill("Payments: Omar's identities");
    await form.getByLabel("Who reviews").selectOption("owner_manager");
    await form.getByLabel("Items nobody decides by close").selectOption("revoke");
    await expect(form.getByRole("note")).toContainText("that can be all of them");
    await expectNoAxeViolations(maya);
    await form.getByRole("button", { name: "Create campaign" }).click();
    await expect(maya).toHaveURL(/\/reviews\/[0-9a-f-]{36}$/);
    const campaignUrl = maya.url();
    // The scope reads as people say it, not as ids.
    await expect(maya.getByRole("region", { name: "The campaign" })).toContainText("owner Omar Owner");
    await maya.getByRole("button", { name: "Launch campaign" }).click();
    await expect(maya.getByText(`Launched: ${count} items to review.`)).toBeVisible();

    // Omar owns them but does not review them: nothing waits for him.
    const omar = await openAs(as, "omar", "/reviews/mine");
    await expect(omar.getByText("Nothing waits for you.")).toBeVisible();

    await maya.goto("/reviews/mine");
    const cards = maya.getByRole("list", { name: "Items to review" }).getByRole("listitem");
    await expect(cards).toHaveCount(count);
    await expectNoAxeViolations(maya);
    const [revoked, reassigned, certified, untouched] = [
      "payouts-metrics-key",
      "settlement-exporter",
      "omar-sandbox-bot",
      "finance-reports-oauth",
    ];
    const rest = [certified];
    const card = (name: string) => cards.filter({ has: maya.getByRole("link", { name, exact: true }) });

    await card(revoked).getByRole("button", { name: "Revoke" }).click();
    await expect(card(revoked)).toHaveCount(0);
    await card(reassigned).getByRole("button", { name: "Reassign…" }).click();
    await card(reassigned).getByLabel("New owner's email").fill("maya.manager@example.com");
    await card(reassigned).getByRole("button", { name: "Reassign", exact: true }).click();
    await expect(card(reassigned)).toHaveCount(0);
    // The certification by keyboard: j until its card has the focus, then c.
    for (let i = 0; i < count && !(await card(certified).evaluate((el) => el === document.activeElement)); i++)
      await maya.keyboard.press("j");
    await expect(card(certified)).toBeFocused();
    await maya.keyboard.press("c");
    await expect(card(certified)).toHaveCount(0);
    await expect(cards).toHaveCount(left);

    await maya.goto(campaignUrl);
    await expect(
      maya.getByText(`${items(left)} ${left === 1 ? "has" : "have"} no decision: closing revokes them.`),
    ).toBeVisible();
    await maya.getByRole("button", { name: "Close campaign" }).click();
    await expect(maya.getByText(/^Closed: /)).toContainText(
      new RegExp(`\\d+ revocations? requested, ${items(left)} without an answer`),
    );
    const row = (name: string) =>
      maya.getByRole("table", { name: "The campaign's items" }).getByRole("row").filter({ hasText: name });
    await expect(row(revoked)).toContainText("revocation requested");
    await expect(row(reassigned)).toContainText("owner changed");
    await expect(row(untouched)).toContainText("revocation requested (no response)");
    await expect(row(rest[0]!)).toContainText("certified: next review");
    await expect(maya.getByRole("button", { name: "Close campaign" })).toHaveCount(0);

    // Datadog has no API: Maya confirms the removal with evidence, and the revocation is verified.
    await openIdentity(maya, revoked);
    const panel = maya.getByRole("region", { name: "Revocation" });
    await expect(panel.getByTestId("revocation")).toContainText("Executed: awaiting confirmation");
    await panel
      .getByLabel("Evidence that it is removed (a note or a link)")
      .fill("Deleted the Datadog API key, CHG-3310");
    await panel.getByRole("button", { name: "Confirm removal" }).click();
    await expect(panel.getByTestId("revocation")).toContainText("Verified");

    // The evidence: printable for Maya and the auditor, and every item as CSV.
    await maya.goto(`${campaignUrl}/evidence`);
    const evidence = maya.getByRole("table", { name: "Every decision and what it did" });
    await expect(evidence.getByRole("row").filter({ hasText: revoked })).toContainText("revocation requestedVerified");
    await expect(evidence.getByRole("row").filter({ hasText: reassigned })).toContainText("Reassign to Maya Manager");
    await expectNoAxeViolations(maya);
    const csv = await (await maya.request.get(`${campaignUrl}/evidence/export`)).text();
    expect(csv.split("\n")[0]).toContain("campaign,snapshot_at,item_id,identity");
    expect(csv).toContain(`,${certified},`);
    const ari = await openAs(as, "ari", `${campaignUrl}/evidence`);
    await expect(ari.getByRole("heading", { level: 1 })).toHaveText("Evidence: Payments: Omar's identities");

    // The reassigned identity is Maya's now; the revoked one has its revocation.
    await maya.goto("/revocations");
    await expect(maya.getByRole("row").filter({ hasText: revoked })).toContainText(
      'Access review "Payments: Omar\'s identities"',
    );
    await maya.goto("/identities?owner=me");
    await expect(maya.getByRole("link", { name: reassigned, exact: true })).toBeVisible();
  });
});
