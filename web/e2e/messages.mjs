// Browser test of secure messaging (TestWebMessagesInBrowser): a patient
// and a doctor, each on their own page in their own browser context, write
// to each other; each message appears on the other's open page through the
// thread's event stream, without a reload. The patient reaches the thread
// through the "send the practice a message" link (behind the PIN); the
// doctor through the dashboard inbox, shares a link and closes the thread,
// which the patient's page shows at once. It also times, over N messages,
// how long a message takes from the click on Send to the other open page.
import { mkdirSync } from "node:fs";
import { env, expectClean, launch, open, phone, login as signIn, steps } from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = env("E2E_OUT_DIR");
const pin = env("E2E_PIN");
const doctorID = env("E2E_DOCTOR_ID");
const rounds = Number(process.env.E2E_LATENCY_ROUNDS || "10");
// The p95 budget in ms (the benchmark sets 1000); without it every message
// must still arrive within 5 s.
const budget = Number(process.env.E2E_LATENCY_BUDGET_MS || "0");
mkdirSync(out, { recursive: true });

const login = (page, email, password, next) => signIn(page, base, email, password, next);

async function send(page, text) {
  await page.fill("#msg-text", text);
  await page.getByTestId("msg-send").click();
}

/** waitMessage waits until the page lists a message with text. */
async function waitMessage(page, text, timeout = 15000) {
  await page.locator('[data-testid="message"] .msg-text', { hasText: text }).first().waitFor({ timeout });
}

const browser = await launch();
const { step, failures } = steps();
const patient = await open(browser, phone);
const doctor = await open(browser, phone);
let threadURL = "";

await step("patient opens the thread from the message link, behind the PIN", async () => {
  await login(
    patient.page,
    env("E2E_PATIENT_EMAIL"),
    env("E2E_PATIENT_PASSWORD"),
    `/messages/doctor/${doctorID}`,
  );
  await patient.page.locator("#pin").first().waitFor({ timeout: 15000 });
  await patient.page.fill("#pin", pin);
  await patient.page.getByRole("button", { name: "Ontgrendelen" }).click();
  await patient.page.getByTestId("thread").waitFor({ timeout: 15000 });
  await patient.page.waitForURL(/\/messages\/[0-9a-f-]{36}$/, { timeout: 15000 });
  threadURL = new URL(patient.page.url()).pathname;
  const notice = await patient.page.getByTestId("msg-notice").textContent();
  if (!/medisch advies/.test(notice ?? "")) throw new Error(`notice: ${notice}`);
});

await step("doctor finds the thread in the inbox and opens it", async () => {
  await login(doctor.page, env("E2E_DOCTOR_EMAIL"), env("E2E_DOCTOR_PASSWORD"), "/doctor/messages");
  const id = threadURL.split("/").pop();
  await doctor.page.locator(`a[href="/doctor/messages/${id}"]`).click();
  await doctor.page.getByTestId("thread").waitFor({ timeout: 15000 });
});

await step("a patient's message appears on the doctor's open page, live", async () => {
  await send(patient.page, "Mag ik de zalf ook op mijn gezicht gebruiken?");
  await waitMessage(doctor.page, "Mag ik de zalf ook op mijn gezicht gebruiken?", 5000);
});

await step("the doctor's answer appears on the patient's open page, live", async () => {
  await send(doctor.page, "Nee, alleen op armen en benen.");
  await waitMessage(patient.page, "Nee, alleen op armen en benen.", 5000);
});

const latencies = [];
await step(`delivery time over ${rounds} messages each way`, async () => {
  for (let i = 0; i < rounds; i++) {
    for (const [from, to] of [
      [patient.page, doctor.page],
      [doctor.page, patient.page],
    ]) {
      const text = `meting ${i} ${from === patient.page ? "p" : "d"} ${Date.now()}`;
      await from.fill("#msg-text", text);
      const started = Date.now();
      await from.getByTestId("msg-send").click();
      await waitMessage(to, text, 5000);
      latencies.push(Date.now() - started);
    }
  }
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  console.log(`LATENCY n=${latencies.length} p50=${p(0.5)}ms p95=${p(0.95)}ms max=${latencies.at(-1)}ms`);
  if (budget > 0 && p(0.95) > budget) throw new Error(`p95 ${p(0.95)} ms > ${budget} ms`);
});

await step("the doctor shares a link; the patient's page shows it", async () => {
  await doctor.page.fill("#msg-link-url", "https://www.thuisarts.nl/eczeem");
  await doctor.page.fill("#msg-link-title", "Thuisarts: eczeem");
  await doctor.page.getByRole("button", { name: "Link delen" }).click();
  await patient.page.getByRole("link", { name: "Thuisarts: eczeem" }).waitFor({ timeout: 5000 });
});

await step("the doctor closes the thread; the patient's page says so and hides the form", async () => {
  await doctor.page.getByTestId("msg-close").click();
  await patient.page.getByTestId("msg-closed").waitFor({ timeout: 5000 });
  if ((await patient.page.locator("#msg-text").count()) !== 0) throw new Error("the patient can still write");
  await patient.page.screenshot({ path: `${out}/patient-closed.png`, fullPage: true });
  await doctor.page.screenshot({ path: `${out}/doctor-thread.png`, fullPage: true });
});

await step("no console errors", async () => {
  expectClean(patient.problems);
  expectClean(doctor.problems);
});

await browser.close();
if (failures.length > 0) {
  console.log(`${failures.length} step(s) failed: ${failures.join(", ")}`);
  process.exit(1);
}
