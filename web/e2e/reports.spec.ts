import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./helpers";

test("outcomes beside the baselines, suppressed cells shown as suppressed, never as zero", async ({ page }) => {
  await signIn(page, "manager.bif");
  await page.getByRole("link", { name: "Resultater" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Resultater" })).toBeVisible();
  // Whole periods only (issue 10, door 11): this year, its halves and quarters, and two years back.
  const period = page.getByLabel("Periode");
  await expect(period.locator("option")).toHaveCount(21);
  await period.selectOption(String(new Date().getFullYear()));
  await page.getByRole("button", { name: "Vis", exact: true }).click();
  await expect(page.getByText(/Baseline fra politikken/)).toBeVisible();
  const charts = page.getByRole("img", { name: /Lønmodtagerbeskæftigelse i procent/ });
  await expect(charts.first()).toBeVisible();
  // A suppressed cell says so, in the table and in the chart.
  const suppressed = page.locator("td.cell-suppressed");
  if (await suppressed.count()) {
    await expect(suppressed.first()).toContainText("Undertrykt");
    await expect(page.locator("svg .chart-null").first()).toHaveText("Undertrykt");
  }
  await expectAccessible(page, "outcomes");
  await screenshot(page, "desk-manager-outcomes");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Hent som CSV" }).click();
  expect((await download).suggestedFilename()).toBe("resultater.csv");
});

test("the audit log with filters, for a manager and for the auditor", async ({ page }) => {
  await signIn(page, "manager.bif");
  await page.getByRole("link", { name: "Revisionslog" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Revisionslog" })).toBeVisible();
  await expect(page.locator(".audit-table tbody tr").first()).toBeVisible();
  await page.getByLabel("Handling").selectOption("login");
  await page.getByLabel("Borger-id").fill("not-an-id");
  await page.getByRole("button", { name: "Vis", exact: true }).click();
  await expect(page.locator("#au-citizen-error")).toContainText("gyldigt id");
  await page.getByLabel("Borger-id").fill("");
  await page.getByRole("button", { name: "Vis", exact: true }).click();
  await expect(page.locator(".audit-table tbody tr").first()).toContainText("login");
  await expectAccessible(page, "audit log");
  await screenshot(page, "desk-manager-audit");
  await page.getByRole("button", { name: "Log ud" }).click();

  await signIn(page, "auditor");
  await expect(page).toHaveURL(/\/revision$/);
  await expect(page.locator(".audit-table tbody tr").first()).toBeVisible();
});
