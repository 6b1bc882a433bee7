import { expect, test } from "@playwright/test";
import { apiGet, apiToken, expectAccessible, go, screenshot, signIn } from "./helpers";

interface Item { enrolment_id: string; citizen_id: string; given_name: string; family_name: string; programme_code: string }

test("the restricted team's case is absent from every screen of the others", async ({ page, request }) => {
  const specialist = await apiToken(request, "specialist.sof");
  const mine = await apiGet<{ items: Item[] }>(request, specialist, "/api/v1/caseload?limit=200");
  const restricted = mine.items.filter((i) => i.programme_code === "negativ_social_kontrol");
  expect(restricted.length).toBeGreaterThan(0);
  const r = restricted[0];

  // The specialist sees it, marked as restricted.
  await signIn(page, "specialist.sof");
  await go(page, `/forloeb/${r.enrolment_id}`);
  await expect(page.getByText("Fortroligt forløb")).toBeVisible();
  await page.getByRole("button", { name: "Log ud" }).click();

  for (const user of ["cw.sof", "cw.bif", "manager.bif"]) {
    await signIn(page, user);
    // Not in the caseload (any page of it).
    const token = await apiToken(request, user);
    let cursor: string | undefined;
    do {
      const pageOf = await apiGet<{ items: Item[]; next_cursor?: string }>(
        request, token, `/api/v1/caseload?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(pageOf.items.map((i) => i.enrolment_id)).not.toContain(r.enrolment_id);
      cursor = pageOf.next_cursor;
    } while (cursor);
    await go(page, "/sagsstamme");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.locator(`a[href="/forloeb/${r.enrolment_id}"]`)).toHaveCount(0);
    // The citizen may be known to the department for other work; the
    // restricted enrolment and its need code are not shown there.
    await go(page, `/borgere/${r.citizen_id}`);
    await expect(page.getByRole("heading", { level: 1 }).or(page.getByRole("alert")).first()).toBeVisible();
    // Wait for the page's data, not for an idle network (which a page that
    // keeps a request open never reaches): the enrolments, or the refusal.
    await expect(
      page.getByRole("heading", { name: "Forløb", exact: true }).or(page.getByRole("alert")).first(),
    ).toBeVisible();
    await expect(page.locator(`a[href="/forloeb/${r.enrolment_id}"]`)).toHaveCount(0);
    await expect(page.getByText(/Negativ social kontrol/)).toHaveCount(0);
    // Not by its address.
    await go(page, `/forloeb/${r.enrolment_id}`);
    await expect(page.getByRole("alert")).toContainText("Det findes ikke, eller du har ikke adgang til det.");
    // Not in a search by the restricted programme.
    if (user !== "manager.bif") {
      await go(page, "/borgere/soeg");
      await page.getByLabel("Indsats").selectOption("negativ_social_kontrol");
      await page.getByRole("button", { name: "Søg" }).click();
      await expect(page.getByRole("heading", { name: "Resultater" })).toBeVisible();
      await expect(page.getByText("Ingen borgere fundet.")).toBeVisible();
    }
    await page.getByRole("button", { name: "Log ud" }).click();
  }
});

test("a caseworker of another department gets 'not found' for a citizen they may not see", async ({ page, request }) => {
  const bif = await apiToken(request, "cw.bif");
  const bifCase = (await apiGet<{ items: Item[] }>(request, bif, "/api/v1/caseload?limit=1")).items[0];
  await signIn(page, "cw.kff");
  await go(page, `/borgere/${bifCase.citizen_id}`);
  await expect(page.getByRole("alert")).toContainText("Det findes ikke, eller du har ikke adgang til det.");
  await expectAccessible(page, "not found");
  await screenshot(page, "desk-not-found");
  await go(page, `/forloeb/${bifCase.enrolment_id}`);
  await expect(page.getByRole("alert")).toContainText("Det findes ikke, eller du har ikke adgang til det.");
});
