import { expect, test } from "./support/fixtures";
import { openAs } from "./support/openers";

// Issue 10, defects 5 and 8, as a browser sees them: an id in a URL shows nothing to someone the
// inventory would not show it to (a 404, like an id that does not exist), and no malformed id,
// cursor or date in a URL answers 500.

test.describe("reads by id and bad URLs", () => {
  test("the new-request prefill and the identity page are 404 for an identity out of scope or a malformed id", async ({
    as,
  }) => {
    const sam = await openAs(as, "sam", "/identities?q=security-scanner");
    const href = await sam.getByRole("link", { name: "security-scanner", exact: true }).getAttribute("href");
    expect(href).toMatch(/^\/identities\/[0-9a-f-]{36}$/);
    const id = href!.split("/").pop()!;

    const olivia = await as("olivia");
    for (const url of [
      `/requests/new?type=grant_entitlement&identity=${id}`,
      href!,
      "/requests/new?identity=not-a-uuid",
      "/requests/new?identity=%27%20OR%201%3D1--",
      "/identities/not-a-uuid",
      "/requests/not-a-uuid",
    ]) {
      const response = await olivia.goto(url);
      expect(response?.status(), url).toBe(404);
      await expect(olivia.getByRole("main")).not.toContainText("security-scanner");
    }
    // Her own identity is prefilled as before.
    await olivia.goto("/identities?owner=me");
    const own = await olivia.getByRole("link", { name: "payments-alerts-bot" }).getAttribute("href");
    const response = await olivia.goto(`/requests/new?type=grant_entitlement&identity=${own!.split("/").pop()}`);
    expect(response?.status()).toBe(200);
    await expect(olivia.getByRole("form", { name: "Request" }).getByLabel("Identity")).toHaveValue(
      own!.split("/").pop()!,
    );
  });

  test("cursors and dates that pass a pattern but not the database are a message, not a 500", async ({ as }) => {
    const forged = "2026-02-30T00:00:00.000Z_------------------------------------";
    const sam = await as("sam");
    for (const url of [
      `/revocations?after=${forged}`,
      `/requests?queue=all&after=${forged}`,
      "/audit?from=0000-01-01",
      "/audit?to=2026-02-30",
      "/identities?q=pay%00ments",
    ]) {
      const response = await sam.goto(url);
      expect(response?.status(), url).toBe(200);
      await expect(sam.getByRole("main").getByRole("alert").first(), url).toBeVisible();
    }
    const ada = await as("ada");
    const token = Buffer.from(JSON.stringify(["Ada", "------------------------------------"])).toString("base64url");
    expect((await ada.goto(`/people?after=${token}`))?.status()).toBe(200);
    expect((await ada.goto("/people?q=ada%00"))?.status()).toBe(200);
    await expect(ada.getByRole("main").getByRole("alert")).toContainText("Remove the NUL character");
  });

  test("the webhook callback refuses a body over 64 KB with 413", async ({ request }) => {
    const res = await request.post("/api/v1/connectors/webhook/callback", {
      data: JSON.stringify({ revocationId: "x", revoked: true, detail: "x".repeat(70_000) }),
      headers: { "content-type": "application/json" },
    });
    expect(res.status()).toBe(413);
  });
});
