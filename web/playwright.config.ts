import { defineConfig, devices } from "@playwright/test";

// End-to-end tests against the real server and PostgreSQL with the demo data.
//   E2E_BASE_URL  where the client is served, same origin as the API (e.g. the
//                 medborger binary: http://127.0.0.1:8080). Without it, the
//                 built client is served by `vite preview` on port 4173 (with
//                 the production CSP headers) and /api is proxied to
//                 MEDBORGER_API (default http://127.0.0.1:8090, scripts/web-server).
//   CHROMIUM      the browser (default /usr/bin/chromium, Debian's package;
//                 Playwright never downloads one here).
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? "http://127.0.0.1:4173";
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    locale: "da-DK",
    timezoneId: "Europe/Copenhagen",
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    },
  },
  projects: [
    { name: "desk", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 }, channel: undefined } },
  ],
  webServer: external
    ? undefined
    : {
        command: "npx vite preview --port 4173 --strictPort --host 127.0.0.1",
        url: "http://127.0.0.1:4173/",
        reuseExistingServer: true,
        timeout: 60_000,
        env: { MEDBORGER_API: process.env.MEDBORGER_API ?? "http://127.0.0.1:8090" },
      },
});
