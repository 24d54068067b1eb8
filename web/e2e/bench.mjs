// The web client's budget, measured (started by the Go benchmark
// BenchmarkWebBudget against the embedded stack, or by hand with
// E2E_BASE_URL): the patient entry bundle gzipped, how long home and search
// take to become usable in Debian's Chromium, and how long the search
// results take to follow typing once it stops (debounce, API and render).
// It prints one line `BENCH {json}` with every figure.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { env, launch, phone } from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const dist = join(import.meta.dirname, "..", "dist");
const runs = Number(process.env.BENCH_RUNS || 10);

/** entryBytes sums the gzipped size of every script and style index.html loads at once. */
function entryBytes() {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  let js = 0;
  let css = 0;
  for (const f of files) {
    const n = gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
    if (f.endsWith(".js")) js += n;
    else css += n;
  }
  return { files, js, css };
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
const summary = (xs) => ({
  n: xs.length,
  p50: Math.round(quantile(xs, 0.5)),
  p95: Math.round(quantile(xs, 0.95)),
  max: Math.round(Math.max(...xs)),
});

const browser = await launch();

/** usable loads a page in a fresh context (empty cache) and times it until selector shows. */
async function usable(path, selector) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: phone, locale: "nl-NL" });
    const page = await context.newPage();
    await page.goto(base + path, { waitUntil: "commit" });
    await page.waitForSelector(selector, { timeout: 15000 });
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  return summary(times);
}

/**
 * baseline is the same measurement of a static page with one search box,
 * served from this process: what Chromium takes on this machine, at this
 * load, for a page with no script at all. The client's figures are read
 * against it.
 */
async function baseline() {
  const server = createServer((_, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(
      '<!doctype html><html lang="nl"><title>x</title><main><input id="q" aria-label="q"></main></html>',
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const times = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: phone, locale: "nl-NL" });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`, { waitUntil: "commit" });
    await page.waitForSelector("#q", { timeout: 15000 });
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  server.close();
  return summary(times);
}

const loadBefore = loadavg()[0];
const still = await baseline();
const home = await usable("/", "#home-q");
const search = await usable("/doctors", "[data-testid=results] .doctor-card");

const queries = (process.env.BENCH_QUERIES || "").split(",").filter(Boolean);
const words = queries.length
  ? queries
  : [
      "acne",
      "eczeem",
      "utrecht",
      "psoriasis",
      "rosacea",
      "amsterdam",
      "wratten",
      "haarlem",
      "de vries",
      "kramer",
      "moedervlek",
      "groningen",
      "jeuk",
      "zwolle",
      "haaruitval",
      "bakker",
      "delft",
      "huidkanker",
      "leiden",
      "janssen",
    ];
const context = await browser.newContext({ viewport: phone, locale: "nl-NL" });
const page = await context.newPage();
await page.goto(`${base}/doctors`);
await page.waitForSelector("[data-testid=results] .doctor-card");
await page.evaluate(() => {
  const w = window;
  w.__lastInput = 0;
  document.querySelector("#q").addEventListener("input", () => {
    w.__lastInput = performance.now();
  });
});
const latencies = [];
const apiTimes = [];
for (const word of words) {
  const done = page.evaluate(
    (q) =>
      new Promise((resolve) => {
        const el = document.querySelector("[data-testid=results]");
        const obs = new MutationObserver(() => {
          if (el.getAttribute("data-query") === q) {
            obs.disconnect();
            const now = performance.now();
            const api = performance
              .getEntriesByType("resource")
              .filter((e) => e.name.includes("/v1/doctors?") && e.startTime >= window.__lastInput)
              .pop();
            resolve({ total: now - window.__lastInput, api: api ? api.responseEnd - api.startTime : -1 });
          }
        });
        obs.observe(el, { attributes: true, attributeFilter: ["data-query"] });
      }),
    word,
  );
  // A person typing: about 8 keys a second.
  await page.locator("#q").pressSequentially(word, { delay: 120 });
  const { total, api } = await done;
  latencies.push(total);
  if (api >= 0) apiTimes.push(api);
  await page.locator("#q").fill("");
  await page.waitForFunction(
    () => document.querySelector("[data-testid=results]")?.getAttribute("data-query") === "",
  );
}
await browser.close();

const bundle = entryBytes();
const figures = {
  bundle_js_gzip_bytes: bundle.js,
  bundle_css_gzip_bytes: bundle.css,
  bundle_files: bundle.files,
  static_page_usable_ms: still,
  home_usable_ms: home,
  search_usable_ms: search,
  search_update_ms: summary(latencies),
  search_api_ms: apiTimes.length ? summary(apiTimes) : null,
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    load_before: Math.round(loadBefore * 100) / 100,
    load: loadavg().map((l) => Math.round(l * 100) / 100),
  },
};
console.log(`BENCH ${JSON.stringify(figures)}`);
const over = [];
if (bundle.js + bundle.css > 150 * 1024) over.push("entry bundle > 150 kB gzipped");
if (home.p95 > 1000) over.push("home p95 > 1 s");
if (search.p95 > 1000) over.push("search p95 > 1 s");
if (figures.search_update_ms.p95 > 150) over.push("search update p95 > 150 ms");
console.log(over.length ? `OVER BUDGET: ${over.join("; ")}` : "within budget");
