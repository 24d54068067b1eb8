// Browser test of the waitlist against a real stack (started by the Go test
// TestWebWaitlistInBrowser, which prepares the doctor, a paid booking of the
// slot and a patient who waits ahead of Ann, and checks the API afterwards).
// Ann joins the doctor's video waitlist from the profile on a phone and sees
// her place in the portal; the paid booking is cancelled and the doctor
// confirms; the first patient on the list opens the offer from the email and
// declines it (English); the offer goes to Ann, who opens the link from her
// email, accepts, pays in the Mollie sandbox and is booked.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  axe,
  desktop,
  env,
  expectClean,
  expectText,
  keyboardWalk,
  launch,
  linkIn,
  open,
  phone,
  steps,
} from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const sink = env("E2E_SINK_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "waitlist");
mkdirSync(out, { recursive: true });

const doctorId = env("E2E_DOCTOR_ID");
const slot = env("E2E_SLOT");
const ann = { email: env("E2E_ANN_EMAIL"), password: env("E2E_ANN_PASSWORD") };
const first = { email: env("E2E_FIRST_EMAIL"), password: env("E2E_FIRST_PASSWORD") };
const result = {};

const browser = await launch();
const { step, failures } = steps();

/** api calls the API as one of the Go test's sessions (bearer token). */
async function api(token, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** loginPatient logs a patient in on the login page, which returns to next. */
async function loginPatient(page, who, next) {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill("#email", who.email);
  await page.fill("#password", who.password);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.waitForURL((u) => u.pathname === next.split("?")[0], { timeout: 15000 });
}

/** offerLink waits for the offer email to `to` and returns its link to the offer page. */
async function offerLink(to) {
  const deadline = Date.now() + 20000;
  for (;;) {
    try {
      return (await linkIn(sink, base, to, "/waitlist/offers/")).link;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const annSession = await open(browser, phone);

await step("Ann joins the video waitlist from the doctor's profile (phone)", async () => {
  const { page, problems } = annSession;
  await loginPatient(annSession.page, ann, `/doctors/${doctorId}`);
  const card = page.getByTestId("waitlist-join");
  await card.waitFor({ timeout: 15000 });
  await axe(page, "profile with the waitlist card");
  // The form's own checks speak first: a last date before the first.
  await page.fill("#wl-earliest", "2099-01-10");
  await page.fill("#wl-latest", "2099-01-09");
  await card.getByRole("button", { name: /Zet mij op de wachtlijst/ }).click();
  await expectText(page, "De einddatum ligt vóór de begindatum.");
  await axe(page, "waitlist card (error shown)");
  const today = await page.locator("#wl-earliest").getAttribute("min");
  await page.fill("#wl-earliest", today);
  const day = new Date(slot);
  day.setUTCDate(day.getUTCDate() + 3);
  await page.fill("#wl-latest", day.toISOString().slice(0, 10));
  await page.selectOption("#wl-time", "any");
  await card.getByRole("button", { name: /Zet mij op de wachtlijst/ }).click();
  await expectText(page, "U staat op de wachtlijst. U bent nummer 2.");
  await card.getByTestId("waitlist-mine").waitFor();
  await page.screenshot({ path: join(out, "profile-joined.png"), fullPage: true });
  await keyboardWalk(page, "profile with the waitlist card", 400);
  expectClean(problems);
});

await step("the portal lists Ann's waitlist with her place", async () => {
  const { page, problems } = annSession;
  await page.getByRole("link", { name: "Naar mijn wachtlijsten" }).click();
  await page.waitForURL((u) => u.pathname === "/waitlist");
  const entry = page.getByTestId("waitlist-entry");
  await entry.waitFor({ timeout: 15000 });
  const position = await entry.getByTestId("waitlist-position").textContent();
  if (position !== "nummer 2") throw new Error(`position "${position}", want "nummer 2"`);
  await axe(page, "my waitlists");
  await keyboardWalk(page, "my waitlists");
  await page.screenshot({ path: join(out, "waitlist.png"), fullPage: true });
  expectClean(problems);
});

await step("the booking of the slot is cancelled and the doctor confirms", async () => {
  const id = env("E2E_BOOKING");
  await api(env("E2E_BOOKER_TOKEN"), "POST", `/v1/consultations/${id}/cancellation`, {
    reason: "schedule_conflict",
  });
  result.confirmedAt = Date.now();
  await api(env("E2E_DOCTOR_TOKEN"), "POST", `/v1/doctor/consultations/${id}/cancellation/confirm`);
});

await step("Ann's list shows nothing offered yet while the first patient has the offer", async () => {
  const { page } = annSession;
  await page.reload();
  await page.getByTestId("waitlist-entry").waitFor({ timeout: 15000 });
  if (await page.getByTestId("waitlist-offer").count()) throw new Error("Ann sees an offer before her turn");
});

await step("the first patient opens the offer from the email and declines it (English)", async () => {
  const link = await offerLink(first.email);
  result.firstOffer = link.split("/waitlist/offers/")[1];
  const { context, page, problems } = await open(browser, desktop, "en-GB");
  // Logged out, the link leads through the login page and back; the page
  // then speaks the patient's own language (English).
  await page.goto(link);
  await page.waitForURL(/\/login\?next=/);
  await page.fill("#email", first.email);
  await page.fill("#password", first.password);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.waitForURL((u) => u.pathname === new URL(link).pathname, { timeout: 15000 });
  const offer = page.getByTestId("offer");
  await offer.waitFor({ timeout: 15000 });
  if ((await offer.getAttribute("data-state")) !== "open") throw new Error("the offer is not open");
  await expectText(page, "left to answer");
  await axe(page, "offer (English)");
  await page.getByRole("button", { name: "No, pass it on to the next" }).click();
  await expectText(page, "The time then goes to the next patient on the list.");
  await page.getByRole("button", { name: "Yes, pass it on" }).click();
  await expectText(page, "You passed this time on. You stay on the waitlist.");
  await page.screenshot({ path: join(out, "offer-declined.png"), fullPage: true });
  expectClean(problems);
  await context.close();
});

await step("Ann's list shows the offer live, without a reload", async () => {
  const { page, problems } = annSession;
  await page.getByTestId("waitlist-offer").waitFor({ timeout: 20000 });
  await axe(page, "my waitlists with an offer");
  expectClean(problems);
});

await step("Ann opens the link in her email, accepts, pays in the sandbox and is booked", async () => {
  const { page, problems } = annSession;
  const link = await offerLink(ann.email);
  result.annOffer = link.split("/waitlist/offers/")[1];
  result.offerMailMs = Date.now() - result.confirmedAt;
  await page.goto(link);
  const offer = page.getByTestId("offer");
  await offer.waitFor({ timeout: 15000 });
  if ((await offer.getAttribute("data-state")) !== "open") throw new Error("Ann's offer is not open");
  await expectText(page, "om te reageren");
  await axe(page, "offer (Dutch, phone)");
  await keyboardWalk(page, "offer");
  await page.screenshot({ path: join(out, "offer.png"), fullPage: true });
  await page.getByRole("button", { name: "Ja, boeken en betalen" }).click();
  await page.waitForURL(/\/checkout\//, { timeout: 15000 });
  await page.getByRole("button", { name: "Paid" }).click();
  await page.waitForURL(/\/payment-return\?/, { timeout: 15000 });
  await expectText(page, "Dank u, uw betaling is ontvangen.");
  result.consultation = new URL(page.url()).searchParams.get("consultation");
  expectClean(problems);
});

await step("the offer page then says the time is booked, with a link to it", async () => {
  const { page, problems } = annSession;
  await page.goto(`${base}/waitlist/offers/${result.annOffer}`);
  await page.getByTestId("offer").waitFor({ timeout: 15000 });
  const deadline = Date.now() + 15000;
  while ((await page.getByTestId("offer").getAttribute("data-state")) !== "booked") {
    if (Date.now() > deadline) throw new Error("the offer never showed as booked");
    await page.waitForTimeout(300);
    await page.reload();
    await page.getByTestId("offer").waitFor({ timeout: 15000 });
  }
  await expectText(page, "Deze plek is voor u geboekt.");
  await page.getByRole("link", { name: "Naar uw afspraak" }).click();
  await page.waitForURL((u) => u.pathname === `/consultations/${result.consultation}`);
  expectClean(problems);
});

await step("an unknown offer is not found, in the page's words", async () => {
  const { page, problems } = annSession;
  await page.goto(`${base}/waitlist/offers/00000000-0000-4000-8000-000000000000`);
  await expectText(page, "Dit aanbod bestaat niet of is niet voor u bestemd.");
  expectClean(problems);
});

await annSession.context.close();
await browser.close();
console.log(`RESULT ${JSON.stringify(result)}`);
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
