import { expect, test } from "./support/fixtures";

// What a newcomer sees at an ordinary laptop size: the inventory fits its window or scrolls in its
// own frame with each row's name in view, and a request names what it asks about.

test.describe("at 1440 × 900", () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test("the inventory's Risk column is in view, or the table scrolls in its own frame keeping the name column; the page never scrolls sideways", async ({
    as,
  }) => {
    const sam = await as("sam"); // security: the whole estate, every column
    await sam.setViewportSize({ width: 1440, height: 900 });
    await sam.goto("/identities");
    const table = sam.getByRole("table", { name: "Non-human identities" });
    await expect(table.getByRole("row").nth(1)).toBeVisible();

    const layout = await table.evaluate((el) => {
      const frame = el.parentElement!;
      const risk = [...el.querySelectorAll("th")]
        .find((th) => th.textContent?.trim().startsWith("Risk"))!
        .getBoundingClientRect();
      return {
        viewport: window.innerWidth,
        pageScrollWidth: document.documentElement.scrollWidth,
        riskRight: risk.right,
        frameScrolls: getComputedStyle(frame).overflowX === "auto" || getComputedStyle(frame).overflowX === "scroll",
        frameRight: frame.getBoundingClientRect().right,
        frameOverflows: frame.scrollWidth > frame.clientWidth,
        nameLeft: el.querySelector("tbody tr td:nth-child(2)")!.getBoundingClientRect().left,
      };
    });
    // The page itself never scrolls sideways.
    expect(layout.pageScrollWidth).toBeLessThanOrEqual(layout.viewport);
    // The table's frame ends inside the window…
    expect(layout.frameRight).toBeLessThanOrEqual(layout.viewport);
    // …and either the Risk column is in view, or the table scrolls inside that frame.
    if (layout.riskRight > layout.viewport) expect(layout.frameScrolls && layout.frameOverflows).toBe(true);

    if (layout.frameOverflows) {
      // Scrolled to its far edge, the frame shows the Risk header, and the name column stays put with an opaque background.
      const after = await table.evaluate((el) => {
        const frame = el.parentElement!;
        frame.scrollLeft = frame.scrollWidth;
        const box = frame.getBoundingClientRect();
        const risk = [...el.querySelectorAll("th")]
          .find((th) => th.textContent?.trim().startsWith("Risk"))!
          .getBoundingClientRect();
        const nameCell = el.querySelector("tbody tr td:nth-child(2)")!;
        const name = nameCell.getBoundingClientRect();
        return {
          left: box.left,
          right: box.right,
          riskLeft: risk.left,
          riskRight: risk.right,
          nameLeft: name.left,
          nameBackground: getComputedStyle(nameCell).backgroundColor,
        };
      });
      expect(after.riskLeft).toBeGreaterThanOrEqual(after.left);
      expect(after.riskRight).toBeLessThanOrEqual(after.right);
      expect(after.nameLeft).toBeGreaterThanOrEqual(after.left);
      expect(Math.abs(after.nameLeft - layout.nameLeft)).toBeLessThan(1);
      expect(after.nameBackground).not.toBe("rgba(0, 0, 0, 0)");
    } else {
      expect(layout.riskRight).toBeLessThanOrEqual(layout.viewport);
    }
  });
});

test("a request's page names the owner, team and system it asks about, not their ids", async ({ as }) => {
  const olivia = await as("olivia");
  await olivia.goto("/requests?queue=mine");
  await olivia.getByRole("link", { name: /payments-reconciliation-agent/ }).click();
  const asked = olivia.getByRole("region", { name: "What is asked" });
  const term = (label: string) =>
    asked.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");
  await expect(term("Owner")).toHaveText("Olivia Owner");
  await expect(term("Team")).toHaveText("Payments");
  await expect(term("System")).toHaveText(/OpenAI/);
  await expect(asked).not.toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  await expect(asked).not.toContainText(/ id$/m);
});
