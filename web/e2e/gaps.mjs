// Browser test of the remaining gaps of issues 9 and 11, started by the Go
// test TestGapsInBrowser (which prepares the accounts and a paid video
// booking and checks the API afterwards): a doctor builds a questionnaire
// at /doctor/questionnaires, the patient fills it in at
// /consultations/:id/questionnaire (a phone), and the doctor sees the
// answers with the booking; the "complain about this doctor" link on a
// profile opens the contact form with the practitioner subject and the
// doctor filled in; a doctor connects Mollie from the dashboard through the
// sandbox's OAuth consent page and disconnects it again.
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
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "gaps");
mkdirSync(out, { recursive: true });

const browser = await launch();
const { step, failures } = steps();
const open = (viewport) => openIn(browser, viewport);

const login = (page, email, password, next) => signIn(page, base, email, password, next);

const doctor = { email: env("E2E_DOCTOR_EMAIL"), password: env("E2E_DOCTOR_PASSWORD") };
const consultation = env("E2E_CONSULTATION");
const title = env("E2E_QNR_TITLE");
const why = env("E2E_QNR_WHY");

await step("doctor builds a questionnaire for video consultations", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor/questionnaires");
  await page.locator("#qnr-type").selectOption("video");
  await page.locator("#qnr-title").fill(title);
  const add = page.getByRole("button", { name: "Vraag toevoegen" });
  // An empty publish is refused on the page.
  await page.getByRole("button", { name: "Publiceren" }).click();
  await expectText(page, "Voeg minstens één vraag toe.");
  await add.click();
  await page.locator("#qb-q1-label").fill("Waarvoor komt u?");
  await page.locator("#qb-q1-kind").selectOption("long_text");
  await page.locator("#qb-q1-required").check();
  await add.click();
  await page.locator("#qb-q2-label").fill("Jeukt het?");
  await page.locator("#qb-q2-kind").selectOption("yes_no");
  await page.locator("#qb-q2-required").check();
  await add.click();
  await page.locator("#qb-q3-label").fill("Waar zit het?");
  await page.locator("#qb-q3-kind").selectOption("single_choice");
  await page.locator("#qb-q3-options").fill("armen\nbenen\nromp");
  await page.getByRole("button", { name: "Publiceren" }).click();
  await expectText(page, "Gepubliceerd als versie");
  await axe(page, "doctor-questionnaire-builder");
  expectClean(problems);
  await context.close();
});

await step("patient fills in the questionnaire on a phone", async () => {
  const { context, page, problems } = await open(phone);
  await login(
    page,
    env("E2E_PATIENT_EMAIL"),
    env("E2E_PATIENT_PASSWORD"),
    `/consultations/${consultation}/questionnaire`,
  );
  const pin = page.locator("#pin").first();
  const form = page.getByTestId("questionnaire-form");
  await Promise.race([pin.waitFor({ timeout: 15000 }), form.waitFor({ timeout: 15000 })]);
  if (await pin.isVisible()) {
    await pin.fill(env("E2E_PIN"));
    await page.getByRole("button", { name: "Ontgrendelen" }).first().click();
  }
  await form.waitFor({ timeout: 15000 });
  await expectText(page, title);
  await page.getByRole("button", { name: "Antwoorden versturen" }).click();
  await expectText(page, "Deze vraag is verplicht.");
  await page.locator("#qn-q1").fill(why);
  await page.locator("#qn-q2-0").check();
  await page.locator("#qn-q3").selectOption("romp");
  await page.getByRole("button", { name: "Antwoorden versturen" }).click();
  await expectText(page, "Dank u, uw antwoorden zijn verstuurd.");
  await axe(page, "patient-questionnaire");
  expectClean(problems);
  await context.close();
});

await step("doctor sees the answers with the booking", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, `/doctor/consultations/${consultation}`);
  const answers = page.getByTestId("questionnaire-answers");
  await answers.waitFor({ timeout: 15000 });
  const got = await answers.locator('[data-answer="q1"]').innerText();
  if (!got.includes(why)) throw new Error(`the doctor reads ${JSON.stringify(got)} for q1`);
  const where = await answers.locator('[data-answer="q3"]').innerText();
  if (!where.includes("romp")) throw new Error(`the doctor reads ${JSON.stringify(where)} for q3`);
  await axe(page, "doctor-consultation-answers");
  expectClean(problems);
  await context.close();
});

await step("the profile's complaint link opens the contact form about this doctor", async () => {
  const { context, page, problems } = await open(phone);
  await page.goto(`${base}/doctors/${env("E2E_DOCTOR_ID")}`);
  await page.getByRole("link", { name: "Dien een klacht in" }).click();
  await page.waitForURL(
    (u) => u.pathname === "/contact" && u.searchParams.get("doctor") === env("E2E_DOCTOR_ID"),
  );
  await page.getByTestId("about-doctor").waitFor({ timeout: 15000 });
  await expectText(page, env("E2E_DOCTOR_NAME"));
  const checked = await page.locator('input[name="contact-subject"][value="practitioner"]').isChecked();
  if (!checked) throw new Error("the practitioner subject is not chosen");
  await axe(page, "contact-about-doctor");
  expectClean(problems);
  await context.close();
});

await step("doctor connects Mollie through the sandbox's consent page and disconnects it", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, env("E2E_CONNECT_EMAIL"), doctor.password, "/doctor/payouts");
  await page.getByTestId("payouts-not-connected").waitFor({ timeout: 15000 });
  await page.getByTestId("payouts-connect").click();
  await page.waitForURL((u) => u.pathname.endsWith("/oauth2/authorize"), { timeout: 15000 });
  await page.locator("#organization").fill(env("E2E_CONNECT_ORG"));
  await page.locator("#authorize").click();
  await page.waitForURL((u) => u.pathname === "/doctor/payouts/connected", { timeout: 15000 });
  await expectText(page, "is gekoppeld");
  await page.goto(`${base}/doctor/payouts`);
  await page.getByTestId("payouts-connected").waitFor({ timeout: 15000 });
  await axe(page, "payouts-connected");
  await page.getByTestId("payouts-disconnect").click();
  await page.getByTestId("payouts-disconnect-confirm").waitFor();
  await page.getByTestId("payouts-disconnect-yes").click();
  await page.getByTestId("payouts-not-connected").waitFor({ timeout: 15000 });
  expectClean(problems);
  await context.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} browser step(s) failed; files in ${out}`);
  process.exit(1);
}
