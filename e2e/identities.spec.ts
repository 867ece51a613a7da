import { readFileSync } from "node:fs";
import { expect, expectNoAxeViolations, test } from "./support/fixtures";

// One server database is shared by the specs of a run: each test changes identities no other
// test counts (fraud-scoring-agent, payments-alerts-bot, invoice-sync-app, dan-test-key).

test.describe("the identity inventory", () => {
  test("Olivia opens My identities, sees owner, purpose, expiry and last use, and attests one", async ({ as }) => {
    const olivia = await as("olivia");
    await olivia.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identities" }).click();
    await olivia.getByRole("navigation", { name: "Saved views" }).getByRole("link", { name: "My identities" }).click();
    await expect(olivia).toHaveURL(/owner=me/);
    await expect(olivia.getByTestId("total")).toHaveText("6");
    const row = olivia.getByRole("row", { name: /fraud-scoring-agent/ });
    await expect(row).toContainText("Olivia Owner");
    await expect(row).toContainText("Scores refund");
    await expectNoAxeViolations(olivia);

    await row.getByRole("link", { name: "fraud-scoring-agent" }).click();
    await expect(olivia.getByRole("heading", { level: 1 })).toHaveText("fraud-scoring-agent");
    await expect(olivia.getByRole("heading", { name: /Risk \d+ of 100/ })).toBeVisible();
    await expect(olivia.getByRole("row", { name: /Dormant/ }).first()).toContainText("NHI1 Improper Offboarding");
    await expectNoAxeViolations(olivia);

    await olivia.getByRole("button", { name: "Attest" }).click();
    await expect(olivia.getByRole("main").getByRole("status").filter({ hasText: "Attested" })).toBeVisible();
    const timeline = olivia.getByRole("list", { name: "Audit events for this identity" });
    await expect(timeline).toContainText("identity.attested");
    await expect(timeline).toContainText("olivia.owner@example.com");
  });

  test("a member cannot see or change what is not theirs or their team's", async ({ as }) => {
    const sam = await as("sam");
    await sam.goto("/identities?q=analytics&size=10");
    const stranger = sam
      .getByRole("row")
      .filter({ hasText: "analytics" })
      .filter({ hasNotText: /Payments|Olivia|Omar|Maya/ })
      .first();
    const href = await stranger.getByRole("link").first().getAttribute("href");
    expect(href).toMatch(/^\/identities\/[0-9a-f-]{36}$/);

    const olivia = await as("olivia");
    const response = await olivia.goto(href!);
    expect(response?.status()).toBe(404);
    // Olivia owns nothing she could hand over herself: that takes her manager or security.
    await olivia.goto("/identities?owner=me");
    await olivia.getByRole("link", { name: "payments-alerts-bot" }).click();
    await expect(olivia.getByRole("button", { name: "Hand over" })).toHaveCount(0);
    await expect(olivia.getByRole("link", { name: "A new owner (transfer request)" })).toHaveAttribute(
      "href",
      /\/requests\/new\?type=transfer_ownership&identity=/,
    );
  });

  test("Maya hands a departed report's identity over to Omar, who then sees it as his", async ({ as }) => {
    const maya = await as("maya");
    await maya.goto("/identities?state=orphaned&q=invoice-sync");
    await expect(maya.getByRole("row", { name: /invoice-sync-app/ })).toContainText("departed");
    await maya.getByRole("link", { name: "invoice-sync-app" }).click();
    await maya.getByLabel("Hand over to (email)").fill("nobody@example.com");
    await maya.getByRole("button", { name: "Hand over" }).click();
    await expect(maya.getByText("Nobody active has the email nobody@example.com.")).toBeVisible();
    // The form keeps what was typed when the server refuses it.
    await expect(maya.getByLabel("Hand over to (email)")).toHaveValue("nobody@example.com");
    await maya.getByLabel("Hand over to (email)").fill("omar.owner@example.com");
    await maya.getByRole("button", { name: "Hand over" }).click();
    await expect(maya.getByRole("main").getByRole("status").filter({ hasText: "Handed over" })).toBeVisible();

    const omar = await as("omar");
    await omar.goto("/identities?owner=me&q=invoice-sync");
    await expect(omar.getByRole("row", { name: /invoice-sync-app/ })).toContainText("Omar Owner");
  });

  test("security filters, sorts and pages by URL, and the same URL shows an auditor the same view", async ({ as }) => {
    const sam = await as("sam");
    await sam.goto("/identities");
    const filters = sam.getByRole("form", { name: "Filter identities" });
    await filters.getByLabel("Environment").selectOption("production");
    await filters.getByLabel("Privileged").check();
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(sam).toHaveURL(/env=production/);
    await expect(sam).toHaveURL(/privileged=1/);
    const total = await sam.getByTestId("total").innerText();

    // Sort by risk from its header: highest first, and the header says so.
    await sam.getByRole("columnheader", { name: /Risk/ }).getByRole("link").click();
    await expect(sam.getByRole("columnheader", { name: /Risk/ })).toHaveAttribute("aria-sort", "descending");
    const first = (await sam.getByRole("row").nth(1).textContent())!;

    await sam.getByRole("link", { name: "Next →" }).click();
    await expect(sam).toHaveURL(/after=/);
    await expect(sam.getByText("Page 2")).toBeVisible();
    await sam.getByRole("link", { name: "← Previous" }).click();
    await expect(sam.getByRole("row").nth(1)).toHaveText(first);

    const ari = await as("ari");
    await ari.goto(sam.url());
    await expect(ari.getByTestId("total")).toHaveText(total);
    await expect(ari.getByRole("row").nth(1)).toHaveText(first);
  });

  test("security filters by a team typed by name, picked from suggestions, and by an owner's email", async ({ as }) => {
    const sam = await as("sam");
    await sam.goto("/identities");
    const filters = sam.getByRole("form", { name: "Filter identities" });
    const team = filters.getByLabel("Team");
    await team.fill("Paym");
    // The suggestions are a datalist filled from the server as the person types.
    await expect(sam.locator("#f-team-suggestions option[value='Payments']")).toHaveCount(1);
    await team.fill("Payments");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(sam).toHaveURL(/team=Payments/);
    const rows = sam.locator("table tbody tr");
    await expect(rows.first()).toContainText("Payments");
    expect(await rows.filter({ hasNotText: "Payments" }).count()).toBe(0);

    await filters.getByLabel("Team").fill("");
    await filters.getByLabel("Owner").fill("OMAR.owner@example.com");
    await filters.getByRole("button", { name: "Apply filters" }).click();
    await expect(sam).toHaveURL(/owner=OMAR.owner%40example.com/);
    await expect(rows.first()).toContainText("Omar Owner");
    expect(await rows.filter({ hasNotText: "Omar Owner" }).count()).toBe(0);
    await expectNoAxeViolations(sam);
  });

  test("the table works from the keyboard: sort by a header, select own rows, bulk attest", async ({ as }) => {
    const olivia = await as("olivia");
    await olivia.goto("/identities?owner=me&cols=owner,expires,risk");
    await expect(olivia.getByRole("columnheader", { name: "Purpose" })).toHaveCount(0);
    await olivia
      .getByRole("columnheader", { name: /Expires/ })
      .getByRole("link")
      .focus();
    await olivia.keyboard.press("Enter");
    await expect(olivia).toHaveURL(/sort=expires/);
    await expect(olivia.getByRole("columnheader", { name: /Expires/ })).toHaveAttribute("aria-sort", "ascending");

    await olivia.getByRole("checkbox", { name: "Select payments-alerts-bot" }).focus();
    await olivia.keyboard.press("Space");
    await expect(olivia.getByRole("button", { name: "Attest selected (1)" })).toBeEnabled();
    await olivia.getByRole("button", { name: "Attest selected (1)" }).focus();
    await olivia.keyboard.press("Enter");
    await expect(olivia.getByRole("main").getByRole("status").filter({ hasText: "Attested 1 identity" })).toBeVisible();
  });

  test("bad parameters get a clear message, never a server error", async ({ as }) => {
    const sam = await as("sam");
    for (const url of [
      "/identities?sort=password&size=1000000000",
      "/identities?after=not-a-cursor!!",
      "/identities?riskMin=500&kind=robot",
    ]) {
      const response = await sam.goto(url);
      expect(response?.status(), url).toBe(200);
      await expect(sam.getByRole("main").getByRole("alert")).toContainText("Some filters are not valid.");
    }
    const response = await sam.goto(`/identities?q=${encodeURIComponent("'; DROP TABLE identities; --")}`);
    expect(response?.status()).toBe(200);
    await expect(sam.getByText("No identities match these filters.")).toBeVisible();
    await sam.goto("/identities?q=legacy-batch");
    await expect(sam.getByRole("row", { name: /legacy-batch-loader/ })).toBeVisible();
  });

  test("CSV export (a POST from the page) streams every matching identity and is audited; another site cannot start one", async ({
    as,
  }) => {
    const olivia = await as("olivia");
    await olivia.goto("/identities?owner=me");
    const downloadPromise = olivia.waitForEvent("download");
    await olivia.getByRole("button", { name: "Export CSV" }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/^steward-identities-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8");
    const lines = csv.trim().split("\n");
    expect(lines[0]).toBe(
      "id,name,kind,system,environment,owner,owner_departed,team,purpose,status,created_at,expires_at,last_used_at,next_review_at,risk_score,risk_top_factor,privileged,states",
    );
    expect(lines).toHaveLength(7);
    expect(lines.slice(1).every((l) => l.includes("Olivia Owner"))).toBe(true);

    // The button posts the filter: the page stays where it was.
    await expect(olivia).toHaveURL(/\/identities\?owner=me$/);

    // Another site posting the same form with Olivia's cookie is refused, and nothing is recorded;
    // a GET (an old link, an <img>) exports nothing and lands on the inventory.
    const forged = await olivia.request.post("/identities/export", {
      form: { q: "cross-site-probe" },
      headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    expect(forged.status()).toBe(403);
    const viaGet = await olivia.request.get("/identities/export?q=get-probe", { maxRedirects: 0 });
    expect(viaGet.status()).toBe(303);
    expect(viaGet.headers()["location"]).toBe("/identities?q=get-probe");

    const sam = await as("sam");
    await sam.goto("/audit?action=identities.exported");
    await expect(sam.getByRole("row").filter({ hasText: "olivia.owner@example.com" }).first()).toContainText(
      "owner=me",
    );
    await expect(sam.getByRole("row").filter({ hasText: /cross-site-probe|get-probe/ })).toHaveCount(0);
  });
});
