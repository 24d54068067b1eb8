// Browser test of a video consultation through the real pages (started by
// the Go test TestVideoConsultationInBrowser, which books and pays the
// appointment and passes everything in the environment): two headless
// Chromium instances with a fake camera and microphone, one as the patient
// on a phone viewport, one as the doctor. The patient tests the equipment
// (graded connection to our SFU: the patient's own echo), the doctor
// announces a delay (the patient sees it), admits the patient, both decode
// the other's video, they chat both ways, and the doctor ends the session.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { login as signIn } from "./helpers.mjs";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const base = env("E2E_BASE_URL");
const id = env("E2E_CONSULTATION");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out");
mkdirSync(out, { recursive: true });

// Chromium reaches the SFU over loopback only: it offers a loopback
// candidate (--allow-loopback-in-peer-connection) and the SFU of the test
// stack listens on 127.0.0.1.
const launch = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      "--allow-loopback-in-peer-connection",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });

const failures = [];
let stop = false;
const step = async (name, fn) => {
  if (stop) {
    console.log(`skip ${name} (an earlier step failed)`);
    failures.push(name);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failures.push(name);
    stop = true;
    console.log(`FAIL ${name}: ${err?.stack ?? err}`);
  }
};

async function open(browser, viewport, who) {
  const context = await browser.newContext({
    viewport,
    locale: "nl-NL",
    timezoneId: "Europe/Amsterdam",
    permissions: ["camera", "microphone"],
  });
  // The test reads getStats itself: it keeps the page's peer connections.
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        window.__pcs.push(this);
      }
    };
  });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(`${who}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${who}: ${e}`));
  return { context, page, problems };
}

const login = (page, next, email, password) => signIn(page, base, email, password, next);

const shot = (page, name) => page.screenshot({ path: join(out, `video-${name}.png`), fullPage: true });

/** framesOf reads how many video frames of the other side the page has decoded (from getStats). */
const framesOf = async (page) =>
  Number((await page.getByTestId("stage").getAttribute("data-frames-decoded")) ?? 0);

async function waitFrames(page, who) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const n = await framesOf(page).catch(() => 0);
    if (n > 0) return n;
    if (Date.now() > deadline) throw new Error(`${who} decoded no video frames`);
    await page.waitForTimeout(250);
  }
}

const patientBrowser = await launch();
const doctorBrowser = await launch();
const patient = await open(patientBrowser, { width: 390, height: 844 }, "patient");
const doctor = await open(doctorBrowser, { width: 1280, height: 900 }, "doctor");
const waitingPath = `/consultations/${id}/waiting-room`;
const roomPath = `/doctor/consultations/${id}/room`;
const figures = {};

await step("patient opens the waiting room (checks in) and tests the equipment", async () => {
  const { page } = patient;
  await login(page, waitingPath, env("E2E_PATIENT_EMAIL"), env("E2E_PATIENT_PASSWORD"));
  await page.getByText("U bent in de wachtkamer").waitFor({ timeout: 15000 });
  await page.getByRole("button", { name: "Camera en microfoon aanzetten" }).click();
  await page.locator("video.mirrored").first().waitFor({ timeout: 15000 });
  const playing = await page
    .locator(".preview video")
    .evaluate((v) => v.playsInline && v.muted && v.srcObject?.getVideoTracks().length === 1);
  if (!playing) throw new Error("no muted, inline camera preview");
  await page.getByRole("button", { name: "Speel een testtoon af" }).click();
  await page.getByText("Hoorde u twee tonen?").waitFor({ timeout: 5000 });
  const grade = page.getByTestId("connection-grade");
  await grade.waitFor({ timeout: 30000 });
  figures.grade = await grade.getAttribute("data-grade");
  figures.figures = await page.locator(".connection-test .figures").textContent();
  if (!["good", "fair", "poor"].includes(figures.grade)) throw new Error(`grade ${figures.grade}`);
  await page.getByTestId("mic-heard").and(page.locator('[data-heard="yes"]')).waitFor({ timeout: 10000 });
  await shot(page, "patient-waiting");
});

await step("doctor opens the room: intake beside the video, the patient is online", async () => {
  const { page } = doctor;
  await login(page, roomPath, env("E2E_DOCTOR_EMAIL"), env("E2E_DOCTOR_PASSWORD"));
  await page.getByTestId("intake").getByText("hands", { exact: true }).waitFor({ timeout: 15000 });
  await page.getByRole("button", { name: "Camera en microfoon aanzetten" }).click();
  await page.getByTestId("stage").waitFor({ timeout: 15000 });
  await page.locator('[data-testid="patient-presence"][data-present="yes"]').waitFor({ timeout: 15000 });
});

await step("the doctor announces a delay and the patient sees it at once", async () => {
  await doctor.page.fill("#delay-minutes", "5");
  await doctor.page.getByRole("button", { name: "Uitloop melden" }).click();
  await doctor.page.getByText("De patiënt is op de hoogte gebracht").waitFor({ timeout: 15000 });
  await patient.page.locator(".delay-banner").getByText("5 minuten").waitFor({ timeout: 15000 });
  // The expected start moves with the delay: the booked start plus 5 minutes, in the patient's zone.
  const expected = await patient.page.evaluate(async (cid) => {
    const r = await fetch(`/v1/consultations/${cid}`, { credentials: "same-origin" });
    const c = await r.json();
    const at = new Date(Date.parse(c.starts_at) + 5 * 60000);
    return new Intl.DateTimeFormat("nl-NL", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "Europe/Amsterdam",
    }).format(at);
  }, id);
  await patient.page.getByTestId("expected-start").getByText(expected).waitFor({ timeout: 5000 });
  figures.expectedStart = expected;
  await shot(patient.page, "patient-delay");
});

await step("the doctor admits the patient and both decode the other's video", async () => {
  await doctor.page.getByRole("button", { name: "Patiënt binnenlaten" }).click();
  await patient.page.getByRole("heading", { name: "Videoconsult" }).waitFor({ timeout: 20000 });
  figures.patientFrames = await waitFrames(patient.page, "patient");
  figures.doctorFrames = await waitFrames(doctor.page, "doctor");
  await shot(patient.page, "patient-call");
  await shot(doctor.page, "doctor-call");
});

await step("patient and doctor chat both ways (the patient unlocks the PIN for it)", async () => {
  const p = patient.page;
  const chat = p.getByTestId("chat");
  const pin = chat.locator("#pin");
  if (await pin.isVisible().catch(() => false)) {
    await pin.fill(env("E2E_PATIENT_PIN"));
    await chat.getByRole("button", { name: "Ontgrendelen" }).click();
  }
  await p.fill("#chat-text-patient", "Goedemiddag dokter, ziet u mij goed?");
  await chat.getByRole("button", { name: "Verstuur" }).click();
  await doctor.page
    .getByTestId("chat")
    .locator('li[data-from="patient"]')
    .getByText("ziet u mij goed?")
    .waitFor({ timeout: 15000 });
  await doctor.page.fill("#chat-text-doctor", "Ja, heel duidelijk. Laat u de handen eens zien?");
  await doctor.page.getByTestId("chat").getByRole("button", { name: "Verstuur" }).click();
  await chat.locator('li[data-from="doctor"]').getByText("Laat u de handen").waitFor({ timeout: 15000 });
  await shot(p, "patient-chat");
});

await step("the doctor ends the session; the patient is told", async () => {
  await doctor.page.getByRole("button", { name: "Consult beëindigen" }).click();
  await doctor.page.getByTestId("status").getByText("Afgerond").waitFor({ timeout: 20000 });
  await patient.page.getByText("Het consult is afgelopen").waitFor({ timeout: 20000 });
  await shot(patient.page, "patient-ended");
});

const problems = [...patient.problems, ...doctor.problems];
if (problems.length) {
  failures.push("console");
  console.log(`FAIL console errors: ${problems.join(" | ")}`);
}
console.log(`figures ${JSON.stringify(figures)}`);
await patientBrowser.close();
await doctorBrowser.close();
if (failures.length) {
  console.log(`${failures.length} video browser step(s) failed; screenshots in ${out}`);
  process.exit(1);
}
console.log(`all video browser steps passed; screenshots in ${out}`);
