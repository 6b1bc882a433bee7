#!/usr/bin/env node
// Measures the initial JavaScript of the built client (dist/): the entry
// script and every module it preloads, gzipped, as the browser fetches them
// on the first page. Fails above the budget (200 KB gzipped, issue 12).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const BUDGET = 200 * 1024;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = [...html.matchAll(/(?:src|href)="\/([^"]+\.js)"/g)].map((m) => m[1]);
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
let total = 0;
for (const f of initial) {
  const size = gz(f);
  total += size;
  console.log(`initial  ${(size / 1024).toFixed(1).padStart(7)} KB gz  ${f}`);
}
const lazy = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js") && !initial.includes(`assets/${f}`));
const lazyTotal = lazy.reduce((n, f) => n + gz(`assets/${f}`), 0);
const css = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".css"));
console.log(`lazy     ${(lazyTotal / 1024).toFixed(1).padStart(7)} KB gz  ${lazy.length} chunks, loaded per screen`);
for (const f of css) console.log(`css      ${(gz(`assets/${f}`) / 1024).toFixed(1).padStart(7)} KB gz  assets/${f}`);
console.log(`initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (total > BUDGET) {
  console.error("over budget");
  process.exit(1);
}
