import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import postgres from "postgres";
import { expect, expectNoAxeViolations, openIdentity, test } from "./support/fixtures";
import { openAs } from "./support/openers";

// Break-glass end to end, on a real PostgreSQL server: Ada points the payments database's
// connector at it and discovers a fresh role; Sam hands the discovered identity to Maya (the
// Payments team). Omar, on call, opens break-glass with an elevated role: it is granted on the
// server at once and Sam sees it; with the job's clock moved ahead (never slept) the job ends it,
// the role's membership is revoked on the server, and a post-use review waits for Sam and Maya.
// Olivia, not on call, waits for Sam's approval and ends hers by hand.

const TARGET = process.env.STEWARD_TARGET_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const SYSTEM = "Postgres payments-db";
const suffix = randomBytes(3).toString("hex");
const ACCOUNT = `steward_e2e_${suffix}`;
const ELEVATED = `steward_e2e_${suffix}_dba`;
const READERS = `steward_e2e_${suffix}_readers`;

const server = postgres(TARGET, { max: 1, onnotice: () => {} });
const isMember = async (of = ELEVATED) =>
  (
    await server`SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
      WHERE u.rolname = ${ACCOUNT} AND g.rolname = ${of}`
  ).length === 1;

test.beforeAll(async () => {
  await server.unsafe(`CREATE ROLE "${ELEVATED}" NOLOGIN`);
  await server.unsafe(`CREATE ROLE "${READERS}" NOLOGIN`);
  await server.unsafe(`CREATE ROLE "${ACCOUNT}" LOGIN PASSWORD '${randomBytes(12).toString("hex")}'`);
});
test.afterAll(async () => {
  await server.unsafe(`DROP ROLE IF EXISTS "${ACCOUNT}"`);
  await server.unsafe(`DROP ROLE IF EXISTS "${ELEVATED}"`);
  await server.unsafe(`DROP ROLE IF EXISTS "${READERS}"`);
  await server.end({ timeout: 2 });
});

// A fresh connection for each control call: a kept-alive socket the server closed while idle
// (after its 5 s keep-alive) would be reused and hang up ("socket hang up", seen once).
const fresh = { connection: "close" };
/** Runs the named lifecycle jobs in the server as at `aheadMs` from now (time moved, never slept). */
const runJobs = async (page: Page, jobs: string[], aheadMs: number) => {
  const res = await page.request.post("/api/test/jobs", { data: { jobs, aheadMs }, headers: fresh });
  expect(res.status()).toBe(200);
  return (await res.json()) as { results: { job: string; summary: Record<string, number> }[] };
};

test.describe.serial("break-glass", () => {
  test("Omar (on call) opens break-glass on a production identity; it ends on its own and is looked back on", async ({
    as,
  }) => {
    // Ada connects the payments database and discovers its accounts: the new role is bound.
    const ada = await openAs(as, "ada", "/systems");
    const system = ada.getByRole("listitem").filter({ has: ada.getByRole("heading", { name: SYSTEM, exact: true }) });
    await system.getByText("Configure the connector").click();
    const form = system.getByRole("form", { name: `Connector of ${SYSTEM}` });
    await form.getByLabel("Connector").selectOption("postgres");
    await form.getByLabel(/Connection URL/).fill(TARGET);
    await form.getByRole("button", { name: "Save connector" }).click();
    await expect(form.getByRole("status")).toHaveText("Saved.");
    await system
      .getByRole("form", { name: `Discover ${SYSTEM}` })
      .getByRole("button", { name: "Discover accounts" })
      .click();
    await expect(system.getByRole("form", { name: `Discover ${SYSTEM}` }).getByRole("status")).toBeVisible();

    // Sam hands the discovered identity to Maya: it joins the Payments team, where Omar and Olivia
    // work (not to Olivia: the inventory's specs count what she owns).
    const sam = await as("sam");
    await openIdentity(sam, ACCOUNT);
    await sam.getByLabel("Hand over to (email)").fill("maya.manager@example.com");
    await sam.getByRole("button", { name: "Hand over" }).click();
    await expect(sam.getByRole("main").getByRole("status").first()).toBeVisible();

    // Omar asks from the identity's page. Too long first: refused in words, values kept.
    const omar = await as("omar");
    await openIdentity(omar, ACCOUNT);
    await omar.getByRole("link", { name: "Request break-glass access" }).click();
    await expect(omar.getByRole("heading", { level: 1 })).toHaveText("Request break-glass access");
    await expect(omar.getByRole("note")).toContainText("You are on call");
    await omar.getByLabel("Incident (ticket or reference)").fill("INC-4242");
    await omar.getByLabel("Elevated resource (optional)").fill(ELEVATED);
    await omar.getByLabel("Permission (optional)").fill("member");
    await omar.getByLabel(/Duration \(hours, at most 4\)/).fill("9");
    await omar
      .getByLabel("What is happening, and why you need this access")
      .fill("Payouts are stuck; the ledger needs a manual fix");
    await expectNoAxeViolations(omar);
    await omar.getByRole("button", { name: "Request break-glass access" }).click();
    await expect(omar.getByText("At most 4 hours (the policy maximum)")).toBeVisible();
    await expect(omar.getByLabel("Incident (ticket or reference)")).toHaveValue("INC-4242");

    await omar.getByLabel(/Duration \(hours, at most 4\)/).fill("1");
    await omar.getByRole("button", { name: "Request break-glass access" }).click();
    await expect(omar).toHaveURL(/\/break-glass\/[0-9a-f-]{36}$/);
    const record = omar.url();
    await expect(omar.getByRole("heading", { level: 1 })).toHaveText(`Break-glass INC-4242: ${ACCOUNT}`);
    await expect(omar.getByTestId("countdown")).toHaveText(/min \d\d s left/);
    // Granted on the server right after the answer, and read back.
    await expect.poll(() => isMember(), { timeout: 15_000 }).toBe(true);
    await omar.reload();
    await expect(omar.getByText("Granted in the system")).toBeVisible();
    await expectNoAxeViolations(omar);

    // Sam sees it at once, with who holds it and why.
    await sam.goto("/break-glass");
    const active = sam.getByRole("table", { name: "Active break-glass" });
    await expect(active.getByRole("row", { name: /INC-4242/ })).toContainText("Omar Owner (on call)");
    await expect(active.getByRole("row", { name: /INC-4242/ }).getByTestId("countdown")).toBeVisible();
    await expectNoAxeViolations(sam);
    await sam.goto("/notifications");
    await expect(sam.getByRole("main")).toContainText("Omar Owner (on call) opened break-glass");

    // An hour and a minute later (the job's clock, moved): it ends it and removes the role.
    {
      const { results } = await runJobs(sam, ["break-glass"], 61 * 60_000);
      expect(results[0]!.summary).toMatchObject({ ended: 1 });
      await expect.poll(() => isMember(), { timeout: 15_000 }).toBe(false);

      await sam.goto("/break-glass");
      await expect(
        sam.getByRole("table", { name: "Post-use reviews open" }).getByRole("row", { name: /INC-4242/ }),
      ).toContainText("(its time was up)");
      await sam.goto(record);
      await expect(sam.getByRole("form", { name: "Post-use review" })).toBeVisible();
      await expect(sam.getByText("Removed from the system")).toBeVisible();

      const maya = await openAs(as, "maya", record);
      await expect(maya.getByRole("region", { name: "Timeline of its window (and the hour after)" })).toContainText(
        "break_glass.activated",
      );
      const review = maya.getByRole("form", { name: "Post-use review" });
      await review
        .getByLabel("What was done with the access, and was it right?")
        .fill("Fixed two ledger rows as the incident says; nothing else");
      await review.getByRole("checkbox").check();
      await review.getByRole("button", { name: "Complete the review" }).click();
      // The page comes back reviewed: the form gives way to the outcome.
      await expect(maya.getByRole("main")).toContainText("Reviewed by Maya Manager");
      await expect(maya.getByRole("main")).toContainText("The credential's rotation was required.");
      await expectNoAxeViolations(maya);
    }
  });

  test("Olivia (not on call) waits for security's approval; Sam approves, and she ends it now", async ({ as }) => {
    const olivia = await as("olivia");
    await openIdentity(olivia, ACCOUNT);
    await olivia.getByRole("link", { name: "Request break-glass access" }).click();
    await expect(olivia.getByRole("note")).toContainText("You are not on call");
    await olivia.getByLabel("Incident (ticket or reference)").fill("INC-4243");
    await olivia.getByLabel(/Duration/).fill("2");
    await olivia
      .getByLabel("What is happening, and why you need this access")
      .fill("Need the service's own credential to replay payouts");
    await olivia.getByRole("button", { name: "Request break-glass access" }).click();
    await expect(olivia).toHaveURL(/\/break-glass\/[0-9a-f-]{36}$/);
    const record = olivia.url();
    await expect(olivia.getByRole("main")).toContainText("Requested");
    await expect(olivia.getByRole("form", { name: "Decide the break-glass" })).toHaveCount(0);

    const sam = await openAs(as, "sam", "/requests");
    await expect(sam.getByRole("main").getByRole("alert").filter({ hasText: "break-glass" })).toContainText(
      "1 break-glass waits for security",
    );
    await sam.goto(record);
    const decide = sam.getByRole("form", { name: "Decide the break-glass" });
    await decide.getByRole("button", { name: "Approve" }).click();
    // The page comes back open: the decision gives way to the countdown.
    await expect(sam.getByTestId("countdown")).toBeVisible();
    await expect(decide).toHaveCount(0);
    await expect(sam.getByRole("main")).toContainText("Sam Security");

    await olivia.reload();
    await olivia.getByRole("button", { name: "End now: INC-4243" }).click();
    await expect(olivia.getByRole("main")).toContainText("by Olivia Owner");
    await expect(olivia.getByTestId("countdown")).toHaveCount(0);
  });

  test("Maya's approved request for more access leaves the real role a member of the granted role, shown granted once read back", async ({
    as,
  }) => {
    const maya = await as("maya");
    await openIdentity(maya, ACCOUNT);
    await maya.getByRole("link", { name: "More access" }).click();
    const form = maya.getByRole("form", { name: "Request" });
    await form.getByLabel("Resource").fill(READERS);
    await form.getByLabel("Permission").fill("member");
    await form.getByLabel("Duration (optional)").fill("8");
    await form.getByLabel("Justification").fill("The ledger report reads through this role from now on");
    await form.getByRole("button", { name: "Submit request" }).click();
    await expect(maya).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
    const request = maya.url();
    expect(await isMember(READERS)).toBe(false);

    // Maya has no manager: security decides.
    const sam = await openAs(as, "sam", request);
    await sam.getByRole("button", { name: "Approve" }).click();
    await expect(sam.getByRole("main").getByRole("status").first()).toContainText("Approved");
    await expect.poll(() => isMember(READERS), { timeout: 15_000 }).toBe(true);
    await maya.reload();
    await expect(maya.getByTestId("grant-progress")).toContainText("Granted and confirmed by the system");
    await expect(maya.getByTestId("grant-progress")).toContainText("It ends by itself at");
    await expectNoAxeViolations(maya);
  });
});
