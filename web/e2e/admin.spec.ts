import { expect, test } from "@playwright/test";
import { expectAccessible, screenshot, signIn } from "./helpers";

test("an administrator creates a user with a role and a team, resets the password and deactivates them", async ({ page, request }) => {
  await signIn(page, "admin");
  await expect(page.getByRole("heading", { level: 1, name: "Brugere og teams" })).toBeVisible();
  await expect(page.locator("table.admin-users")).toContainText("cw.bif");
  await expectAccessible(page, "admin users");
  await screenshot(page, "desk-admin-users");

  // A password that is too short: the API's field error beside the field.
  const username = `e2e.${Date.now().toString(36)}`;
  await page.locator("#nu-username").fill(username);
  await page.locator("#nu-name").fill("Testa Brugersen");
  await page.locator("#nu-department").selectOption("bif");
  await page.locator("#nu-role-caseworker").check();
  const create = page.locator("section", { has: page.getByRole("heading", { name: "Opret bruger" }) });
  await create.locator("fieldset", { hasText: "Teams" }).getByRole("checkbox").first().check();
  await page.locator("#nu-password").fill("kort");
  await page.getByRole("button", { name: "Opret bruger" }).click();
  await expect(page.locator("#nu-password")).toHaveAttribute("aria-invalid", "true");
  await page.locator("#nu-password").fill("en lang nok adgangskode 2026");
  await page.getByRole("button", { name: "Opret bruger" }).click();
  await expect(page.getByText(`Brugeren ${username} er oprettet.`)).toBeVisible();
  const row = page.getByRole("row", { name: new RegExp(username.replace(".", "\\.")) });
  await expect(row).toContainText("Testa Brugersen");
  await expect(row).toContainText("Sagsbehandler");
  await expect(row).toContainText("Aktiv");
  const login = (password: string) => request.post("/api/v1/auth/login", { data: { username, password } });
  expect((await login("en lang nok adgangskode 2026")).status()).toBe(200);

  // Reset the password: the old one stops working, the new one works.
  const edit = () => page.locator("details.admin-user", { hasText: `Ret ${username}` });
  await edit().locator("summary").click();
  await edit().getByLabel("Ny adgangskode").fill("en helt ny adgangskode 2026");
  await edit().getByRole("button", { name: "Nulstil adgangskode" }).click();
  await expect(page.getByText(`Adgangskoden for ${username} er nulstillet.`)).toBeVisible();
  expect((await login("en lang nok adgangskode 2026")).status()).toBe(401);
  expect((await login("en helt ny adgangskode 2026")).status()).toBe(200);

  // Deactivate: shown as such, and signing in is refused.
  await edit().locator("summary").click();
  await edit().getByRole("button", { name: "Deaktivér brugeren" }).click();
  await expect(page.getByText(`${username} er deaktiveret og logget ud.`)).toBeVisible();
  await expect(row).toContainText("Deaktiveret");
  expect((await login("en helt ny adgangskode 2026")).status()).not.toBe(200);
  await expectAccessible(page, "admin users after changes");

  // The administrator cannot take away their own access.
  const own = page.locator("details.admin-user").filter({ has: page.locator("summary", { hasText: /^Ret admin$/ }) });
  await own.locator("summary").click();
  await expect(own.getByText("Du kan ikke ændre dine egne roller")).toBeVisible();
  await expect(own.getByRole("button", { name: "Deaktivér brugeren" })).toBeDisabled();
});
