// Browser test of the widgets for a practice's own website (started by the
// Go test TestWidgetsInBrowser): the Go test serves pages on two other
// origins (other ports of 127.0.0.1), one that the doctor allowed and one
// not. On the allowed one the booking widget (through the loader script)
// shows the types, fees and next slots in the page's language, is sized by
// the loader, ignores a forged height message, and a slot booked from it
// continues in a new window through login and the Mollie sandbox checkout;
// the walk-in widget (plain iframe) shows the clinic and its join link. On
// the other origin Chromium refuses to render the frame (CSP
// frame-ancestors). axe-core runs inside the frames and on the widget
// pages on their own, with a keyboard walk.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { axe, env, expectClean, expectText, keyboardWalk, launch, open, phone, steps } from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "widgets");
mkdirSync(out, { recursive: true });
const allowedHost = env("E2E_ALLOWED_HOST");
const otherHost = env("E2E_OTHER_HOST");
const doctor = { id: env("E2E_DOCTOR_ID"), name: env("E2E_DOCTOR_NAME") };
const patient = { email: env("E2E_PATIENT_EMAIL"), password: env("E2E_PATIENT_PASSWORD") };

const browser = await launch();
const { step, failures } = steps();
const result = {};

/** widgetFrame waits for the page's widget frame to be attached and returns it. */
async function widgetFrame(page) {
  await page.locator("iframe").first().waitFor({ state: "attached", timeout: 15000 });
  for (let i = 0; i < 150; i++) {
    const f = page.frames().find((fr) => fr !== page.mainFrame() && fr.url().includes("/widgets/"));
    if (f) return f;
    await page.waitForTimeout(100);
  }
  throw new Error(`no widget frame; frames: ${page.frames().map((f) => f.url())}`);
}

/** noWider fails when a frame's document is wider than the frame. */
async function noWider(frame, label) {
  const { scroll, width } = await frame.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  if (scroll > width) throw new Error(`${label}: ${scroll} px wide in a ${width} px frame`);
}

await step(
  "allowed origin: the booking widget shows types, fees and slots in the page's language",
  async () => {
    const { context, page, problems } = await open(browser, phone);
    await page.goto(`${allowedHost}/booking`);
    const frame = await widgetFrame(page);
    await frame.getByTestId("widget-type-video").waitFor({ timeout: 20000 });
    // The host page is <html lang="en">: the loader passed it on.
    await frame.getByText(`Book with ${doctor.name}`).waitFor();
    await frame.getByTestId("widget-slots-video").locator("a.slot").first().waitFor({ timeout: 15000 });
    const fee = await frame.getByTestId("widget-type-video").getByTestId("widget-fee").textContent();
    if (!/€\s?60(\.00)?$/.test(fee?.trim() ?? "")) throw new Error(`video fee shown as ${fee}`);
    await frame.getByTestId("widget-type-email_advice").waitFor();
    await axe(frame, "booking widget (framed)");
    await noWider(frame, "booking widget");
    // The loader sized the frame to the widget (its own default is 560).
    const iframe = page.locator("iframe").first();
    await page.waitForFunction(
      () => document.querySelector("iframe")?.getAttribute("height") !== "560",
      null,
      {
        timeout: 10000,
      },
    );
    const sized = await iframe.getAttribute("height");
    // A message from anyone but the widget's origin and frame is ignored.
    await page.evaluate(() => window.postMessage({ type: "derma2go:widget-height", height: 3000 }, "*"));
    await page.waitForTimeout(500);
    if ((await iframe.getAttribute("height")) !== sized)
      throw new Error(`a forged message resized the frame to ${await iframe.getAttribute("height")}`);
    result.sizedHeight = Number(sized);
    await page.screenshot({ path: join(out, "booking-widget.png"), fullPage: true });
    expectClean(problems);
    await context.close();
  },
);

await step(
  "a slot booked from the widget continues in a new window: login, Mollie checkout, back",
  async () => {
    const { context, page, problems } = await open(browser, phone);
    await page.goto(`${allowedHost}/booking`);
    const frame = await widgetFrame(page);
    const slot = frame.getByTestId("widget-slots-video").locator("a.slot").first();
    await slot.waitFor({ timeout: 20000 });
    const href = await slot.getAttribute("href");
    const chosen = new URL(href ?? "", base).searchParams.get("slot");
    if (!chosen) throw new Error(`slot link without a slot: ${href}`);
    const [booking] = await Promise.all([context.waitForEvent("page"), slot.click()]);
    await booking.waitForLoadState();
    const u = new URL(booking.url());
    if (
      u.origin !== new URL(base).origin ||
      u.pathname !== `/book/${doctor.id}` ||
      u.searchParams.get("slot") !== chosen
    )
      throw new Error(`the widget opened ${booking.url()}`);
    // Top level on Derma2Go's own origin, in the widget's language.
    await booking.getByTestId("chosen-slot").waitFor({ timeout: 15000 });
    await expectText(booking, "This consultation needs an account");
    await booking.getByRole("link", { name: "Log in", exact: true }).last().click();
    await booking.waitForURL(/\/login\?next=/);
    await booking.fill("#email", patient.email);
    await booking.fill("#password", patient.password);
    await booking.getByRole("button", { name: "Log in" }).click();
    await booking.waitForURL(
      (v) => v.pathname === `/book/${doctor.id}` && v.searchParams.get("slot") === chosen,
      {
        timeout: 15000,
      },
    );
    await booking.getByTestId("booking-summary").waitFor({ timeout: 15000 });
    await booking.getByRole("button", { name: "Go to payment" }).click();
    await booking.waitForURL(/\/checkout\//, { timeout: 15000 });
    await booking.getByRole("button", { name: "Paid" }).click();
    await booking.waitForURL(/\/payment-return\?/, { timeout: 15000 });
    await expectText(booking, "Thank you, your payment has been received.");
    result.booking = { id: new URL(booking.url()).searchParams.get("consultation"), slot: chosen };
    if (!result.booking.id) throw new Error(`payment return without a consultation: ${booking.url()}`);
    expectClean(problems);
    await context.close();
  },
);

await step("allowed origin: the walk-in widget shows the open clinic and its join link", async () => {
  const { context, page, problems } = await open(browser, phone);
  await page.goto(`${allowedHost}/walk-in`);
  const frame = await widgetFrame(page);
  const state = frame.getByTestId("walkin-state");
  await state.waitFor({ timeout: 20000 });
  if ((await state.getAttribute("data-open")) !== "yes") throw new Error("the walk-in widget says closed");
  await frame.getByTestId("walkin-queue-length").waitFor();
  await frame.getByText(`Online inloopspreekuur van ${doctor.name}`).waitFor();
  await axe(frame, "walk-in widget (framed)");
  await noWider(frame, "walk-in widget");
  const joinLink = frame.getByRole("link", { name: /Aansluiten in de wachtrij/ });
  const [walkIn] = await Promise.all([context.waitForEvent("page"), joinLink.click()]);
  await walkIn.waitForLoadState();
  if (new URL(walkIn.url()).pathname !== `/doctors/${doctor.id}/walk-in`)
    throw new Error(`join opened ${walkIn.url()}`);
  await walkIn.getByTestId("walkin-state").waitFor({ timeout: 15000 });
  await page.screenshot({ path: join(out, "walk-in-widget.png"), fullPage: true });
  expectClean(problems);
  await context.close();
});

await step("an origin not allowed: Chromium refuses to render the widget", async () => {
  for (const path of ["/booking", "/frame"]) {
    const { context, page } = await open(browser, phone);
    const refused = [];
    page.on("console", (m) => {
      if (/frame-ancestors/.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${otherHost}${path}`);
    await page.locator("iframe").first().waitFor({ state: "attached", timeout: 15000 });
    await page.waitForFunction(() => true);
    for (let i = 0; i < 100 && refused.length === 0; i++) await page.waitForTimeout(100);
    if (refused.length === 0) throw new Error(`${path}: no CSP frame-ancestors refusal reported`);
    // Nothing of the widget rendered in the frame.
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const rendered = frame
      ? await frame
          .evaluate(() => document.querySelectorAll("[data-testid^=widget-], #root > *").length)
          .catch(() => 0)
      : 0;
    if (rendered > 0)
      throw new Error(`${path}: the refused frame rendered ${rendered} elements (${frame?.url()})`);
    result.refused = (result.refused ?? 0) + 1;
    await page.screenshot({ path: join(out, `refused${path.replace("/", "-")}.png`), fullPage: true });
    await context.close();
  }
});

await step("the widget pages on their own: axe and keyboard, both languages", async () => {
  const { context, page, problems } = await open(browser, phone);
  for (const [kind, lang, text] of [
    ["booking", "nl", `Afspraak maken bij ${doctor.name}`],
    ["walk-in", "en", `${doctor.name}'s online walk-in clinic`],
  ]) {
    const res = await page.goto(`${base}/widgets/${doctor.id}/${kind}?lang=${lang}`);
    const csp = res?.headers()["content-security-policy"] ?? "";
    if (!csp.includes(`frame-ancestors ${allowedHost}`) || csp.includes("unsafe-inline"))
      throw new Error(`${kind}: CSP ${csp}`);
    await expectText(page, text, 20000);
    await page
      .locator("[data-testid^=widget-type], [data-testid=walkin-state]")
      .first()
      .waitFor({ timeout: 15000 });
    if ((await page.getAttribute("html", "lang")) !== lang) throw new Error(`${kind}: html lang not ${lang}`);
    await axe(page, `${kind} widget (${lang})`);
    await keyboardWalk(page, `${kind} widget`);
  }
  expectClean(problems);
  await context.close();
});

await browser.close();
console.log(`RESULT ${JSON.stringify(result)}`);
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
