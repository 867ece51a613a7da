import { expect, expectNoAxeViolations, test } from "./support/fixtures";
import { openAs } from "./support/openers";

test.describe("requests and approvals", () => {
  test("a fresh request form asks nothing in code words; an auditor gets no form at all", async ({ as }) => {
    const omar = await openAs(as, "omar", "/requests/new");
    const form = omar.getByRole("form", { name: "Request" });
    await expect(form.getByRole("status")).toContainText("Fill in the form to see policy's verdict.");
    await expect(form).not.toContainText("Invalid input");
    // Touching a field and leaving it short names that field's problem, in words.
    await form.getByLabel("Name", { exact: true }).fill("x");
    await expect(form.getByRole("status")).toContainText("The name needs at least 3 characters.");
    await expect(form).not.toContainText("Invalid input");
    await expect(form.getByLabel("Environment", { exact: true })).toHaveCount(0);

    const ari = await openAs(as, "ari", "/requests");
    await expect(ari.getByRole("link", { name: "New request" })).toHaveCount(0);
    await ari.goto("/requests/new");
    await expect(
      ari.getByText("Auditors read everything and change nothing: there is nothing to request here."),
    ).toBeVisible();
    await expect(ari.getByRole("form", { name: "Request" })).toHaveCount(0);
  });

  test("Olivia requests a privileged production service account; Maya, then Sam, approve; it is active and every step is audited", async ({
    as,
  }) => {
    const olivia = await as("olivia");
    await olivia.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Requests" }).click();
    await olivia.getByRole("link", { name: "New request" }).click();
    const form = olivia.getByRole("form", { name: "Request" });
    await form.getByLabel("Name", { exact: true }).fill("chargeback-importer");
    await form.getByLabel(/^System/).selectOption({ label: "AWS production (4123-8891-2207) — production" });
    await form.getByLabel("Purpose").fill("Imports card chargebacks from the acquirer every hour");
    await form.getByLabel("Expires on").fill(new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10));
    await form.getByLabel(/Entitlements/).fill("arn:aws:iam::4123:role/chargebacks AdministratorAccess");
    await form.getByLabel("Justification").fill("The chargeback import moves off the shared batch account");
    // Policy's verdict, live, before submitting.
    await expect(olivia.getByTestId("policy-verdict")).toContainText(
      "Needs approval by the owner's manager, then the security team",
    );
    await expectNoAxeViolations(olivia);
    await form.getByRole("button", { name: "Submit request" }).click();
    await expect(olivia).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
    const requestUrl = olivia.url();
    await expect(olivia.getByRole("heading", { level: 1 })).toContainText("New identity: chargeback-importer");
    // Her own request offers her no decision, only a cancel.
    await expect(olivia.getByRole("button", { name: "Approve" })).toHaveCount(0);
    await expect(olivia.getByRole("button", { name: "Cancel request" })).toBeVisible();

    const maya = await as("maya");
    await expect(maya.getByTestId("inbox")).toHaveAttribute(
      "aria-label",
      /Inbox: [1-9]\d* requests? waits? for your decision/,
    );
    await maya.goto("/requests?queue=decide");
    await maya.getByRole("link", { name: /chargeback-importer/ }).click();

    // Olivia posts the decision form directly (the fields of Maya's form, her own session): refused on the server.
    const fields = await maya
      .locator("form", { has: maya.getByRole("button", { name: "Approve" }) })
      .evaluate((form) =>
        [...new FormData(form as HTMLFormElement)].map(([k, v]) => [k, String(v)] as [string, string]),
      );
    expect(fields.some(([k]) => k.startsWith("$ACTION"))).toBe(true);
    const forged = await olivia.request.post(requestUrl, {
      multipart: Object.fromEntries([...fields, ["decision", "approve"]]),
    });
    expect(await forged.text()).toContain("Nobody decides their own request");
    await maya.reload();
    await expect(maya.getByText(/Stage 1: the owner's manager.*waiting/)).toBeVisible();

    await maya.getByRole("button", { name: "Approve" }).click();
    await expect(maya.getByRole("status").filter({ hasText: "moves to the next stage" })).toBeVisible();

    const sam = await openAs(as, "sam", requestUrl);
    await sam.getByLabel("Comment (required to deny)").fill("Scoped to the chargebacks role");
    await sam.getByRole("button", { name: "Approve" }).click();
    await expect(sam.getByRole("status").filter({ hasText: "carried out" })).toBeVisible();
    await sam.goto("/identities?q=chargeback-importer");
    const row = sam.getByRole("row", { name: /chargeback-importer/ });
    await expect(row).toContainText("Olivia Owner");
    await expect(row).toContainText("Active");

    await sam.goto("/audit");
    for (const action of ["request.submitted", "request.stage_approved", "identity.created", "request.fulfilled"]) {
      await expect(sam.getByRole("table").getByText(action, { exact: true }).first()).toBeVisible();
    }
  });

  test("a request policy refuses is not submitted, and the form keeps what was typed", async ({ as }) => {
    const omar = await openAs(as, "omar", "/requests/new");
    const form = omar.getByRole("form", { name: "Request" });
    await form.getByLabel("Name", { exact: true }).fill("omar-forever-key");
    await form.getByLabel(/^System/).selectOption({ label: "Datadog — production" });
    await form.getByLabel("Purpose").fill("Sends payout metrics for ever");
    await form.getByLabel("Expires on").fill(new Date(Date.now() + 400 * 86_400_000).toISOString().slice(0, 10));
    await form.getByLabel("Justification").fill("I never want to renew this");
    await expect(omar.getByTestId("policy-verdict")).toContainText("production allows at most 90 days");
    await form.getByRole("button", { name: "Submit request" }).click();
    await expect(omar.getByRole("alert").filter({ hasText: "Policy refuses this request" })).toBeVisible();
    // The form keeps what was typed.
    await expect(form.getByLabel("Name", { exact: true })).toHaveValue("omar-forever-key");
    await expect(form.getByLabel("Justification")).toHaveValue("I never want to renew this");
  });

  test("security tunes a policy number on the Settings page; a bad value is refused and kept; auditors only read", async ({
    as,
  }) => {
    const sam = await as("sam");
    await sam.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    const stale = sam.getByLabel("Stale requests expire after (days)");
    await stale.fill("0");
    await stale.locator("xpath=..").getByRole("button", { name: "Save" }).click();
    await expect(sam.getByRole("alert").filter({ hasText: "The setting was not changed." })).toBeVisible();
    await expect(stale).toHaveValue("0");
    await stale.fill("21");
    await stale.locator("xpath=..").getByRole("button", { name: "Save" }).click();
    await expect(sam.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expectNoAxeViolations(sam);

    const ari = await openAs(as, "ari", "/settings");
    await expect(ari.getByLabel("Stale requests expire after (days)")).toHaveValue("21");
    await expect(ari.getByRole("button", { name: "Save" })).toHaveCount(0);
    await ari.goto("/audit?action=setting.changed");
    await expect(ari.getByRole("table").getByText("sam.security@example.com").first()).toBeVisible();
  });

  test("Maya sorts her queue and approves the standard requests in bulk; the privileged one stays for her to decide alone", async ({
    as,
  }) => {
    const maya = await openAs(as, "maya", "/requests");
    // Sortable by URL: the Request column sorts by type, and says so to assistive technology.
    await maya
      .getByRole("columnheader", { name: /^Request(?!er)/ })
      .getByRole("link")
      .click();
    await expect(maya).toHaveURL(/sort=type/);
    await expect(maya.getByRole("columnheader", { name: /^Request(?!er)/ })).toHaveAttribute("aria-sort", "ascending");
    await maya.getByRole("checkbox", { name: "Standard only" }).check();
    await maya.getByRole("button", { name: "Apply" }).click();
    await expect(maya).toHaveURL(/standard=1/);
    const standardRows = maya.getByRole("row").filter({ has: maya.getByText("standard", { exact: true }) });
    // The rows stream in after the page's frame: wait for them before counting.
    await expect(standardRows.first()).toBeVisible();
    const n = await standardRows.count();
    expect(n).toBeGreaterThanOrEqual(2);
    await expectNoAxeViolations(maya);
    await maya.getByRole("checkbox", { name: "Select every standard request on this page" }).check();
    await maya.getByRole("button", { name: `Approve selected (${n})` }).click();
    await expect(maya.getByRole("status").filter({ hasText: `Approved ${n} requests` })).toBeVisible();
    await maya.reload();
    await expect(maya.getByText("Nothing here.")).toBeVisible();

    // Olivia sees hers decided, and the extension carried out.
    const olivia = await openAs(as, "olivia", "/requests?queue=mine&status=fulfilled");
    await expect(olivia.getByRole("row", { name: /Extend expiry: ledger-reconciler-key/ })).toContainText("Fulfilled");
  });
});
