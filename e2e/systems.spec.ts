import { expect, expectNoAxeViolations, test } from "./support/fixtures";

test.describe("systems", () => {
  test("Ada sets a webhook connector (the secret never comes back), then retires Slack after confirming how many identities it revokes", async ({
    as,
  }) => {
    const ada = await as("ada");
    await ada.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Systems" }).click();
    const slack = ada.getByRole("listitem").filter({ has: ada.getByRole("heading", { name: "Slack", exact: true }) });
    await slack.getByText("Configure the connector").click();
    const form = slack.getByRole("form", { name: "Connector of Slack" });
    await form.getByLabel("Connector").selectOption("webhook");
    await form.getByLabel(/Receiver URL/).fill("https://hooks.internal/slack");
    await form.getByLabel(/Signing secret/).fill("short");
    await form.getByRole("button", { name: "Save connector" }).click();
    await expect(form.getByRole("alert")).toContainText("at least 16 characters");
    await form.getByLabel(/Signing secret/).fill("slack-receiver-signing-secret-42");
    await form.getByRole("button", { name: "Save connector" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved.");
    await ada.reload();
    await expect(slack).toContainText("Signing secret");
    await expect(slack).toContainText("set");
    expect(await ada.content()).not.toContain("slack-receiver-signing-secret-42");
    await expectNoAxeViolations(ada);

    await slack.getByText("Retire this system").click();
    const retire = slack.getByRole("form", { name: "Retire Slack" });
    const button = retire.getByRole("button", { name: /Retire and revoke \d+/ });
    const count = Number((await button.textContent())!.match(/\d+/)![0]);
    expect(count).toBeGreaterThan(0);
    await retire.getByLabel("Why it ends").fill("We moved chat to another vendor");
    await retire.getByRole("checkbox").check();
    await button.click();
    await expect(retire.getByRole("status")).toContainText(`${count} revocation`);
    await ada.reload();
    await expect(slack).toContainText("Retired");

    const sam = await as("sam");
    await sam.goto("/audit?action=system.retired");
    await expect(sam.getByRole("table").getByText("ada.admin@example.com").first()).toBeVisible();
  });

  test("members and managers do not see the systems", async ({ as }) => {
    const maya = await as("maya");
    await maya.goto("/systems");
    await expect(maya.getByRole("main").getByRole("alert")).toHaveText(
      "Only admins, security and auditors see the systems.",
    );
  });
});
