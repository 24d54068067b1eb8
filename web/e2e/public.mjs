// Browser test of the public pages and the booking flow against a real
// stack (started by the Go test TestWebPublicInBrowser): Debian's Chromium,
// driven by playwright-core, searches, opens a profile, books a video slot
// with an account (losing a slot to someone faster first), pays in the
// Mollie sandbox and fills in the intake; a guest books email advice and
// sends two photos (one downscaled in the browser) with the form; the
// conditions, the DermaWizard, the language switch, offline and keyboard
// use. axe-core runs on every page; the phone viewport is 390×844.
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
  open,
  phone,
  steps,
} from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out");
const shots = process.env.E2E_SHOTS_DIR || "";
mkdirSync(out, { recursive: true });
if (shots) mkdirSync(shots, { recursive: true });
const videoDoctor = { id: env("E2E_VIDEO_DOCTOR_ID"), name: env("E2E_VIDEO_DOCTOR_NAME") };
const adviceDoctor = { id: env("E2E_ADVICE_DOCTOR_ID"), name: env("E2E_ADVICE_DOCTOR_NAME") };
const patient = {
  email: env("E2E_PATIENT_EMAIL"),
  password: env("E2E_PATIENT_PASSWORD"),
  pin: env("E2E_PATIENT_PIN"),
};
const rivalToken = env("E2E_RIVAL_TOKEN");
const guestEmail = env("E2E_GUEST_EMAIL");
const photos = [env("E2E_PHOTO_SMALL"), env("E2E_PHOTO_LARGE")];

const browser = await launch();
const { step, failures } = steps();
const checked = [];
const check = async (page, label) => {
  checked.push(label);
  await axe(page, label);
  // Phone first: nothing wider than the screen.
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  if (scroll > width) throw new Error(`${label}: the page is ${scroll} px wide on a ${width} px screen`);
};
/** shot keeps a screenshot in the run's output and, when asked, as a README picture. */
const shot = async (page, name, readme = false) => {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
  if (readme && shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
};

// Outcomes the Go test checks against the API afterwards.
const result = {};

await step("home in Dutch, then English; axe and keyboard", async () => {
  const { context, page, problems } = await open(browser, phone);
  const res = await page.goto(`${base}/`);
  if (!res.headers()["content-security-policy"]?.includes("script-src 'self'"))
    throw new Error("no strict CSP");
  await expectText(page, "Vier manieren om een dermatoloog te spreken");
  await expectText(page, "Acne");
  await check(page, "home (nl)");
  await keyboardWalk(page, "home");
  await shot(page, "home", true);
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await expectText(page, "Four ways to see a dermatologist");
  if ((await page.getAttribute("html", "lang")) !== "en") throw new Error("html lang not switched");
  await check(page, "home (en)");
  await page.getByRole("button", { name: "NL", exact: true }).click();
  await expectText(page, "Vier manieren");
  expectClean(problems);
  await context.close();
});

await step("search: typing, filters and paging in the URL; profile with calendar", async () => {
  const { context, page, problems } = await open(browser, phone);
  await page.goto(`${base}/doctors`);
  await page.getByTestId("results").locator(".doctor-card").first().waitFor({ timeout: 15000 });
  await check(page, "search");
  await keyboardWalk(page, "search");
  await shot(page, "search", true);
  // Paging and a filter land in the URL, and the back button restores them.
  await page.getByRole("button", { name: "Volgende", exact: true }).click();
  await page.waitForURL(/page=2/);
  await page.selectOption("#f-type", "video");
  await page.waitForURL((u) => u.searchParams.get("type") === "video" && !u.searchParams.has("page"));
  await page.goBack();
  await page.waitForURL((u) => u.searchParams.get("page") === "2" && !u.searchParams.has("type"));
  // The page follows the URL on the render after popstate.
  await page
    .waitForFunction(() => document.querySelector("#f-type")?.value === "", null, { timeout: 5000 })
    .catch(() => {
      throw new Error("back did not restore the type filter");
    });
  // Typing searches once typing stops; the URL follows.
  await page.locator("#q").pressSequentially(videoDoctor.name, { delay: 20 });
  await page.waitForFunction(
    (name) => document.querySelector("[data-testid=results]")?.getAttribute("data-query") === name,
    videoDoctor.name,
    { timeout: 15000 },
  );
  const url = new URL(page.url());
  if (url.searchParams.get("q") !== videoDoctor.name) throw new Error(`q not in the URL: ${page.url()}`);
  await page.getByRole("link", { name: videoDoctor.name }).first().click();
  await page.waitForURL(`**/doctors/${videoDoctor.id}`);
  await page.getByTestId("calendar-video").locator(".day-slots .slot").first().waitFor({ timeout: 15000 });
  await expectText(page, "Tijden in de tijdzone van de arts: Amsterdam");
  // The walk-in summary loads on its own (a lazy chunk and its own request):
  // when the doctor offers walk-in, walk the page once it is there.
  const walkIn = await (await page.request.get(`${base}/v1/doctors/${videoDoctor.id}/walk-in`)).json();
  if (walkIn.offered) await page.locator("section.walkin a.button").waitFor({ timeout: 15000 });
  await check(page, "doctor profile");
  await keyboardWalk(page, "doctor profile", 400);
  await shot(page, "doctor-profile", true);
  expectClean(problems);
  await context.close();
});

await step("book a video slot with an account: slot taken, login, pay, intake, confirmation", async () => {
  const { context, page, problems } = await open(browser, phone);
  await page.goto(`${base}/doctors/${videoDoctor.id}`);
  const slots = page.getByTestId("calendar-video").locator(".day-slots a.slot");
  await slots.first().waitFor({ timeout: 15000 });
  await slots.first().click();
  await page.waitForURL(/\/book\/.*type=video.*slot=/);
  const first = new URL(page.url()).searchParams.get("slot");
  await page.getByTestId("chosen-slot").waitFor();
  await expectText(page, "Voor dit consult heeft u een account nodig");
  await check(page, "booking (logged out)");
  await page.getByRole("link", { name: "Inloggen", exact: true }).last().click();
  await page.waitForURL(/\/login\?next=/);
  await page.fill("#email", patient.email);
  await page.fill("#password", patient.password);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.waitForURL(
    (u) => u.pathname === `/book/${videoDoctor.id}` && u.searchParams.get("slot") === first,
  );
  await page.getByTestId("booking-summary").waitFor({ timeout: 15000 });
  await check(page, "booking (check and pay)");
  await keyboardWalk(page, "booking", 400);
  await shot(page, "booking", true);
  // Someone else books the very slot while this patient looks at it.
  const rival = await fetch(`${base}/v1/consultations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${rivalToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "video", doctor_id: videoDoctor.id, slot_start: first }),
  });
  if (rival.status !== 201) throw new Error(`rival booking → ${rival.status} ${await rival.text()}`);
  await page.getByRole("button", { name: "Naar betalen" }).click();
  await page.getByTestId("problem").waitFor({ timeout: 15000 });
  const kind = await page.getByTestId("problem").getAttribute("data-kind");
  if (kind !== "slotTaken") throw new Error(`problem ${kind}, want slotTaken`);
  await expectText(page, "Deze tijd is net door iemand anders geboekt");
  await check(page, "booking (slot taken)");
  // The taken slot is gone from the calendar; pick the next one.
  const again = page.getByTestId("calendar-video").locator(".day-slots button.slot");
  await again.first().waitFor({ timeout: 15000 });
  const starts = await again.evaluateAll((els) => els.map((e) => e.textContent));
  await again.first().click();
  await page.waitForURL((u) => Boolean(u.searchParams.get("slot")) && u.searchParams.get("slot") !== first);
  const chosen = new URL(page.url()).searchParams.get("slot");
  if (starts.length === 0) throw new Error("no free slot left after the taken one");
  await page.getByRole("button", { name: "Naar betalen" }).click();
  await page.waitForURL(/\/checkout\//, { timeout: 15000 });
  await page.getByRole("button", { name: "Paid" }).click();
  await page.waitForURL(/\/payment-return\?/, { timeout: 15000 });
  await expectText(page, "Dank u, uw betaling is ontvangen.");
  await check(page, "payment return");
  await page.getByRole("link", { name: "Formulier invullen" }).click();
  await page.waitForURL(/\/booking\/.*\/intake/);
  const pin = page.locator("#pin");
  const complaint = page.locator("#complaint");
  await Promise.race([pin.waitFor({ timeout: 15000 }), complaint.waitFor({ timeout: 15000 })]);
  if (await pin.isVisible()) {
    await pin.fill(patient.pin);
    await page.getByRole("button", { name: /Ontgrendelen|Pincode instellen/ }).click();
  }
  await complaint.waitFor({ timeout: 15000 });
  await check(page, "intake (appointment)");
  // The form's own checks speak first.
  await page.getByRole("button", { name: "Formulier versturen" }).click();
  await expectText(page, "Vul dit veld in.");
  await check(page, "intake (errors shown)");
  await page.fill("#complaint", "Itchy red patches on both forearms since the summer");
  await page.fill("#location", "forearms");
  await page.selectOption("#duration", "months");
  await page.fill("#question", "What is it and how do I treat it?");
  await page.fill("#birth_date", "1990-05-17");
  await page.getByRole("button", { name: "Formulier versturen" }).click();
  await page.waitForURL(/\/booking\/.*\/done/);
  await page.getByTestId("confirmation").waitFor();
  await expectText(page, "Uw videoconsult is gepland op");
  await expectText(page, "(CET)").catch(() => expectText(page, "(CEST)"));
  await check(page, "confirmation (video)");
  await shot(page, "confirmation-video");
  result.video = { id: page.url().split("/booking/")[1].split("/")[0], slot: chosen, taken: first };
  expectClean(problems);
  await context.close();
});

await step("guest email advice with two photos, from the profile to the confirmation", async () => {
  const { context, page, problems } = await open(browser, phone);
  await page.goto(`${base}/doctors/${adviceDoctor.id}`);
  await page.getByRole("link", { name: "Boeken E-mailadvies" }).click();
  await page.waitForURL(/\/book\/.*type=email_advice/);
  await page.getByLabel("Kort formulier", { exact: false }).check();
  await page.getByRole("button", { name: "Naar betalen" }).click();
  await expectText(page, "Vul dit veld in.");
  await page.fill("#guest-email", "not-an-email");
  await page.getByRole("button", { name: "Naar betalen" }).click();
  await expectText(page, "Deze waarde klopt niet.");
  await check(page, "booking (guest, error)");
  await page.fill("#guest-email", guestEmail);
  await page.getByRole("button", { name: "Naar betalen" }).click();
  await page.waitForURL(/\/checkout\//, { timeout: 15000 });
  await page.getByRole("button", { name: "Paid" }).click();
  await page.waitForURL(/\/payment-return\?/, { timeout: 15000 });
  await expectText(page, "Dank u, uw betaling is ontvangen.");
  await page.getByRole("link", { name: "Formulier invullen" }).click();
  await page.waitForURL(/\/booking\/.*\/intake\?access=/);
  await page.locator("#complaint").waitFor({ timeout: 15000 });
  await check(page, "intake (email advice)");
  await keyboardWalk(page, "intake");
  // Two photos at once; the large one is downscaled before it is sent.
  await page.setInputFiles("#photo-input", photos);
  await page.waitForFunction(
    () => document.querySelectorAll("[data-testid=photo-item][data-state=sent]").length === 2,
    null,
    { timeout: 30000 },
  );
  const sizes = await page.getByTestId("photo-size").allTextContents();
  const dims = sizes.map((s) =>
    s
      .match(/(\d+) × (\d+)/)
      .slice(1, 3)
      .map(Number),
  );
  if (!dims.some(([w, h]) => w === 2048 && h === 1536))
    throw new Error(`large photo not downscaled: ${sizes}`);
  if (!dims.some(([w, h]) => w === 40 && h === 30)) throw new Error(`small photo changed: ${sizes}`);
  await expectText(page, "Verstuurde foto's: 2");
  await check(page, "intake (photos sent)");
  await shot(page, "intake-photos", true);
  await page.fill("#complaint", "A red, scaly patch on my elbow for two months");
  await page.fill("#location", "left elbow");
  await page.selectOption("#duration", "months");
  await page.fill("#question", "Is this psoriasis and what can I do?");
  await page.fill("#patient_name", "Gijs Gast");
  await page.fill("#birth_date", "1984-02-29");
  await page.getByRole("button", { name: "Formulier versturen" }).click();
  await page.waitForURL(/\/booking\/.*\/done\?access=/);
  await expectText(page, "Uw vraag is bij de dermatoloog");
  await check(page, "confirmation (email advice)");
  await shot(page, "confirmation-advice");
  result.advice = { id: page.url().split("/booking/")[1].split("/")[0] };
  expectClean(problems);
  await context.close();
});

await step("conditions A–Z, a condition page and the DermaWizard (desktop, English)", async () => {
  const { context, page, problems } = await open(browser, desktop);
  await page.goto(`${base}/conditions?lang=en`);
  await page.getByTestId("conditions").locator(".condition-item").first().waitFor({ timeout: 15000 });
  await check(page, "conditions");
  await page
    .getByRole("navigation", { name: "First letter" })
    .getByRole("link", { name: "E", exact: true })
    .click();
  await page.waitForURL(/letter=E/);
  await page.getByTestId("conditions").getByRole("link").first().click();
  await page.waitForURL(/\/conditions\/[a-z-]+$/);
  await page.getByTestId("review-state").waitFor();
  await expectText(page, "Comments");
  await expectText(page, "Log in to comment.");
  await check(page, "condition");
  await shot(page, "condition");
  await page.goto(`${base}/conditions?lang=en`);
  await page.locator("#cq").fill("eczma");
  await page.waitForURL(/q=eczma/);
  await page
    .getByTestId("conditions")
    .getByText("eczema", { exact: false })
    .first()
    .waitFor({ timeout: 15000 });
  await page.goto(`${base}/wizard?lang=en`);
  await page.locator("fieldset.choices legend").waitFor({ timeout: 15000 });
  await check(page, "wizard (question)");
  await shot(page, "wizard", true);
  // Answers the first choice of each question; a fever answer fires a red flag.
  for (let i = 0; i < 15; i++) {
    // The next question or the results, whichever the answer led to (the results come from the API).
    await page
      .locator('fieldset.choices legend, [data-testid="wizard-results"]')
      .first()
      .waitFor({ timeout: 15000 });
    if (await page.getByTestId("wizard-results").isVisible()) break;
    const legend = await page.locator("fieldset.choices legend").textContent();
    const veryIll = page.locator("fieldset.choices input[value=very_ill]");
    const pick = (await veryIll.count()) ? veryIll : page.locator("fieldset.choices input").first();
    await pick.check();
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await page.waitForFunction(
      (prev) =>
        document.querySelector("[data-testid=wizard-results]") ||
        document.querySelector("fieldset.choices legend")?.textContent !== prev,
      legend,
      { timeout: 15000 },
    );
  }
  await page.getByTestId("wizard-results").waitFor({ timeout: 15000 });
  await page.getByTestId("red-flags").waitFor({ timeout: 5000 });
  const order = await page.evaluate(() => {
    const flags = document.querySelector("[data-testid=red-flags]");
    const results = document.querySelector("[data-testid=wizard-results]");
    return flags && results ? flags.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
  });
  if (!order) throw new Error("red flags are not shown before the results");
  await check(page, "wizard (results)");
  expectClean(problems);
  await context.close();
});

await step("offline: the search says so and recovers", async () => {
  const { context, page, problems } = await open(browser, phone);
  await page.goto(`${base}/doctors`);
  await page.getByTestId("results").locator(".doctor-card").first().waitFor({ timeout: 15000 });
  await context.setOffline(true);
  await page.locator("#q").fill("acne");
  await page.getByTestId("problem").waitFor({ timeout: 15000 });
  await expectText(page, "Geen verbinding");
  await check(page, "search (offline)");
  await context.setOffline(false);
  await page.getByRole("button", { name: "Opnieuw proberen" }).click();
  await page.waitForFunction(
    () => document.querySelector("[data-testid=results]")?.getAttribute("data-query") === "acne",
    null,
    { timeout: 15000 },
  );
  expectClean(problems);
  await context.close();
});

await step("unknown doctor and condition: clear not-found messages", async () => {
  const { context, page, problems } = await open(browser, phone);
  await page.goto(`${base}/doctors/00000000-0000-4000-8000-000000000000`);
  await expectText(page, "Deze dermatoloog bestaat niet (meer).");
  await check(page, "doctor (not found)");
  await page.goto(`${base}/conditions/no-such-condition`);
  await expectText(page, "Deze aandoening bestaat niet (meer).");
  expectClean(problems);
  await context.close();
});

await browser.close();
console.log(`axe checked ${checked.length} page states: ${checked.join(", ")}`);
console.log(`RESULT ${JSON.stringify(result)}`);
if (failures.length) {
  console.log(`${failures.length} browser step(s) failed; screenshots in ${out}`);
  process.exit(1);
}
console.log(`all browser steps passed; screenshots in ${out}`);
