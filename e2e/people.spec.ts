import { expect, expectNoAxeViolations, test } from "./support/fixtures";

test.describe("people and roles", () => {
  test("an admin grants a role, which shows in the person's shell and in the audit log", async ({ as }) => {
    const ada = await as("ada");
    await ada.goto("/people?q=omar");
    await expectNoAxeViolations(ada);
    const row = ada.getByRole("row", { name: /Omar Owner/ });
    await row.getByRole("checkbox", { name: "auditor" }).check();
    await row.getByRole("button", { name: "Save roles of Omar Owner" }).click();
    await expect(row.getByRole("status")).toHaveText("Roles saved.");

    const omar = await as("omar");
    await expect(omar.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" })).toBeVisible();
    await omar.goto("/audit?action=person.roles_changed");
    await expect(omar.getByRole("row").filter({ hasText: "ada.admin@example.com" }).first()).toBeVisible();
  });

  test("an admin cannot grant themselves security", async ({ as }) => {
    const ada = await as("ada");
    await ada.goto("/people?q=ada");
    const row = ada.getByRole("row", { name: /Ada Admin/ });
    await row.getByRole("checkbox", { name: "security" }).check();
    await row.getByRole("button", { name: "Save roles of Ada Admin" }).click();
    await expect(row.getByRole("alert")).toHaveText(
      "Separation of duties: an admin cannot grant themselves the security role.",
    );
    await ada.reload();
    await expect(
      ada.getByRole("row", { name: /Ada Admin/ }).getByRole("checkbox", { name: "security" }),
    ).not.toBeChecked();
  });
});
