import type { PersonaKey } from "../lib/auth/personas";
import { expect, expectNoAxeViolations, openIdentity, test } from "./support/fixtures";
import { openAs, type As } from "./support/openers";

/** `persona`'s page of the identity `name`, and its Revocation panel. */
async function openRevocation(as: As, persona: PersonaKey, name: string) {
  const page = await as(persona);
  await openIdentity(page, name);
  return { page, panel: page.getByRole("region", { name: "Revocation" }) };
}

test.describe("revocation", () => {
  test("Olivia revokes a workload on a system without an API, confirms the removal with evidence, and security sees it verified", async ({
    as,
  }) => {
    const { page: olivia, panel } = await openRevocation(as, "olivia", "refund-worker");
    // A reason is required: without one nothing happens and the form says why.
    await panel.getByRole("button", { name: "Revoke" }).click();
    await expect(panel.getByRole("alert")).toContainText("Nothing was revoked.");
    await expect(panel.getByTestId("revocation")).toHaveCount(0);

    await panel.getByLabel("Reason (required)").fill("Refunds moved to the new payments platform");
    await panel.getByRole("button", { name: "Revoke" }).click();
    await expect(panel.getByRole("status")).toContainText("confirm below once the access is removed");
    await expect(panel.getByTestId("revocation")).toContainText("Executed: awaiting confirmation");
    await expectNoAxeViolations(olivia);

    await panel
      .getByLabel("Evidence that it is removed (a note or a link)")
      .fill("Deleted the service account in k8s-prod, change CHG-2291");
    await panel.getByRole("button", { name: "Confirm removal" }).click();
    await expect(panel.getByTestId("revocation")).toContainText("Verified");
    await expect(olivia.getByRole("heading", { level: 1 }).locator("xpath=..")).toContainText("Revoked");

    const sam = await as("sam");
    await sam.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Revocations" }).click();
    await sam.getByRole("link", { name: "Verified" }).click();
    await expect(sam.getByRole("row", { name: /refund-worker/ })).toContainText("Verified");
    await sam.goto("/audit?action=revocation.confirmed");
    await expect(sam.getByRole("table").getByText("olivia.owner@example.com").first()).toBeVisible();
  });

  test("a revocation the target system does not confirm shows as failed, to be retried, and security finds it under Needs attention", async ({
    as,
  }) => {
    const { page: sam, panel } = await openRevocation(as, "sam", "checkout-deployer-ci");
    await panel.getByLabel("Reason (required)").fill("The deployer token leaked in a build log");
    await panel.getByRole("button", { name: "Revoke" }).click();
    await expect(panel.getByRole("status")).toContainText("did not confirm the revocation; it will be retried");
    await expect(panel.getByTestId("revocation")).toContainText("Attempt 1 of 5 failed");
    await expect(sam.getByRole("heading", { level: 1 }).locator("xpath=..")).toContainText("Active");
    await sam.goto("/revocations?status=attention");
    await expect(sam.getByRole("row", { name: /checkout-deployer-ci/ })).toContainText("Failed");
    await expectNoAxeViolations(sam);
  });

  test("security revokes a selection from the inventory, with a reason", async ({ as }) => {
    const sam = await openAs(as, "sam", "/identities?q=omar-sandbox-bot");
    await sam.getByRole("checkbox", { name: "Select omar-sandbox-bot" }).check();
    const bar = sam.getByRole("form", { name: "Bulk revoke" });
    await bar.getByRole("button", { name: "Revoke selected (1)" }).click();
    await expect(bar.getByRole("alert")).toContainText("Nothing was revoked.");
    await bar.getByLabel("Reason").fill("Sandbox bots are cleaned up every quarter");
    await bar.getByRole("button", { name: "Revoke selected (1)" }).click();
    await expect(bar.getByRole("status")).toContainText("1 revocation requested");
    await sam.goto("/revocations");
    await expect(sam.getByRole("row", { name: /omar-sandbox-bot/ })).toBeVisible();
  });
});
