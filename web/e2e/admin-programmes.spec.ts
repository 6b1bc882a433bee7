import { expect, test } from "@playwright/test";
import { apiToken, expectAccessible, screenshot, signIn } from "./helpers";

test("an administrator creates a programme, edits its names and requirements, deactivates it, and sees the API's errors", async ({ page, request }) => {
  await signIn(page, "admin");
  await page.getByRole("navigation").getByRole("link", { name: "Indsatskatalog" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Indsatskatalog" })).toBeVisible();
  await expect(page.locator("table.admin-programmes tbody tr").first()).toBeVisible();
  await expectAccessible(page, "programme catalogue");

  // An invalid code: the API's field error beside the field, linked from the summary.
  const code = `e2e_${Date.now().toString(36)}`;
  await page.locator("#np-code").fill("Ikke en kode");
  await page.locator("#np-name-da").fill("Sprogmakker");
  await page.locator("#np-name-en").fill("Language buddy");
  await page.locator("#np-department").selectOption("bif");
  await page.locator("#np-requires-mentor").check();
  await page.locator("#np-eligibility").fill("Voksne med A1-dansk.");
  await page.locator("#np-max-duration").fill("12");
  await page.getByRole("button", { name: "Tilføj milepæl" }).click();
  await page.locator("#np-rule-0-code").fill("forste_samtale");
  await page.locator("#np-rule-0-name-da").fill("Første samtale");
  await page.locator("#np-rule-0-name-en").fill("First meeting");
  await page.locator("#np-rule-0-anchor").selectOption("enrolment_start");
  await page.locator("#np-rule-0-days").fill("14");
  await page.getByRole("button", { name: "Opret indsats" }).click();
  await expect(page.locator("#np-code")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("alert").getByRole("link", { name: /Koden skal være 2–64 tegn/ })).toBeVisible();

  await page.locator("#np-code").fill(code);
  await page.getByRole("button", { name: "Opret indsats" }).click();
  await expect(page.getByText(`Indsatsen ${code} er oprettet.`)).toBeVisible();
  const row = page.locator("table.admin-programmes tbody tr", { hasText: code });
  await expect(row).toContainText("Sprogmakker");
  await expect(row).toContainText("BIF");
  await expect(row).toContainText("Kræver mentor");
  await expect(row).toContainText("12 mdr.");
  await expect(row).toContainText("Aktiv");
  await expect(row.locator("td").nth(3)).toHaveText("1");

  // The same code again: the API's conflict, in words.
  await page.locator("#np-code").fill(code);
  await page.locator("#np-name-da").fill("Dublet");
  await page.locator("#np-name-en").fill("Duplicate");
  await page.getByRole("button", { name: "Opret indsats" }).click();
  await expect(page.getByText("Der findes allerede en indsats med den kode.")).toBeVisible();

  // Edit: an empty name is refused beside its field; then new names, consent, deactivated.
  const edit = () => page.locator("details.admin-programme", { hasText: `Ret ${code}` });
  await edit().locator("summary").click();
  await page.locator(`#ep-${code}-name-da`).fill("  ");
  await edit().getByRole("button", { name: "Gem ændringer" }).click();
  await expect(page.locator(`#ep-${code}-name-da`)).toHaveAttribute("aria-invalid", "true");
  await page.locator(`#ep-${code}-name-da`).fill("Sprogmakker plus");
  await page.locator(`#ep-${code}-name-en`).fill("Language buddy plus");
  await edit().getByLabel("Kræver borgerens samtykke").check();
  await edit().getByLabel(/^Aktiv/).uncheck();
  await edit().getByRole("button", { name: "Gem ændringer" }).click();
  await expect(page.getByText(`Ændringerne af ${code} er gemt.`)).toBeVisible();
  await expect(row).toContainText("Sprogmakker plus");
  await expect(row).toContainText("Kræver borgerens samtykke");
  await expect(row).toContainText("Deaktiveret");

  // A second milestone: a bad code is refused beside its field, then saved.
  await edit().locator("summary").click();
  await edit().getByRole("button", { name: "Tilføj milepæl" }).click();
  await page.locator(`#ep-${code}-rule-1-code`).fill("Opfølgning!");
  await page.locator(`#ep-${code}-rule-1-name-da`).fill("Opfølgning");
  await page.locator(`#ep-${code}-rule-1-name-en`).fill("Follow-up");
  await page.locator(`#ep-${code}-rule-1-months`).fill("3");
  await edit().getByRole("button", { name: "Gem milepæle" }).click();
  await expect(page.locator(`#ep-${code}-rule-1-code`)).toHaveAttribute("aria-invalid", "true");
  await expect(edit().getByRole("alert").getByRole("link", { name: /^Milepæl 2 skal have en unik kode/ })).toBeVisible();
  await page.locator(`#ep-${code}-rule-1-code`).fill("opfoelgning");
  await edit().getByRole("button", { name: "Gem milepæle" }).click();
  await expect(page.getByText(`Milepælene for ${code} er gemt.`)).toBeVisible();
  await expect(row.locator("td").nth(3)).toHaveText("2");

  // The API agrees.
  const token = await apiToken(request, "admin");
  const auth = { Authorization: `Bearer ${token}` };
  const list = await (await request.get("/api/v1/programmes", { headers: auth })).json();
  const saved = list.find((p: { code: string }) => p.code === code);
  expect(saved).toMatchObject({
    name_da: "Sprogmakker plus", name_en: "Language buddy plus", requires_mentor: true, requires_consent: true,
    active: false, eligibility_notes: "Voksne med A1-dansk.", max_duration_months: 12, department: "bif",
  });
  expect(saved.milestone_rules).toMatchObject([
    { code: "forste_samtale", anchor: "enrolment_start", offset_months: 0, offset_days: 14 },
    { code: "opfoelgning", anchor: "enrolment_start", offset_months: 3, offset_days: 0 },
  ]);
  await expectAccessible(page, "programme catalogue after changes");
  await screenshot(page, "desk-admin-programmes");

  // Someone else changes it behind the screen's back: the stale edit gets 412, in words.
  const behind = await request.patch(`/api/v1/admin/programmes/${code}`, {
    headers: { ...auth, "If-Match": `"${saved.version}"` },
    data: { eligibility_notes: "Ændret et andet sted." },
  });
  expect(behind.status()).toBe(200);
  await edit().locator("summary").click();
  await edit().getByLabel(/^Aktiv/).check();
  await edit().getByRole("button", { name: "Gem ændringer" }).click();
  await expect(edit().getByRole("alert")).toContainText("Nogen har ændret oplysningerne");
});
