import { expect, expectNoAxeViolations, test } from "./support/fixtures";
import { openAs } from "./support/openers";

// API tokens end to end: Omar makes a token on the Tokens page (shown once), a pipeline uses it —
// his identities, a request submitted twice under one Idempotency-Key (one request) — its last use
// shows on the page, and revoking it refuses the token at once. The reference page reads the same
// OpenAPI document the API serves. Ari (auditor) owns nothing, so makes no tokens.

const fresh = { connection: "close" };

test("Omar makes a token, a pipeline uses it, and revoking it refuses it at once", async ({ as }) => {
  const omar = await openAs(as, "omar", "/tokens");
  await expect(omar.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();
  const form = omar.getByRole("form", { name: "New API token" });
  await form.getByLabel(/^Name/).fill("nightly-export");
  await form.getByLabel("What it is for").fill("The nightly settlement export reads and files requests.");
  await form.getByLabel(/^write:/).check();
  // Too long first: refused in words, what was typed kept.
  await form.getByLabel(/^Expires in/).fill("400");
  await form.getByRole("button", { name: "Make token" }).click();
  await expect(form.getByText(/At most 90 days/)).toBeVisible();
  await expect(form.getByLabel(/^Name/)).toHaveValue("nightly-export");
  await form.getByLabel(/^Expires in/).fill("30");
  await form.getByRole("button", { name: "Make token" }).click();
  const shown = form.getByLabel("New token");
  await expect(shown).toHaveText(/^stw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const token = (await shown.innerText()).trim();
  await expect(omar.getByRole("link", { name: "nightly-export" })).toBeVisible();
  await expectNoAxeViolations(omar);

  // The session cookie is not a credential for the API: only the bearer token is.
  const anonymous = await omar.request.get("/api/v1/identities", { headers: fresh });
  expect(anonymous.status()).toBe(401);
  const auth = { authorization: `Bearer ${token}`, ...fresh };
  const mine = await omar.request.get("/api/v1/identities?owner=me&size=50", { headers: auth });
  expect(mine.status()).toBe(200);
  const names = ((await mine.json()) as { data: { name: string }[] }).data.map((r) => r.name);
  expect(names).toContain("settlement-exporter");
  expect(names).toContain("omar.owner@example.com/nightly-export");

  const settlement = ((await mine.json()) as { data: { id: string; name: string }[] }).data.find(
    (r) => r.name === "settlement-exporter",
  )!;
  const ask = {
    type: "extend_expiry",
    identityId: settlement.id,
    expiresOn: new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10),
    justification: "The nightly export still runs every night.",
  };
  const headers = { ...auth, "idempotency-key": `e2e-${Date.now()}` };
  const first = await omar.request.post("/api/v1/requests", { headers, data: ask });
  expect(first.status()).toBe(201);
  const again = await omar.request.post("/api/v1/requests", { headers, data: ask });
  expect(again.status()).toBe(201);
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect((await again.json()).id).toBe((await first.json()).id);
  const unknown = await omar.request.post("/api/v1/requests", { headers: auth, data: { ...ask, approve: true } });
  expect(unknown.status()).toBe(400);
  expect((await unknown.json()).error.fields).toHaveProperty("approve");

  // The page shows the request once, and the token's last use.
  const requestId = ((await first.json()) as { id: string }).id;
  await omar.goto("/requests?queue=mine");
  await expect(omar.locator(`a[href="/requests/${requestId}"]`)).toHaveCount(1);
  await omar.goto("/tokens");
  const row = omar.getByRole("row").filter({ hasText: "nightly-export" });
  await expect(row.getByText(/UTC$/)).toBeVisible();

  await row.getByLabel("Reason").fill("The export moved to workload identity.");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(omar.getByRole("row").filter({ hasText: "nightly-export" }).getByText("revoked")).toBeVisible();
  const refused = await omar.request.get("/api/v1/identities", { headers: auth });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.message).toMatch(/revoked/);
});

test("the API reference reads the served OpenAPI document; Ari (auditor) makes no tokens", async ({ as }) => {
  const omar = await openAs(as, "omar", "/tokens/reference");
  await expect(omar.getByRole("heading", { name: "API reference", level: 1 })).toBeVisible();
  await expect(omar.getByRole("heading", { name: /^POST \/api\/v1\/requests: Submit a request$/ })).toBeVisible();
  await expectNoAxeViolations(omar);
  const doc = await omar.request.get("/api/v1/openapi.json", { headers: fresh });
  expect(doc.status()).toBe(200);
  expect((await doc.json()).openapi).toBe("3.1.0");
  const ari = await openAs(as, "ari", "/tokens");
  await expect(ari.getByText("Auditors own no identities, so they make no tokens")).toBeVisible();
  await expect(ari.getByRole("form", { name: "New API token" })).toHaveCount(0);
});

test("a collector reports usage; unusual use shows on the overview and the identity, and Sam marks it reviewed", async ({
  as,
}) => {
  const sam = await openAs(as, "sam", "/tokens");
  const form = sam.getByRole("form", { name: "New API token" });
  await form.getByLabel(/^Name/).fill("cloudtrail-collector");
  await form.getByLabel("What it is for").fill("Reports CloudTrail usage of AWS identities.");
  await form.getByLabel(/^write:/).check();
  await form.getByRole("button", { name: "Make token" }).click();
  const token = (await form.getByLabel("New token").innerText()).trim();
  const auth = { authorization: `Bearer ${token}`, ...fresh };
  const scanner = await sam.request.get("/api/v1/identities?q=security-scanner&size=10", { headers: auth });
  const id = ((await scanner.json()) as { data: { id: string; name: string }[] }).data.find(
    (r) => r.name === "security-scanner",
  )!.id;
  const detail = (await (await sam.request.get(`/api/v1/identities/${id}`, { headers: auth })).json()) as {
    externalId: string;
    system: { name: string };
  };
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const event = (minutesAgo: number, source: Record<string, string>) => ({
    system: detail.system.name,
    externalId: detail.externalId,
    usedAt: at(minutesAgo),
    source,
  });
  const post = (events: unknown[]) => sam.request.post("/api/v1/usage", { headers: auth, data: { events } });
  // Its usual source first (a history), then a new address and a person at a browser.
  expect((await post([event(30, { address: "10.20.0.4", workload: "scanner-cron" })])).status()).toBe(200);
  const unusual = await post([
    event(20, { address: "203.0.113.50" }),
    event(10, { address: "10.20.0.4", workload: "scanner-cron", userAgent: "Mozilla/5.0 (X11; Linux) Chrome/131" }),
  ]);
  expect(((await unusual.json()) as { flagged: unknown }).flagged).toEqual({ newSource: 1, interactive: 1 });

  await sam.goto("/");
  const region = sam.getByRole("region", { name: "Unusual use" });
  await expect(region).toContainText("used from a new source or by a person at a keyboard");
  await region.getByRole("link", { name: "security-scanner" }).click();
  await expect(sam.getByRole("heading", { name: "Unusual use: 2 flags to review" })).toBeVisible();
  await expect(sam.getByText(/Used from a source it has never used before .*address 203\.0\.113\.50/)).toBeVisible();
  await expectNoAxeViolations(sam);
  const review = sam.getByRole("form", { name: "Review the unusual use" });
  await review.getByLabel(/What was it/).fill("A new scanner host and Sam checking it in a browser.");
  await review.getByRole("button", { name: "Mark reviewed" }).click();
  await expect(sam.getByRole("heading", { name: /Unusual use:/ })).toHaveCount(0);
  await sam.goto("/");
  await expect(sam.getByRole("region", { name: "Unusual use" })).toHaveCount(0);
});

test("Sam previews a file on the Import page, imports it, and a broken one is refused with its lines", async ({
  as,
}) => {
  const sam = await openAs(as, "sam", "/import");
  await expect(sam.getByRole("heading", { name: "Import identities", level: 1 })).toBeVisible();
  const form = sam.getByRole("form", { name: "Import a file" });
  await form.getByLabel("Format").selectOption("csv");
  await form.getByLabel(/^System/).fill("Nightly batch (e2e)");
  const csv = [
    "external_id,name,kind,owner_email,purpose,last_used_at",
    "batch-1,nightly-export,service_account,omar.owner@example.com,Exports the settlement file.,2026-11-30T02:00:00Z",
    "batch-2,nightly-cleanup,bot,,,",
  ].join("\n");
  await form.getByLabel("File").setInputFiles({ name: "accounts.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await form.getByRole("button", { name: "Preview" }).click();
  const outcome = sam.getByRole("region", { name: /Preview: nothing written yet into Nightly batch \(e2e\)/ });
  await expect(outcome.getByRole("status")).toContainText("2 rows: 2 to create");
  await expect(outcome.getByRole("row").filter({ hasText: "nightly-cleanup" })).toContainText("none: arrives orphaned");
  await expectNoAxeViolations(sam);
  await outcome.getByRole("button", { name: "Import 2 rows" }).click();
  const done = sam.getByRole("region", { name: /^Imported into Nightly batch \(e2e\)/ });
  await expect(done.getByRole("status")).toContainText("2 created");
  await done.getByRole("link", { name: /Open Nightly batch \(e2e\) in the inventory/ }).click();
  await expect(sam.getByRole("link", { name: "nightly-export", exact: true })).toBeVisible();
  await expect(sam.getByRole("link", { name: "nightly-cleanup", exact: true })).toBeVisible();

  await sam.goto("/import");
  await form.getByLabel("Format").selectOption("csv");
  await form.getByLabel("File").setInputFiles({
    name: "broken.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("external_id,name,kind\nx-1,ok-one,bot\nx-2,bad-one,robot\n"),
  });
  await form.getByRole("button", { name: "Preview" }).click();
  const alert = sam.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("Nothing was imported: the file has a problem.");
  await expect(alert).toContainText('Line 3: kind "robot"');
});
