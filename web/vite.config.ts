/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The client is served by the medborger binary at `/`, same origin as the API.
// In development, Vite proxies /api (and the health routes) to the API.
const api = process.env.MEDBORGER_API ?? "http://127.0.0.1:8080";

// The headers the medborger binary is to send with the client (web/README.md).
// `vite preview` sends them too, so the end-to-end tests run under the same
// strict policy: no inline script or style, nothing from other origins.
export const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};
// The unit tests run in the users' time zone, as the browser tests do
// (playwright.config.ts): dates typed and shown are Copenhagen's. Set before
// Vitest starts its workers, which inherit it.
if (process.env.VITEST) process.env.TZ = "Europe/Copenhagen";

const proxy = {
  "/api": { target: api, changeOrigin: false },
  "/healthz": api,
  "/readyz": api,
};

export default defineConfig({
  plugins: [react()],
  base: "/",
  server: {
    port: 5173,
    strictPort: true,
    proxy,
  },
  preview: {
    port: 4173,
    strictPort: true,
    proxy,
    headers: SECURITY_HEADERS,
  },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    // Chromium, Firefox and Safari of the last years support module preload;
    // no inline polyfill keeps the CSP free of 'unsafe-inline'.
    modulePreload: { polyfill: false },
    target: "es2022",
    chunkSizeWarningLimit: 400,
    // Every asset a file of its own: the CSP needs no data: URIs.
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    css: false,
    // The session tests of JSON mode; src/api/cookie-mode.test.ts switches
    // to the default cookie mode itself.
    env: { VITE_REFRESH_MODE: "json" },
  },
});
