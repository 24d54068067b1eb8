// Browser test of the web client against a real stack (started by the Go
// test TestWebClientInBrowser, which passes everything in the environment):
// Debian's Chromium, driven by playwright-core, follows links from mails
// caught by the SMTP sink, as a guest (signed ?access= link), as the doctor
// and as a patient with an account (through the login page and the PIN).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { secondStep } from "./helpers.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const base = env("E2E_BASE_URL");
const sink = env("E2E_SINK_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out");
mkdirSync(out, { recursive: true });

/** linkIn finds the first link in the newest mail to `to` whose subject contains `subject`. */
async function linkIn(to, pathPart) {
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

// playwright-core starts Chromium with a fresh temporary --user-data-dir of
// its own (it refuses the flag in launch()); each step then opens a new,
// cookie-less browser context.
const browser = await chromium.launch({
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

/** page opens a fresh context (no cookies) with console errors and CSP violations collected. */
async function open(viewport) {
  const context = await browser.newContext({ viewport, locale: "nl-NL", timezoneId: "Europe/Amsterdam" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return { context, page, problems };
}

function expectClean(problems) {
  if (problems.length) throw new Error(`console errors: ${problems.join(" | ")}`);
}

const phone = { width: 390, height: 844 };
const expectText = async (page, text) => {
  await page.getByText(text, { exact: false }).first().waitFor({ timeout: 15000 });
};

await step("guest follows the emailed link, adds a photo and sends the form", async () => {
  const { link } = await linkIn(env("E2E_GUEST_EMAIL"), "/consultations/");
  if (!link.includes("access=")) throw new Error(`guest link without access token: ${link}`);
  const { context, page, problems } = await open(phone);
  const res = await page.goto(link);
  if (res.status() !== 200 || !res.headers()["content-type"].startsWith("text/html")) {
    throw new Error(`${link} → ${res.status()} ${res.headers()["content-type"]}`);
  }
  if (!res.headers()["content-security-policy"]?.includes("frame-ancestors 'none'"))
    throw new Error("no CSP");
  // The guest booked in English: the page speaks it.
  await expectText(page, "Fill in the form");
  await page.screenshot({ path: join(out, "guest-consultation.png"), fullPage: true });
  await page.setInputFiles("#photo", env("E2E_PHOTO"));
  await page.getByTestId("photo-count").getByText("1").waitFor({ timeout: 15000 });
  await page.fill("#complaint", "A red, scaly patch on my elbow for two months");
  await page.fill("#location", "left elbow");
  await page.selectOption("#duration", "months");
  await page.fill("#question", "Is this psoriasis and what can I do?");
  await page.fill("#patient_name", "Eva de Vries");
  await page.fill("#birth_date", "1984-02-29");
  await page.getByRole("button", { name: "Send" }).click();
  await expectText(page, "With the dermatologist");
  await page.screenshot({ path: join(out, "guest-sent.png"), fullPage: true });
  expectClean(problems);
  await context.close();
});

await step("doctor follows the dashboard link through the login page and answers", async () => {
  const { link } = await linkIn(
    env("E2E_DOCTOR_EMAIL"),
    `/doctor/consultations/${env("E2E_GUEST_CONSULTATION")}`,
  );
  const { context, page, problems } = await open({ width: 1280, height: 900 });
  await page.goto(link);
  await page.waitForURL(/\/login\?next=/, { timeout: 15000 });
  await page.fill("#email", env("E2E_DOCTOR_EMAIL"));
  await page.fill("#password", env("E2E_DOCTOR_PASSWORD"));
  await page.getByRole("button", { name: "Inloggen" }).click();
  await secondStep(page, new URL(link).pathname, env("E2E_DOCTOR_EMAIL"));
  await expectText(page, "left elbow");
  const img = page.locator(".photos img").first();
  await img.waitFor({ timeout: 15000 });
  if (!(await img.evaluate((el) => el.complete && el.naturalWidth > 0)))
    throw new Error("photo did not load");
  await page.screenshot({ path: join(out, "doctor-consultation.png"), fullPage: true });
  await page.fill(
    "#advice-text",
    "This looks like mild plaque psoriasis. Use a greasy emollient twice daily and see your GP if it spreads.",
  );
  await page.getByRole("button", { name: "Advies versturen" }).click();
  await expectText(page, "Het advies is verstuurd.");
  const cookies = await context.cookies();
  const sessionCookie = cookies.find((c) => c.name.endsWith("derma_session"));
  if (!sessionCookie?.httpOnly || sessionCookie.sameSite !== "Lax") {
    throw new Error(`session cookie ${JSON.stringify(sessionCookie)}`);
  }
  const stored = await page.evaluate(
    () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  );
  if (stored.includes(sessionCookie.value)) throw new Error("session token in web storage");
  expectClean(problems);
  await context.close();
});

await step("patient follows an account link through login and the PIN", async () => {
  const { link } = await linkIn(env("E2E_PATIENT_EMAIL"), "/consultations/");
  if (link.includes("access=")) throw new Error(`account link carries a token: ${link}`);
  const { context, page, problems } = await open(phone);
  await page.goto(link);
  await page.waitForURL(/\/login\?next=/, { timeout: 15000 });
  await page.screenshot({ path: join(out, "login.png"), fullPage: true });
  await page.fill("#email", env("E2E_PATIENT_EMAIL"));
  await page.fill("#password", env("E2E_PATIENT_PASSWORD"));
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.waitForURL((u) => u.pathname === new URL(link).pathname, { timeout: 15000 });
  // The PIN guards the medical parts; where the API asks for it, set it.
  const pin = page.locator("#pin");
  const status = page.getByTestId("status");
  await Promise.race([pin.waitFor({ timeout: 15000 }), status.waitFor({ timeout: 15000 })]);
  if (await pin.isVisible()) {
    await pin.fill("4826");
    await page.fill("#pin-password", env("E2E_PATIENT_PASSWORD"));
    await page.getByRole("button", { name: "Pincode instellen" }).click();
  }
  await expectText(page, "Vul het formulier in");
  await expectText(page, "€");
  await page.screenshot({ path: join(out, "patient-consultation.png"), fullPage: true });
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expectText(page, "Fill in the form");
  expectClean(problems);
  await context.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} browser step(s) failed; screenshots in ${out}`);
  process.exit(1);
}
console.log(`all browser steps passed; screenshots in ${out}`);
