// Helpers for the browser scripts: Debian's Chromium through playwright-core,
// steps that report and go on, mail links from the SMTP sink, axe-core and
// a keyboard walk. Each script imports what it needs.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

/** env reads a required variable. */
export const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};

/** launch starts Debian's Chromium headless (never a downloaded browser). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** steps runs named steps one after the other, logging each, and remembers the failures. */
export function steps() {
  const failures = [];
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failures.push(name);
      console.log(`FAIL ${name}: ${err?.stack ?? err}`);
    }
  };
  return { step, failures };
}

/** open makes a fresh context (no cookies) and a page that collects console errors. */
export async function open(browser, viewport, locale = "nl-NL") {
  const context = await browser.newContext({ viewport, locale, timezoneId: "Europe/Amsterdam" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (
      m.type() === "error" &&
      !/status of 4\d\d/.test(m.text()) &&
      !/ERR_INTERNET_DISCONNECTED/.test(m.text())
    )
      problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return { context, page, problems };
}

/** expectClean fails on console errors (CSP violations among them). */
export function expectClean(problems) {
  if (problems.length) throw new Error(`console errors: ${problems.join(" | ")}`);
}

export const phone = { width: 390, height: 844 };
export const desktop = { width: 1280, height: 900 };

/** expectText waits until text shows on the page. */
export async function expectText(page, text, timeout = 15000) {
  await page.getByText(text, { exact: false }).first().waitFor({ timeout });
}

/** linkIn finds a link to base containing pathPart in the newest mails to `to`. */
export async function linkIn(sink, base, to, pathPart) {
  const res = await fetch(`${sink}/api/messages?to=${encodeURIComponent(to)}`);
  if (!res.ok) throw new Error(`sink: ${res.status}`);
  const body = await res.json();
  const list = Array.isArray(body) ? body : (body.messages ?? body.items ?? []);
  for (const summary of list) {
    const full = await (await fetch(`${sink}/api/messages/${summary.id}`)).json();
    const links = `${full.text}\n${full.html}`.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    const hit = links
      .map((l) => l.replaceAll("&amp;", "&"))
      .find((l) => l.startsWith(base) && l.includes(pathPart));
    if (hit) return { link: hit, subject: full.subject };
  }
  throw new Error(`no mail to ${to} with a link containing ${pathPart}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe runs axe-core on the page as it is now and fails on any serious or
 * critical violation. It is evaluated through the DevTools protocol, which
 * the page's CSP does not govern (the page's own scripts stay under it).
 */
export async function axe(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) throw new Error(`axe on ${label}: ${JSON.stringify(bad)}`);
  return result.length;
}

/**
 * keyboardWalk presses Tab through the page and checks that every control
 * it can reach by mouse it reaches by keyboard, each with a visible focus
 * indicator (an outline or a box shadow).
 */
export async function keyboardWalk(page, label, max = 250) {
  await page.evaluate(() => {
    document.activeElement?.blur?.();
    window.scrollTo(0, 0);
  });
  const reached = new Set();
  const invisible = [];
  let first = "";
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      if (!el.dataset.kw) el.dataset.kw = String(Math.random()).slice(2);
      const s = getComputedStyle(el);
      const shown =
        (s.outlineStyle !== "none" && Number.parseFloat(s.outlineWidth) > 0) ||
        (s.boxShadow && s.boxShadow !== "none");
      // A visually hidden file input shows its focus on its label.
      let labelShown = false;
      if (el instanceof HTMLInputElement && el.type === "file" && el.labels?.[0]) {
        const ls = getComputedStyle(el.labels[0]);
        labelShown = ls.outlineStyle !== "none" && Number.parseFloat(ls.outlineWidth) > 0;
      }
      return {
        id: el.dataset.kw,
        what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`,
        shown: shown || labelShown,
      };
    });
    if (!info) continue;
    // Around once: back at the first control. (A date input takes a Tab per part.)
    if (info.id === first) break;
    first ||= info.id;
    if (reached.has(info.id)) continue;
    reached.add(info.id);
    if (!info.shown) invisible.push(info.what);
  }
  const missed = await page.evaluate(
    (ids) => {
      const controls = [
        ...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]"),
      ].filter((el) => {
        if (el.disabled || el.getAttribute("tabindex") === "-1") return false;
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        const hiddenFile = el instanceof HTMLInputElement && el.type === "file";
        return (hiddenFile || (r.width > 0 && r.height > 0)) && s.visibility !== "hidden";
      });
      // Of a radio group only one radio is a Tab stop; the arrow keys move within it.
      const groups = new Set(
        controls
          .filter((el) => el.type === "radio" && ids.includes(el.dataset.kw ?? ""))
          .map((el) => el.name),
      );
      return controls
        .filter((el) => !ids.includes(el.dataset.kw ?? "") && !(el.type === "radio" && groups.has(el.name)))
        .map((el) => el.outerHTML.slice(0, 80));
    },
    [...reached],
  );
  if (invisible.length) throw new Error(`${label}: focus not visible on ${invisible.join(", ")}`);
  if (missed.length) throw new Error(`${label}: not reachable by keyboard: ${missed.join(" | ")}`);
  return reached.size;
}

/** totp is the RFC 6238 code (SHA-1, six digits, 30 s) of a base32 secret at step. */
export function totp(secret, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  }
  const key = Buffer.alloc(Math.floor(bits.length / 8));
  for (let i = 0; i < key.length; i++) key[i] = Number.parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const off = mac[mac.length - 1] & 0xf;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1e6).padStart(6, "0");
}

/**
 * login signs in on the web client's login page and, for doctors and
 * admins, gives the second step with the current authenticator code of the
 * demo secret (E2E_TOTP_SECRET). A code is good once: when another login of
 * the account used this step's code, it waits for the next step. Every
 * browser script logs in through here.
 */
export async function login(page, base, email, password, next, button = "Inloggen") {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.getByRole("button", { name: button }).click();
  await secondStep(page, next.split("?")[0], email);
}

/**
 * secondStep waits after the password for the page at path, giving the
 * authenticator code on the way when the login page asks for it. The server
 * takes each step's code once per account, within one step either side of
 * now: a login of an account whose current step is spent gives the next
 * step's code at once, and waits only when that one is spent too. An account
 * without an authenticator enrols one on the way (enrolSecondStep).
 */
export async function secondStep(page, path, email = "") {
  const code = page.locator("#second-factor-code");
  const enrol = page.locator("#second-factor-enrol");
  await Promise.race([
    page.waitForURL((u) => u.pathname === path, { timeout: 20000 }),
    code.waitFor({ timeout: 20000 }),
    enrol.waitFor({ timeout: 20000 }),
  ]);
  if (await enrol.count()) return enrolSecondStep(page, path);
  if (new URL(page.url()).pathname === path && !(await code.count())) return;
  const secret = env("E2E_TOTP_SECRET");
  const account = (email || secret).toLowerCase();
  for (let attempt = 0; attempt < 4; attempt++) {
    const step = await unusedStep(account);
    await code.fill(totp(secret, step));
    const [answer] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/v1/auth/second-factor",
        { timeout: 20000 },
      ),
      page.locator("form button[type=submit]").click(),
    ]);
    if (answer.ok()) {
      await page.waitForURL((u) => u.pathname === path, { timeout: 20000 });
      return;
    }
    // refused: another login of the account (another process) spent this step
  }
  throw new Error(`second step of ${email} refused four times`);
}

/**
 * unusedStep is the earliest step, now or the next, that no login of
 * account here has used, waiting for the clock when both are spent; it
 * marks the step used.
 */
async function unusedStep(account) {
  const now = () => Math.floor(Date.now() / 30000);
  let step = Math.max(now(), (usedSteps.get(account) ?? -1) + 1);
  if (step > now() + 1) {
    await new Promise((r) => setTimeout(r, (step - 1) * 30000 - Date.now() + 100));
    step = Math.max(now(), step);
  }
  usedSteps.set(account, step);
  return step;
}

const usedSteps = new Map();

/**
 * enrolSecondStep sets up the authenticator of a doctor or admin who has
 * none (the login page's enrolment): it reads the secret the page shows,
 * gives its current code, passes the recovery codes and waits for path. It
 * returns the secret.
 */
export async function enrolSecondStep(page, path) {
  await page.locator("#second-factor-enrol").click();
  const secret = (await page.getByTestId("totp-secret").textContent({ timeout: 15000 }))?.trim() ?? "";
  if (!secret) throw new Error("the enrolment page shows no secret");
  await page.locator("#second-factor-code").fill(totp(secret, Math.floor(Date.now() / 30000)));
  await page.locator("form button[type=submit]").click();
  await page.getByTestId("recovery-codes").waitFor({ timeout: 15000 });
  await page.locator("#second-factor-continue").click();
  await page.waitForURL((u) => u.pathname === path, { timeout: 15000 });
  return secret;
}
