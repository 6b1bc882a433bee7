import { expect, test } from "@playwright/test";
import { apiGet, apiToken, expectAccessible, go, randomCpr, screenshot, signIn, uniqueText } from "./helpers";

interface Enrolment { id: string; mentor_id: string | null; milestones: { code: string; met_on: string | null; waived_reason: string | null }[] }

test("a caseworker picks a mentor by name; the mentor milestone is met and names stand beside the staff", async ({ page, request }) => {
  // A refugee who arrived ten days before being registered, enrolled in Københavnermodellen.
  const token = await apiToken(request, "cw.bif");
  const auth = { Authorization: `Bearer ${token}` };
  const arrived = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  const family = uniqueText("Mentorsen").replace(" ", "-");
  const registered = await request.post("/api/v1/citizens", {
    headers: auth,
    data: {
      cpr: randomCpr(), given_name: "Hiba", family_name: family, district: "norrebro", country_of_birth: "SY",
      arrival_date: arrived, visitation_date: arrived, residence_basis: "refugee", basis: "citizen_present",
    },
  });
  expect([200, 201]).toContain(registered.status());
  const citizen = await registered.json();
  const enrolled = await request.post(`/api/v1/citizens/${citizen.id}/enrolments`, {
    headers: auth, data: { programme_code: "kobenhavnermodellen", goals: "Praktik" },
  });
  expect(enrolled.status()).toBe(201);
  const enrolment: Enrolment = await enrolled.json();

  await signIn(page, "cw.bif");
  await go(page, `/forloeb/${enrolment.id}`);
  await expect(page.getByRole("heading", { name: "Milepæle og frister" })).toBeVisible();
  // The responsible caseworker by name, not by id; no mentor yet.
  await expect(page.locator(".staff-responsible")).toHaveText("Demo Sagsbehandler BIF");
  await expect(page.locator(".staff-mentor")).toHaveText("Ingen mentor tilknyttet");
  // Registered after arriving: the asylum-centre interview does not apply, it is not overdue.
  const interview = page.getByRole("row", { name: /Samtale på asylcenter før ankomst/ });
  await expect(interview).toContainText("Frafaldet");
  await expect(interview).toContainText("registreret efter ankomsten");

  // Pick the mentor from the department's list, by name.
  await page.locator("summary", { hasText: "Tilknyt mentor" }).click();
  const choices = await page.getByLabel("Vælg mentor").locator("option").allTextContents();
  expect(choices).toEqual(expect.arrayContaining(["Demo Mentor BIF", "Demo Mentor To BIF"]));
  expect(choices.join(" ")).not.toMatch(/SOF|KFF|[0-9a-f]{8}-/);
  await expectAccessible(page, "assign mentor");
  await page.getByLabel("Vælg mentor").selectOption({ label: "Demo Mentor BIF" });
  await page.getByRole("button", { name: "Tilknyt mentor" }).click();
  await expect(page.getByText("Mentoren er tilknyttet.")).toBeVisible();
  await expect(page.locator(".staff-mentor")).toHaveText("Demo Mentor BIF");
  await expect(page.getByRole("row", { name: /Mentor tilknyttet/ })).toContainText("Opfyldt");
  await screenshot(page, "desk-enrolment-mentor");

  // A measurement six months after the end, on an enrolment that has not ended: refused, in Danish.
  await page.getByRole("button", { name: "Registrér måling" }).click();
  await page.getByLabel("Målepunkt").selectOption("end_plus_6m");
  await page.getByLabel("Beskæftigelse").selectOption("unemployed");
  await page.getByRole("button", { name: "Gem måling" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "kan først registreres, når forløbet er afsluttet" })).toBeVisible();

  // The server agrees: the mentor is mentor.bif and the milestone is met today.
  const after = await apiGet<Enrolment>(request, token, `/api/v1/enrolments/${enrolment.id}`);
  const me = await apiGet<{ id: string }>(request, await apiToken(request, "mentor.bif"), "/api/v1/me");
  expect(after.mentor_id).toBe(me.id);
  expect(after.milestones.find((m) => m.code === "mentor_assigned")?.met_on).toBe(new Date().toISOString().slice(0, 10));

  // A note the mentor writes shows the mentor's name to the caseworker.
  const mentorToken = await apiToken(request, "mentor.bif");
  const text = uniqueText("Mentorsamtale om praktik");
  const note = await request.post(`/api/v1/enrolments/${enrolment.id}/notes`, {
    headers: { Authorization: `Bearer ${mentorToken}`, "Idempotency-Key": crypto.randomUUID() },
    data: { kind: "mentor_session", occurred_at: new Date().toISOString(), text },
  });
  expect(note.status()).toBe(201);
  await go(page, "/");
  await expect(page.getByRole("heading", { level: 1, name: "Min sagsstamme" })).toBeVisible();
  await go(page, `/forloeb/${enrolment.id}`);
  await expect(page.locator(".note-card", { hasText: text })).toContainText("Skrevet af Demo Mentor BIF");
  await expectAccessible(page, "enrolment with names");
});
