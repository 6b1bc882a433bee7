import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { apiGet, apiToken, expectAccessible, screenshot, signIn, uniqueText } from "./helpers";

test("a manager reads the caseload audit, reassigns an enrolment and downloads a CSV", async ({ page, request }) => {
  await signIn(page, "manager.bif");
  await page.getByRole("link", { name: "Sagsstammerapport" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sagsstammerapport" })).toBeVisible();
  const chart = page.getByRole("img", { name: /Åbne forløb, overskredne frister og tavse forløb/ });
  await expect(chart).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "I alt" })).toBeVisible();
  await expectAccessible(page, "caseload report");
  await screenshot(page, "desk-manager-report");

  // CSV download.
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Hent som CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("sagsstamme.csv");
  const csv = readFileSync((await file.path())!, "utf8");
  expect(csv.split("\n").length).toBeGreaterThan(1);

  // Reassign one enrolment from one caseworker to another.
  const from = page.getByLabel("Sagsbehandler", { exact: true });
  const options = await from.locator("option").evaluateAll((os) =>
    os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? "" })).filter((o) => o.value),
  );
  const source = options.find((o) => !/\(0\)$/.test(o.text))!;
  await from.selectOption(source.value);
  const firstBox = page.getByRole("checkbox", { name: /^Vælg / }).first();
  await expect(firstBox).toBeVisible();
  const moved = (await firstBox.getAttribute("aria-label"))!.replace(/^Vælg /, "");
  await firstBox.check();
  const to = page.getByLabel("Til sagsbehandler");
  const target = (await to.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).find((v) => v)!;
  await to.selectOption(target);
  await page.getByLabel("Begrundelse (skrives i loggen)").fill(uniqueText("Fordeling ved ferie"));
  await expectAccessible(page, "reassign");
  await page.getByRole("button", { name: "Flyt 1 valgt forløb" }).click();
  await expect(page.getByText("1 forløb er flyttet.")).toBeVisible();
  await screenshot(page, "desk-manager-reassigned");

  // The enrolment is now the target's.
  const token = await apiToken(request, "manager.bif");
  const theirs = await apiGet<{ items: { given_name: string; family_name: string }[] }>(
    request, token, `/api/v1/caseload?caseworker_id=${target}&limit=200`,
  );
  expect(theirs.items.some((i) => `${i.given_name} ${i.family_name}` === moved)).toBe(true);
});
