// Browser test of the medical record (started by the Go test
// TestWebRecordInBrowser, which builds the record and passes its accounts in
// the environment): the doctor opens the patient from the patient list,
// reads the timeline, adds a note and an ICD-10 diagnosis through the forms
// and downloads the record as PDF and FHIR; the patient unlocks the PIN on
// a phone, reads their record across doctors and downloads both files. The
// downloads are saved to E2E_OUT_DIR for the Go test to validate.
import { mkdirSync, readFileSync } from "node:fs";
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
const out = env("E2E_OUT_DIR");
mkdirSync(out, { recursive: true });

const browser = await launch();
const { step, failures } = steps();
const open = (viewport) => openIn(browser, viewport);
const patientID = env("E2E_PATIENT_ID");
const noteText = env("E2E_NOTE_TEXT");

const login = (page, email, password, next) => signIn(page, base, email, password, next);

/** download clicks the link and saves what the browser received as name. */
async function download(page, testId, name) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  const path = join(out, name);
  await file.saveAs(path);
  return readFileSync(path);
}

function expectFiles(pdf, fhir, label) {
  if (!pdf.subarray(0, 4).equals(Buffer.from("%PDF")))
    throw new Error(`${label}: the PDF download is no PDF`);
  const bundle = JSON.parse(fhir.toString("utf8"));
  if (bundle.resourceType !== "Bundle" || !bundle.entry?.length)
    throw new Error(`${label}: the FHIR download is no Bundle`);
}

await step("doctor: patient list → record, note and diagnosis added, PDF and FHIR downloaded", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, env("E2E_DOCTOR_EMAIL"), env("E2E_DOCTOR_PASSWORD"), "/doctor/patients");
  await page.locator(`tr[data-patient="${patientID}"] a`).click();
  await page.waitForURL((u) => u.pathname === `/doctor/patients/${patientID}`, { timeout: 15000 });
  await expectText(page, env("E2E_MEDICINE"));
  await page.locator('[data-kind="diagnosis"]').first().waitFor();
  await axe(page, "doctor-record");

  await page.fill("#note-text", noteText);
  await page.locator("#note-consultation").selectOption({ index: 1 });
  await page.getByTestId("note-form").getByRole("button", { name: "Notitie toevoegen" }).click();
  await expectText(page, noteText);

  await page.fill("#diagnosis-text", "Contacteczeem");
  await page.locator("#diagnosis-system").selectOption("icd10");
  await page.fill("#diagnosis-code", "l25.9");
  await page.getByTestId("diagnosis-form").getByRole("button", { name: "Diagnose toevoegen" }).click();
  await expectText(page, "ICD-10 L25.9");
  // A code that does not fit its system is refused in Dutch, and not stored.
  await page.fill("#diagnosis-text", "Verkeerde code");
  await page.locator("#diagnosis-system").selectOption("snomed");
  await page.fill("#diagnosis-code", "L25.9");
  await page.getByTestId("diagnosis-form").getByRole("button", { name: "Diagnose toevoegen" }).click();
  await page.getByRole("alert").first().waitFor({ timeout: 15000 });
  await axe(page, "doctor-record-after-entries");

  const pdf = await download(page, "record-pdf", "doctor-record.pdf");
  const fhir = await download(page, "record-fhir", "doctor-record.fhir.json");
  expectFiles(pdf, fhir, "doctor");
  expectClean(problems);
  await context.close();
});

await step("patient: PIN, own record across doctors, PDF and FHIR downloaded", async () => {
  const { context, page, problems } = await open(phone);
  await login(page, env("E2E_PATIENT_EMAIL"), env("E2E_PATIENT_PASSWORD"), "/record");
  await page.locator("#pin").first().waitFor({ timeout: 15000 });
  await page.locator("#pin").first().fill(env("E2E_PIN"));
  await page.getByRole("button", { name: "Ontgrendelen" }).first().click();
  await page.getByTestId("timeline").waitFor({ timeout: 15000 });
  await expectText(page, env("E2E_MEDICINE"));
  await expectText(page, noteText);
  for (const doctor of env("E2E_DOCTOR_NAMES").split("|")) await expectText(page, doctor);
  await axe(page, "patient-record");
  const pdf = await download(page, "record-pdf", "patient-record.pdf");
  const fhir = await download(page, "record-fhir", "patient-record.fhir.json");
  expectFiles(pdf, fhir, "patient");
  expectClean(problems);
  await context.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} browser step(s) failed; files in ${out}`);
  process.exit(1);
}
console.log(`all record browser steps passed; files in ${out}`);
