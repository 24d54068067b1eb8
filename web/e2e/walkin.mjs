// Browser test of a guest's walk-in through the real pages (started by the
// Go test TestWalkInGuestInBrowser, which opens the doctor's walk-in hours
// and passes everything in the environment): two headless Chromium
// instances with a fake camera and microphone, the guest on a phone, the
// doctor on a desktop. The guest finds the clinic open on the doctor's
// profile, joins with an email address, pays in the Mollie sandbox and
// comes back to the queue page with their position; the doctor calls from
// the dashboard's walk-in desk, the guest sees the call with its countdown
// and answers, both decode each other's video, the speaker choice reaches
// the remote sound, and the doctor ends the session. With E2E_SHOTS_DIR
// set, the doctor's room is captured at 1280×800 and 390×844 for the docs.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { axe, env } from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const doctorId = env("E2E_DOCTOR_ID");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "walkin");
const shots = process.env.E2E_SHOTS_DIR || "";
mkdirSync(out, { recursive: true });
if (shots) mkdirSync(shots, { recursive: true });

// Chromium reaches the SFU over loopback only (the test stack's SFU
// listens on 127.0.0.1).
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
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(`${who}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${who}: ${e}`));
  return { context, page, problems };
}

/**
 * signIn gives the browser the session the Go test logged in with (the
 * shared loginAs helper, whatever factors it takes): the session cookie
 * and its CSRF cookie, derived as the API derives it.
 */
async function signIn(context, token) {
  const url = new URL(base);
  const csrf = createHash("sha256").update(`derma2go csrf\x00${token}`).digest("hex");
  await context.addCookies([
    { name: "derma_session", value: token, domain: url.hostname, path: "/", httpOnly: true, sameSite: "Lax" },
    { name: "derma_csrf", value: csrf, domain: url.hostname, path: "/", sameSite: "Strict" },
  ]);
}

const shot = (page, name) => page.screenshot({ path: join(out, `walkin-${name}.png`), fullPage: true });

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
const doctor = await open(doctorBrowser, { width: 1280, height: 800 }, "doctor");
await signIn(doctor.context, env("E2E_DOCTOR_TOKEN"));
const figures = {};
const result = {};

await step("the guest finds the walk-in open on the doctor's profile", async () => {
  const { page } = patient;
  await page.goto(`${base}/doctors/${doctorId}`);
  await page.locator('[data-testid="walkin-state"][data-open="yes"]').waitFor({ timeout: 15000 });
  await page.getByTestId("walkin-queue-length").getByText("In de wachtrij: 0").waitFor({ timeout: 5000 });
  figures.axeProfile = await axe(page, "profile with walk-in");
  await page.getByRole("link", { name: "Naar het inloopspreekuur" }).click();
  await page.getByRole("heading", { name: "Online inloopspreekuur" }).waitFor({ timeout: 15000 });
  figures.axeWalkIn = await axe(page, "walk-in page");
  await shot(page, "page");
});

await step("a wrong email is refused in the page, in Dutch", async () => {
  const { page } = patient;
  await page.fill("#walkin-email", "not-an-email");
  await page.getByRole("button", { name: /Betalen en aansluiten/ }).click();
  await page.locator("#walkin-email-error").getByText("Deze waarde klopt niet").waitFor({ timeout: 5000 });
});

let paidAt = 0;
await step("the guest joins with an email address and pays in the Mollie sandbox", async () => {
  const { page } = patient;
  await page.fill("#walkin-email", env("E2E_GUEST_EMAIL"));
  await page.getByRole("button", { name: /Betalen en aansluiten/ }).click();
  await page.waitForURL(/\/checkout\//, { timeout: 15000 });
  paidAt = Date.now();
  await page.getByRole("button", { name: "Paid" }).click();
});

await step("back from the checkout, the queue page shows the guest's position and ETA", async () => {
  const { page } = patient;
  await page.waitForURL(/\/waiting-room/, { timeout: 20000 });
  await page.locator('[data-testid="walkin-position"][data-position="1"]').waitFor({ timeout: 20000 });
  figures.payToPositionMs = Date.now() - paidAt;
  await page.getByText("U bent de volgende").waitFor({ timeout: 5000 });
  await page.getByTestId("walkin-eta").waitFor({ timeout: 5000 });
  const url = new URL(page.url());
  result.id = url.pathname.split("/")[2];
  if (!url.searchParams.get("access")) throw new Error(`the guest's page has no access token: ${page.url()}`);
  figures.axeQueue = await axe(page, "queue page");
  await shot(page, "queued");
});

await step("while queued, the guest tests the equipment against the SFU", async () => {
  const { page } = patient;
  await page.getByRole("button", { name: "Camera en microfoon aanzetten" }).click();
  await page.locator(".preview video").waitFor({ timeout: 15000 });
  const grade = page.getByTestId("connection-grade");
  await grade.waitFor({ timeout: 30000 });
  figures.grade = await grade.getAttribute("data-grade");
});

await step("the doctor's dashboard shows the walk-in desk with the guest waiting", async () => {
  const { page } = doctor;
  await page.goto(`${base}/doctor`);
  const desk = page.getByTestId("walkin-desk");
  await desk.waitFor({ timeout: 15000 });
  await desk.getByTestId("walkin-desk-waiting").locator("li").first().waitFor({ timeout: 15000 });
  figures.axeDesk = await axe(page, "dashboard walk-in desk");
  await shot(page, "desk");
});

await step("the doctor pauses and resumes, then calls the guest and goes to the room", async () => {
  const { page } = doctor;
  const desk = page.getByTestId("walkin-desk");
  await desk.getByRole("button", { name: "Pauzeren" }).click();
  await desk.getByText("Gepauzeerd").waitFor({ timeout: 10000 });
  if (await desk.getByRole("button", { name: "Volgende patiënt oproepen" }).count())
    throw new Error("call next offered while paused");
  await desk.getByRole("button", { name: "Hervatten" }).click();
  await desk.getByRole("button", { name: "Volgende patiënt oproepen" }).click();
  await page.waitForURL((u) => u.pathname.endsWith("/room"), { timeout: 15000 });
  await page.getByText("De patiënt is opgeroepen").waitFor({ timeout: 15000 });
  await page.getByRole("button", { name: "Camera en microfoon aanzetten" }).click();
  await page.getByTestId("stage").waitFor({ timeout: 15000 });
});

await step("the guest sees the call with the answer countdown and answers", async () => {
  const { page } = patient;
  const called = page.locator('[data-testid="walkin-queue"][data-kind="called"]');
  await called.waitFor({ timeout: 15000 });
  await called.getByText("De arts roept u op!").waitFor({ timeout: 5000 });
  const first = await page.getByTestId("walkin-countdown").textContent();
  if (!/^[0-2]:[0-5]\d$/.test(first ?? "")) throw new Error(`countdown ${first}`);
  await page.waitForTimeout(1500);
  const later = await page.getByTestId("walkin-countdown").textContent();
  if (later === first) throw new Error(`the countdown does not run: ${first} → ${later}`);
  figures.countdown = `${first} → ${later}`;
  figures.axeCalled = await axe(page, "called");
  await shot(page, "called");
  await page.getByRole("button", { name: "Ik ben er" }).click();
  await page.getByRole("heading", { name: "Videoconsult" }).waitFor({ timeout: 20000 });
});

await step("both decode the other's video", async () => {
  figures.patientFrames = await waitFrames(patient.page, "patient");
  figures.doctorFrames = await waitFrames(doctor.page, "doctor");
  await shot(patient.page, "call");
});

await step("the chosen speaker plays the other side's sound (or the choice is hidden)", async () => {
  for (const [who, page] of [
    ["patient", patient.page],
    ["doctor", doctor.page],
  ]) {
    const supported = await page.evaluate(() => "setSinkId" in HTMLMediaElement.prototype);
    const picker = page.locator("#call-speaker");
    const outputs = await page.evaluate(
      async () =>
        (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audiooutput").length,
    );
    figures[`${who}Speakers`] = outputs;
    if (!supported || outputs === 0) {
      if (await picker.count()) throw new Error(`${who}: a speaker picker without setSinkId or outputs`);
      continue;
    }
    const ids = await picker.locator("option").evaluateAll((os) => os.map((o) => o.value));
    const chosen = ids.find((v) => v !== "") ?? "";
    await picker.selectOption(chosen);
    await page.waitForFunction(
      (want) => document.querySelector(".stage video.remote, .stage .remote video")?.sinkId === want,
      chosen,
      { timeout: 5000 },
    );
  }
});

await step("the doctor's room puts the video and the intake side by side on a desktop", async () => {
  const { page } = doctor;
  const layout = async () =>
    page.evaluate(() => {
      const stage = document.querySelector('[data-testid="stage"]')?.getBoundingClientRect();
      const side = document.querySelector(".doctor-side")?.getBoundingClientRect();
      return stage && side
        ? {
            stageRight: stage.right,
            stageWidth: stage.width,
            sideLeft: side.left,
            sideTop: side.top,
            stageBottom: stage.bottom,
          }
        : undefined;
    });
  const wide = await layout();
  if (!wide || wide.sideLeft < wide.stageRight - 1 || wide.stageWidth < 600)
    throw new Error(`at 1280×800 the room is not side by side: ${JSON.stringify(wide)}`);
  figures.desktopStageWidth = Math.round(wide.stageWidth);
  figures.axeRoom = await axe(page, "doctor's room");
  if (shots) await page.screenshot({ path: join(shots, "doctor-room-desktop.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const narrow = await layout();
  if (!narrow || narrow.sideTop < narrow.stageBottom - 1)
    throw new Error(`at 390×844 the room does not stack: ${JSON.stringify(narrow)}`);
  if (shots) await page.screenshot({ path: join(shots, "doctor-room-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  if (shots) await patient.page.screenshot({ path: join(shots, "walkin-call-phone.png") });
});

await step("the doctor ends the session; the guest is told", async () => {
  await doctor.page.getByRole("button", { name: "Consult beëindigen" }).click();
  await doctor.page.getByTestId("status").getByText("Afgerond").waitFor({ timeout: 20000 });
  await patient.page.getByText("Uw consult is afgerond").waitFor({ timeout: 20000 });
  await shot(patient.page, "ended");
});

const problems = [...patient.problems, ...doctor.problems];
if (problems.length) {
  failures.push("console");
  console.log(`FAIL console errors: ${problems.join(" | ")}`);
}
console.log(`figures ${JSON.stringify(figures)}`);
writeFileSync(env("E2E_RESULT"), JSON.stringify(result));
await patientBrowser.close();
await doctorBrowser.close();
if (failures.length) {
  console.log(`${failures.length} walk-in browser step(s) failed; screenshots in ${out}`);
  process.exit(1);
}
console.log(`all walk-in browser steps passed; screenshots in ${out}`);
