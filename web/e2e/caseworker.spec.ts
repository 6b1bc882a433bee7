import { expect, test } from "@playwright/test";
import { apiGet, apiToken, expectAccessible, randomCpr, screenshot, signIn, uniqueText, watchConsole } from "./helpers";

test("a caseworker registers a citizen, enrols them in Københavnermodellen, sees the deadline in the caseload and writes a note", async ({ page, request }) => {
  const problems = watchConsole(page);
  await signIn(page, "cw.bif");

  // Register: first with mistakes, so the API's field errors show beside the fields.
  await page.getByRole("link", { name: "Registrér borger" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Registrér borger" })).toBeVisible();
  await expectAccessible(page, "register");
  const family = uniqueText("Testesen").replace(" ", "-");
  const cpr = randomCpr();
  // Missing given name and a bad e-mail address: both errors beside their fields.
  await page.getByLabel("CPR-nummer").fill(cpr);
  await page.getByLabel("Efternavn").fill(family);
  await page.getByLabel("E-mail").fill("ikke-en-adresse");
  await page.getByRole("button", { name: "Registrér" }).click();
  await expect(page.getByRole("alert").first()).toContainText("Der er fejl i formularen");
  await expect(page.getByLabel("Fornavn")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#f-given_name-error")).toContainText("Fornavn skal udfyldes");
  await expect(page.locator("#f-email-error")).toContainText("E-mailadressen er ikke gyldig");
  await expectAccessible(page, "register with field errors");
  await screenshot(page, "desk-register-errors");
  // An impossible CPR number.
  const cprField = page.getByLabel("CPR-nummer");
  await cprField.fill("321399-1234");
  await page.getByLabel("Fornavn").fill("Amal");
  await page.getByLabel("E-mail").fill("amal@example.org");
  await page.getByRole("button", { name: "Registrér" }).click();
  await expect(page.locator("#f-cpr-error")).toContainText("CPR-nummeret er ikke gyldigt");
  await expect(cprField).toHaveAttribute("aria-invalid", "true");

  // Now right; the CPR travels only in the POST body.
  await cprField.fill(cpr);
  await page.getByLabel("Telefon").fill("+45 12 34 56 78");
  await page.getByLabel("Bydel").selectOption("norrebro");
  await page.getByLabel("Fødeland", { exact: true }).fill("SY");
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("Ankomstdato").fill(today);
  await page.getByLabel("Visitationsdato (boligplacering)").fill(today);
  await page.getByLabel("Opholdsgrundlag").selectOption("refugee");
  await page.getByLabel("Dansk", { exact: true }).check();
  await page.getByRole("button", { name: "Registrér" }).click();
  await expect(page).toHaveURL(/\/borgere\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toContain(cpr.replace("-", ""));
  await expect(page.getByRole("heading", { level: 1, name: `Amal ${family}` })).toBeVisible();
  await expect(page.getByText(/Borgeren er registreret|allerede registreret/)).toBeVisible();
  await expect(page.getByText(`${cpr.slice(0, 6)}-****`)).toBeVisible();

  // Reveal the CPR: asks for the purpose, shows it until the page is left.
  await page.getByRole("button", { name: "Vis fuldt CPR-nummer" }).click();
  await page.getByRole("button", { name: "Vis CPR-nummer" }).click();
  await expect(page.locator("#reveal-purpose-error")).toContainText("Vælg formålet");
  await page.getByLabel("Formål med at se det fulde CPR-nummer").selectOption({ label: "Kontrol af identitet" });
  await page.getByRole("button", { name: "Vis CPR-nummer" }).click();
  await expect(page.locator(".cpr-revealed")).toHaveText(cpr);
  // The purpose is in the citizen's access log, as the category chosen.
  const citizenId = page.url().split("/").pop()!;
  const accessLog = await apiGet<{ items: { action: string; purpose: string | null }[] }>(
    request, await apiToken(request, "cw.bif"), `/api/v1/citizens/${citizenId}/access-log?limit=200`);
  expect(accessLog.items.filter((e) => e.action === "reveal").map((e) => e.purpose)).toEqual(["identity_check"]);
  await expectAccessible(page, "citizen");
  await screenshot(page, "desk-citizen");

  // Enrol in Københavnermodellen.
  await page.getByRole("button", { name: "Opret forløb" }).click();
  await page.getByLabel("Indsats").selectOption("kobenhavnermodellen");
  await page.getByLabel("Mål").fill("Praktik i en virksomhed og dansk på B1.");
  await page.getByRole("button", { name: "Opret forløb" }).click();
  await expect(page).toHaveURL(/\/forloeb\/[0-9a-f-]{36}$/);
  const enrolmentId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Københavnermodellen");
  await expect(page.getByRole("heading", { name: "Milepæle og frister" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Samtale på asylcenter før ankomst/ })).toBeVisible();

  // Write a note.
  const text = uniqueText("Første samtale: aftalt praktik og danskundervisning.");
  await page.getByRole("textbox", { name: "Notat", exact: true }).fill(text);
  await page.getByRole("button", { name: "Gem notat" }).click();
  await expect(page.getByText("Notatet er gemt.")).toBeVisible();
  await expect(page.locator(".journal .note-text", { hasText: text })).toHaveCount(1);
  await expectAccessible(page, "enrolment");
  await screenshot(page, "desk-enrolment");

  // The deadline shows in the caseload (filtered to the programme, found by paging if need be).
  await page.getByRole("link", { name: "Min sagsstamme" }).click();
  await page.getByLabel("Indsats").selectOption("kobenhavnermodellen");
  await page.getByRole("button", { name: "Vis" }).click();
  const row = page.getByRole("row", { name: new RegExp(`Amal ${family}`) });
  for (let i = 0; i < 20 && !(await row.isVisible()); i++) {
    const next = page.getByRole("button", { name: "Næste side" });
    if (!(await next.isEnabled())) break;
    const shown = await page.locator("table.caseload-table tbody tr").first().textContent();
    await next.click();
    // The next page is in when its first row differs from the last page's.
    await expect(page.locator("table.caseload-table tbody tr").first()).not.toHaveText(shown ?? "");
  }
  await expect(row).toBeVisible();
  await expect(row).toContainText(/\d{4}/);

  // The note is on the server once.
  const token = await apiToken(request, "cw.bif");
  const notes = await apiGet<{ items: { text: string }[] }>(request, token, `/api/v1/enrolments/${enrolmentId}/notes`);
  expect(notes.items.filter((n) => n.text === text)).toHaveLength(1);
  expect(problems).toEqual([]);
});

test("a caseworker corrects a note and sees the correction beside the note it replaces", async ({ page }) => {
  await signIn(page, "cw.bif");
  await page.locator("table.caseload-table tbody tr th a").first().click();
  await expect(page).toHaveURL(/\/forloeb\//);
  const text = uniqueText("Telefonsamtale om praktikstart.");
  await page.getByRole("textbox", { name: "Notat", exact: true }).fill(text);
  await page.getByRole("button", { name: "Gem notat" }).click();
  const entry = page.locator(".journal-entry", { hasText: text }).first();
  await expect(entry).toBeVisible();
  await entry.getByRole("button", { name: "Ret notat" }).click();
  await expect(page.getByText("Ret notatet")).toBeVisible();
  const corrected = `${text} Rettet: praktikstart 1. marts.`;
  await page.getByRole("textbox", { name: "Notat", exact: true }).fill(corrected);
  await page.getByLabel("Begrundelse for rettelsen").fill("Forkert dato i første udgave");
  await page.getByRole("button", { name: "Gem rettelse" }).click();
  const group = page.locator(".journal-entry.has-correction", { hasText: corrected });
  await expect(group).toBeVisible();
  await expect(group.locator(".note-superseded")).toContainText("Erstattet af en rettelse");
  await expect(group.locator(".note-superseded .note-text")).toHaveText(text);
  await expect(group).toContainText("Begrundelse: Forkert dato i første udgave");
  await expectAccessible(page, "enrolment with correction");
});

test("finding a citizen by CPR sends it in the body, never in the URL", async ({ page }) => {
  await signIn(page, "cw.bif");
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  await page.getByRole("link", { name: "Find borger" }).click();
  await expectAccessible(page, "search");
  await page.getByLabel("Navn").fill("A");
  await page.getByRole("button", { name: "Søg" }).click();
  await expect(page.getByRole("heading", { name: "Resultater" })).toBeVisible();
  const firstMasked = (await page.locator("tbody tr td").first().textContent())!;
  expect(firstMasked).toMatch(/^\d{6}-\*{4}$/);
  await screenshot(page, "desk-search");

  await page.getByLabel("Navn").fill("");
  await page.getByLabel("CPR-nummer").fill("0101001234");
  let searchBody = "";
  await page.route("**/api/v1/citizens/search", async (route) => {
    searchBody = route.request().postDataBuffer()?.toString("utf8") ?? "";
    await route.continue();
  });
  const sent = page.waitForResponse((r) => r.url().endsWith("/api/v1/citizens/search"));
  await page.getByRole("button", { name: "Søg" }).click();
  const searchResponse = await sent;
  expect(searchResponse.request().method()).toBe("POST");
  expect(searchBody).toContain("0101001234");
  await expect(page.getByText(/Ingen borgere fundet|Resultater/).first()).toBeVisible();
  expect(urls.concat(page.url()).some((u) => u.includes("0101001234"))).toBe(false);
});

test("the caseload is usable by keyboard alone", async ({ page }) => {
  await page.goto("/");
  // The sign-in form is there once the client has asked whether a session
  // exists; a Tab pressed before that lands nowhere.
  await expect(page.getByLabel("Brugernavn")).toBeVisible();
  await page.keyboard.press("Tab"); // skip link
  await expect(page.getByRole("link", { name: "Gå til indhold" })).toBeFocused();
  await page.getByLabel("Brugernavn").focus();
  await page.keyboard.type("cw.bif");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Adgangskode")).toBeFocused();
  await page.keyboard.type(process.env.MEDBORGER_DEMO_PASSWORD ?? "medborger-demo-2026");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Min sagsstamme" })).toBeVisible();
  // Tab to the overdue filter, tick it with space, apply with Enter on "Vis".
  const overdue = page.getByLabel("Kun med overskredne frister");
  for (let i = 0; i < 30 && !(await overdue.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(overdue).toBeFocused();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Vis" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("table.caseload-table tbody tr").first()).toBeVisible();
  await expect(page.locator("table.caseload-table tbody tr .badge-error").first()).toBeVisible();
  // Tab into the first citizen link and open it with Enter.
  const first = page.locator("table.caseload-table tbody tr th a").first();
  for (let i = 0; i < 30 && !(await first.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(first).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/forloeb\//);
});

test("the English switch changes every word, and back", async ({ page }) => {
  await signIn(page, "cw.bif");
  await page.getByRole("button", { name: "Skift sprog til engelsk" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My caseload" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expectAccessible(page, "caseload in English");
  await page.getByRole("button", { name: "Switch language to Danish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Min sagsstamme" })).toBeVisible();
});

test("a wrong password is answered in Danish, and sign-out returns to the login screen", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Brugernavn").fill("cw2.bif");
  await page.getByLabel("Adgangskode").fill("forkert-adgangskode");
  await page.getByRole("button", { name: "Log ind" }).click();
  await expect(page.getByRole("alert")).toContainText("Brugernavn eller adgangskode er forkert.");
  await signIn(page, "cw2.bif");
  await page.getByRole("button", { name: "Log ud" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Log ind" })).toBeVisible();
  await expect(page.getByText("Du er logget ud.")).toBeVisible();
  // Nothing is left in web storage.
  const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
  expect(stored).toEqual({ local: 0, session: 0 });
});
