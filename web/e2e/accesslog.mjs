// Browser test of the NEN 7513 access views, started by the Go test
// TestAccessLogInBrowser (which makes a doctor read the patient's record
// three times and passes the accounts in the environment): the patient sees
// the doctor by name with "3 keer die dag" and filters the period; the
// doctor opens the same view from the record; the admin searches the log by
// the patient's email and opens the patient's view. Every page passes axe.
import { mkdirSync } from "node:fs";
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
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "accesslog");
mkdirSync(out, { recursive: true });

const browser = await launch();
const { step, failures } = steps();
const open = (viewport) => openIn(browser, viewport);
const login = (page, email, password, next) => signIn(page, base, email, password, next);
const doctorName = env("E2E_DOCTOR_NAME");
const patientId = env("E2E_PATIENT_ID");

/** doctorLine is the table row of the doctor's merged record reads. */
const doctorLine = (page) =>
  page.locator('[data-testid="access-line"]', { hasText: doctorName }).filter({ hasText: "dossier" }).first();

await step("patient: the doctor's three reads are one line, and the period filter", async () => {
  const { context, page, problems } = await open(phone);
  await login(page, env("E2E_PATIENT_EMAIL"), env("E2E_PATIENT_PASSWORD"), "/account/access-log");
  const line = doctorLine(page);
  await line.waitFor({ timeout: 15000 });
  const text = await line.textContent();
  if (!text.includes("3 keer die dag")) throw new Error(`the line does not merge the three reads: ${text}`);
  if (!text.includes("Dermatoloog")) throw new Error(`the line does not name the role: ${text}`);
  await axe(page, "patient access log");
  await page.screenshot({ path: join(out, "patient.png"), fullPage: true });
  // A period that ended yesterday shows nothing of today.
  const yesterday = new Date(Date.now() - 86400000).toLocaleDateString("sv-SE", {
    timeZone: "Europe/Amsterdam",
  });
  await page.fill("#access-to", yesterday);
  await page.getByRole("button", { name: "Toon" }).click();
  await page.getByTestId("empty").waitFor({ timeout: 15000 });
  await page.fill("#access-to", "");
  await page.getByRole("button", { name: "Toon" }).click();
  await doctorLine(page).waitFor({ timeout: 15000 });
  expectClean(problems);
  await context.close();
});

await step("doctor: the same view from the patient's record", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, env("E2E_DOCTOR_EMAIL"), env("E2E_DOCTOR_PASSWORD"), `/doctor/patients/${patientId}`);
  await page.getByRole("link", { name: "Wie bekeek dit dossier" }).click();
  await page.waitForURL((u) => u.pathname === `/doctor/patients/${patientId}/access-log`);
  await expectText(page, "Wie bekeek de gegevens van deze patiënt");
  await doctorLine(page).waitFor({ timeout: 15000 });
  await axe(page, "doctor access log");
  expectClean(problems);
  await context.close();
});

await step("admin: search the log by the patient's email and open the patient's view", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, env("E2E_ADMIN_EMAIL"), env("E2E_ADMIN_PASSWORD"), "/admin");
  await page.getByRole("link", { name: "Inzagelogboek (NEN 7513)" }).click();
  await page.waitForURL((u) => u.pathname === "/admin/access-log");
  await page.fill("#audit-patient", env("E2E_PATIENT_EMAIL"));
  await page.selectOption("#audit-action", "read");
  await page.getByRole("button", { name: "Zoeken" }).click();
  const row = page.locator('[data-testid="audit-row"]', { hasText: doctorName }).first();
  await row.waitFor({ timeout: 15000 });
  await axe(page, "admin audit search");
  await page.screenshot({ path: join(out, "admin-search.png"), fullPage: true });
  await row.getByRole("link", { name: "Overzicht van deze patiënt" }).click();
  await page.waitForURL((u) => u.pathname === `/admin/patients/${patientId}/access-log`);
  await doctorLine(page).waitFor({ timeout: 15000 });
  await axe(page, "admin patient access log");
  expectClean(problems);
  await context.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
