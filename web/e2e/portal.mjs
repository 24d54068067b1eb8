// Browser test of the patient portal, the doctor's dashboard and the
// register page against a real stack (started by the Go test
// TestWebPortalInBrowser, which prepares the accounts and bookings and passes
// them in the environment). Debian's Chromium, driven by playwright-core.
// Patient pages run in a phone viewport (390×844). Screenshots of the main
// pages go to E2E_SHOTS_DIR when it is set (docs/screenshots).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  axe,
  desktop,
  env,
  expectClean,
  expectText,
  launch,
  open as openIn,
  phone,
  login as signIn,
  steps,
} from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "portal");
const shots = process.env.E2E_SHOTS_DIR;
mkdirSync(out, { recursive: true });
if (shots) mkdirSync(shots, { recursive: true });

const browser = await launch();
const { step, failures } = steps();
const open = (viewport) => openIn(browser, viewport);
const checked = [];
/** check runs axe-core on the page (no serious or critical violation). */
async function check(page, label) {
  await axe(page, label);
  checked.push(label);
}

/** shot saves a screenshot for the run (and for docs/screenshots when asked). */
async function shot(page, name, full = false) {
  const buf = await page.screenshot({ path: join(out, `${name}.png`), fullPage: full });
  if (shots) writeFileSync(join(shots, `${name}.png`), buf);
}

const login = (page, email, password, next) => signIn(page, base, email, password, next);

/** unlock answers the PIN gate where the page shows one. */
async function unlock(page, pin) {
  await page.locator("#pin").first().waitFor({ timeout: 15000 });
  await page.locator("#pin").first().fill(pin);
  await page.getByRole("button", { name: "Ontgrendelen" }).first().click();
}

const pin = env("E2E_PIN");
const patient = { email: env("E2E_PATIENT_EMAIL"), password: env("E2E_PATIENT_PASSWORD") };
const doctor = { email: env("E2E_DOCTOR_EMAIL"), password: env("E2E_DOCTOR_PASSWORD") };
const editor = { email: env("E2E_EDITOR_EMAIL"), password: env("E2E_DOCTOR_PASSWORD") };

await step("register page says to check the email", async () => {
  const { context, page, problems } = await open(phone);
  await page.goto(`${base}/register`);
  await page.fill("#name", "Nieuwe Patiënt");
  await page.fill("#email", env("E2E_REGISTER_EMAIL"));
  await page.fill("#password", "register-in-browser-2026");
  await page.getByRole("button", { name: "Account aanmaken" }).click();
  await expectText(page, `We hebben een e-mail gestuurd naar ${env("E2E_REGISTER_EMAIL")}`);
  await shot(page, "register-check-email");
  await check(page, "register-check-email");
  expectClean(problems);
  await context.close();
});

await step("portal lists upcoming and past consultations with the doctor's zone (phone)", async () => {
  const { context, page, problems } = await open(phone);
  await login(page, patient.email, patient.password, "/consultations");
  const upcoming = page.getByTestId("upcoming");
  await upcoming.waitFor({ timeout: 15000 });
  await expectText(page, "Videoconsult");
  await expectText(page, "tijd in Amsterdam");
  await expectText(page, env("E2E_DOCTOR_NAME"));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 390) throw new Error(`the portal scrolls sideways on a phone: ${width}px`);
  await shot(page, "portal");
  await check(page, "portal");
  // Language switch: the page speaks English at once.
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expectText(page, "Upcoming and in progress");
  await expectText(page, "Amsterdam time");
  await page.getByRole("button", { name: "NL", exact: true }).click();
  await expectText(page, "Komend en lopend");
  expectClean(problems);
  await context.close();
});

await step("cancel ≥ 24 h ahead: the refund is shown before confirming", async () => {
  const { context, page, problems } = await open(phone);
  const id = env("E2E_VIDEO_CONSULTATION");
  await login(page, patient.email, patient.password, `/consultations/${id}`);
  await page.getByRole("button", { name: "Annulering aanvragen", exact: true }).click();
  const refund = page.getByTestId("refund");
  await refund.waitFor({ timeout: 15000 });
  const text = (await refund.textContent()) ?? "";
  const want = env("E2E_REFUND_TEXT");
  if (!text.replace(/\s/g, " ").includes(want)) throw new Error(`refund shown "${text}", want "${want}"`);
  await shot(page, "portal-cancel");
  await check(page, "portal-cancel");
  await page.getByRole("button", { name: "Ja, annulering aanvragen", exact: true }).click();
  await page.getByTestId("cancel-pending").waitFor({ timeout: 15000 });
  await expectText(page, "Annulering aangevraagd");
  console.log(`refund shown: ${text.trim()}`);
  expectClean(problems);
  await context.close();
});

await step("doctor confirms the cancellation from the dashboard", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor");
  await page.getByTestId("cancel-requests").waitFor({ timeout: 15000 });
  await shot(page, "dashboard");
  await check(page, "dashboard");
  await page.getByTestId("cancel-requests").getByRole("link").first().click();
  await page.getByRole("button", { name: "Annulering bevestigen" }).click();
  await expectText(page, "Geannuleerd");
  expectClean(problems);
  await context.close();
});

await step("in-person visit: attended, then the invoice downloads (doctor and patient)", async () => {
  const id = env("E2E_INPERSON_CONSULTATION");
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, `/doctor/consultations/${id}`);
  await page.getByRole("button", { name: "Verschenen", exact: true }).click();
  await expectText(page, "Afgerond");
  await page.goto(`${base}/doctor/invoices`);
  const row = page.locator(`tr[data-consultation="${id}"]`);
  await row.waitFor({ timeout: 20000 });
  await shot(page, "dashboard-invoices");
  await check(page, "dashboard-invoices");
  const href = await row.getByRole("link").getAttribute("href");
  const pdf = await page.request.get(new URL(href, base).toString());
  const body = await pdf.body();
  if (pdf.status() !== 200 || body.subarray(0, 4).toString() !== "%PDF") {
    throw new Error(`doctor's invoice ${href} → ${pdf.status()} ${body.subarray(0, 8)}`);
  }
  expectClean(problems);
  await context.close();

  const p = await open(phone);
  await login(p.page, patient.email, patient.password, `/consultations/${id}`);
  await unlock(p.page, pin);
  const link = p.page.locator('a[data-kind="invoice"]');
  await link.waitFor({ timeout: 20000 });
  const res = await p.page.request.get(new URL(await link.getAttribute("href"), base).toString());
  const pbody = await res.body();
  if (res.status() !== 200 || pbody.subarray(0, 4).toString() !== "%PDF") {
    throw new Error(`patient's invoice → ${res.status()}`);
  }
  await shot(p.page, "portal-documents");
  await check(p.page, "portal-documents");
  expectClean(p.problems);
  await p.context.close();
});

await step("doctor edits the availability; the patient sees the new slot", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, editor.email, editor.password, "/doctor/availability");
  const day = page.locator(`.weekday[data-weekday="${env("E2E_NEW_WEEKDAY")}"]`);
  await day.getByRole("button", { name: "Uren toevoegen" }).click();
  await day.getByLabel(/ van$/).fill("07:00");
  await day.getByLabel(/ tot$/).fill("07:30");
  await page.fill("#duration-minutes", "30");
  await page.getByRole("button", { name: "Opslaan" }).click();
  await expectText(page, "Opgeslagen.");
  await page
    .getByTestId("slot-preview")
    .locator(".slot")
    .getByText("07:00")
    .first()
    .waitFor({ timeout: 15000 });
  await shot(page, "dashboard-availability");
  await check(page, "dashboard-availability");
  expectClean(problems);
  await context.close();

  const p = await open(phone);
  await p.page.goto(`${base}/doctors/${env("E2E_EDITOR_ID")}`);
  await expectText(p.page, "07:00", 20000);
  expectClean(p.problems);
  await p.context.close();
});

await step("email advice: answered in the dashboard inbox, read behind the PIN", async () => {
  const id = env("E2E_ADVICE_CONSULTATION");
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor");
  const inbox = page.getByTestId("inbox");
  await inbox.getByTestId("sla").first().waitFor({ timeout: 15000 });
  await inbox.locator(`a[href="/doctor/consultations/${id}"]`).click();
  await page.fill(
    "#advice-text",
    "Dit lijkt op eczeem. Smeer twee keer per dag een vette crème en kom terug als het niet beter wordt.",
  );
  await shot(page, "dashboard-consultation");
  await check(page, "dashboard-consultation");
  await page.getByRole("button", { name: "Advies versturen" }).click();
  await expectText(page, "Het advies is verstuurd.");
  expectClean(problems);
  await context.close();

  const p = await open(phone);
  await login(p.page, patient.email, patient.password, `/consultations/${id}`);
  await unlock(p.page, pin);
  await p.page.getByTestId("advice").getByText("Dit lijkt op eczeem").waitFor({ timeout: 15000 });
  await shot(p.page, "portal-advice");
  await check(p.page, "portal-advice");
  expectClean(p.problems);
  await p.context.close();
});

await step("account: access log and favourites (phone)", async () => {
  const { context, page, problems } = await open(phone);
  await login(page, patient.email, patient.password, "/account/access-log");
  await page.getByTestId("access-log").waitFor({ timeout: 15000 });
  await expectText(page, "Dermatoloog");
  await shot(page, "portal-access-log");
  await check(page, "portal-access-log");
  await page.goto(`${base}/consultations/${env("E2E_VIDEO_CONSULTATION")}`);
  await page.getByRole("button", { name: "Bewaar als favoriet" }).click();
  await page.getByRole("button", { name: "★ Favoriet", exact: true }).waitFor({ timeout: 15000 });
  await page.goto(`${base}/account/favourites`);
  await expectText(page, env("E2E_DOCTOR_NAME"));
  expectClean(problems);
  await context.close();
});

await step("five wrong PINs lock it, and the page says until when", async () => {
  const { context, page, problems } = await open(phone);
  const locked = { email: env("E2E_LOCKED_EMAIL"), password: env("E2E_LOCKED_PASSWORD") };
  await login(page, locked.email, locked.password, `/consultations/${env("E2E_LOCKED_CONSULTATION")}`);
  await page.locator("#pin").first().waitFor({ timeout: 15000 });
  for (let i = 0; i < 6; i++) {
    await page.locator("#pin").first().fill("0000");
    await page.getByRole("button", { name: "Ontgrendelen" }).first().click();
    await page.waitForTimeout(300);
  }
  await expectText(page, "U kunt het weer proberen vanaf");
  await shot(page, "portal-pin-locked");
  await check(page, "portal-pin-locked");
  expectClean(problems);
  await context.close();
});

await browser.close();
console.log(`axe checked ${checked.length} page states: ${checked.join(", ")}`);
if (failures.length) {
  console.log(`${failures.length} browser step(s) failed; screenshots in ${out}`);
  process.exit(1);
}
console.log(`all portal browser steps passed; screenshots in ${out}`);
