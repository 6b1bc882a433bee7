import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PASSWORD = process.env.MEDBORGER_DEMO_PASSWORD ?? "medborger-demo-2026";
const shots = join(dirname(fileURLToPath(import.meta.url)), "screenshots");

export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Log ind" })).toBeVisible();
  await page.getByLabel("Brugernavn").fill(username);
  await page.getByLabel("Adgangskode").fill(PASSWORD);
  await page.getByRole("button", { name: "Log ind" }).click();
  await expect(page.getByRole("button", { name: "Log ud" })).toBeVisible();
}

/** axe-core, WCAG 2.1 A/AA: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** Collects CSP violations and console errors, so a test can assert there were none. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return problems;
}

import type { APIRequestContext } from "@playwright/test";

/** Signs in through the API (for checks behind the browser's back). */
export async function apiToken(request: APIRequestContext, username: string): Promise<string> {
  const res = await request.post("/api/v1/auth/login", { data: { username, password: PASSWORD } });
  expect(res.status()).toBe(200);
  return (await res.json()).access_token;
}

export async function apiGet<T = unknown>(request: APIRequestContext, token: string, path: string): Promise<T> {
  const res = await request.get(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status(), path).toBe(200);
  return res.json();
}

/** A valid, random CPR number of someone born 1970–1999 (serial 0xxx–3xxx: 1900s). */
export function randomCpr(): string {
  const y = 70 + Math.floor(Math.random() * 30);
  const m = 1 + Math.floor(Math.random() * 12);
  const d = 1 + Math.floor(Math.random() * 28);
  const serial = Math.floor(Math.random() * 4000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d)}${p(m)}${p(y)}-${p(serial, 4)}`;
}

export function uniqueText(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Goes to a path inside the running app, as a link would. (page.goto reloads
 * the page, and a reload forgets the in-memory session until the API's
 * HttpOnly refresh cookie mode restores it.)
 */
export async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    history.pushState(null, "", p);
    dispatchEvent(new PopStateEvent("popstate"));
  }, path);
}
