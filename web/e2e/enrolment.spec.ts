import { expect, test } from "@playwright/test";
import { apiGet, apiToken, expectAccessible, go, screenshot, signIn, uniqueText } from "./helpers";

interface Item { enrolment_id: string; citizen_id: string; programme_code: string }

test("a caseworker waives a milestone, moves the status and records an outcome", async ({ page, request }) => {
  const token = await apiToken(request, "cw2.bif");
  const items = (await apiGet<{ items: Item[] }>(request, token, "/api/v1/caseload?limit=50&programme=kobenhavnermodellen&status=active")).items;
  expect(items.length).toBeGreaterThan(0);
  await signIn(page, "cw2.bif");
  await go(page, `/forloeb/${items[0].enrolment_id}`);
  await expect(page.getByRole("heading", { name: "Milepæle og frister" })).toBeVisible();

  const waive = page.getByRole("button", { name: /^Frafald: / }).first();
  const milestone = (await waive.getAttribute("aria-label"))!.replace("Frafald: ", "");
  await waive.click();
  await page.getByLabel(/^Begrundelse for at frafalde milepælen/).fill("Ikke relevant: borgeren var i arbejde ved ankomst");
  await page.getByRole("button", { name: "Frafald milepælen" }).click();
  await expect(page.getByText("Milepælen er frafaldet.")).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(milestone) })).toContainText("Frafaldet");

  // Only the allowed moves are offered: from active, not "referred".
  await page.locator("summary", { hasText: "Skift status" }).click();
  const moves = await page.getByLabel("Ny status").locator("option").allTextContents();
  expect(moves).toEqual(["—", "På pause", "Gennemført", "Afbrudt", "Annulleret"]);
  await page.getByLabel("Ny status").selectOption("paused");
  await page.getByRole("textbox", { name: "Begrundelse", exact: true }).fill("Borgeren er på barsel");
  await page.getByRole("button", { name: "Skift status" }).click();
  await expect(page.getByText("Status er ændret.")).toBeVisible();

  await page.getByRole("button", { name: "Registrér måling" }).click();
  await page.getByLabel("Målepunkt").selectOption("start");
  await page.getByLabel("Beskæftigelse").selectOption("unemployed");
  await page.getByLabel("Danskniveau").selectOption("a2");
  await page.getByRole("button", { name: "Gem måling" }).click();
  await expect(page.getByText(/Målingen er gemt\.|allerede registreret|strider mod/).first()).toBeVisible();
  await expectAccessible(page, "enrolment with outcomes");
});

test("the Barnets Lov interlock is explained on a restricted case, and a risk assessment opens it", async ({ page, request }) => {
  const token = await apiToken(request, "specialist.sof");
  const items = (await apiGet<{ items: Item[] }>(request, token, "/api/v1/caseload?limit=50&programme=negativ_social_kontrol")).items;
  expect(items.length).toBeGreaterThan(0);
  await signIn(page, "specialist.sof");
  let blocked = false;
  for (const it of items) {
    await go(page, `/forloeb/${it.enrolment_id}`);
    await expect(page.getByText("Fortroligt forløb", { exact: true })).toBeVisible();
    await expect(page.getByText(/Kontakt med barnets forældre kan først noteres/)).toBeVisible();
    const risks = await apiGet<unknown[]>(request, token, `/api/v1/enrolments/${it.enrolment_id}/risk-assessments`);
    if (risks.length) continue;
    await page.getByLabel("Type").selectOption("parent_contact");
    const text = uniqueText("Telefonsamtale med moren om skolegang");
    await page.getByRole("textbox", { name: "Notat", exact: true }).fill(text);
    await page.getByRole("button", { name: "Gem notat" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "Barnets Lov: Der skal registreres en risikovurdering" });
    const saved = page.getByText("Notatet er gemt.");
    await expect(refused.or(saved)).toBeVisible();
    if (await refused.isVisible()) {
      blocked = true;
      await screenshot(page, "desk-barnets-lov");
      await expectAccessible(page, "Barnets Lov refusal");
      await page.getByText("Registrér risikovurdering").click();
      await page.getByLabel("Risikoniveau").selectOption("high");
      await page.getByLabel("Sammenfatning").fill("Høj risiko: kontrol i hjemmet; kontakt til forældre kun via specialteamet.");
      await page.getByRole("button", { name: "Gem risikovurdering" }).click();
      await expect(page.getByText("Risikovurderingen er gemt.")).toBeVisible();
      await page.getByRole("button", { name: "Gem notat" }).click();
      await expect(page.getByText("Notatet er gemt.")).toBeVisible();
      break;
    }
  }
  test.info().annotations.push({ type: "barnets-lov", description: blocked ? "refused, then allowed after a risk assessment" : "no child without a risk assessment in the demo data" });
});
