import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn, watchConsole } from "./helpers";

test("sign-in screen and the caseworker's caseload", async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Log ind" })).toBeVisible();
  await expectAccessible(page, "login");
  await screenshot(page, "desk-login");
  await signIn(page, "cw.bif");
  await expect(page).toHaveURL(/\/sagsstamme$/);
  await expect(page.getByRole("heading", { level: 1, name: "Min sagsstamme" })).toBeVisible();
  await expect(page.locator("table.caseload-table tbody tr").first()).toBeVisible();
  await expectAccessible(page, "caseload");
  await screenshot(page, "desk-caseload");
  expect(problems).toEqual([]);
});
