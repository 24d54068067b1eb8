// Browser test of doctor onboarding (started by the Go test
// TestDoctorChecklistInBrowser): the admin invites a doctor on
// /admin/doctors; the doctor opens the emailed link (from the SMTP sink),
// sets a password on /welcome, signs in and enrols the authenticator with the
// secret the enrolment page shows; the dashboard's checklist shows every
// required step missing, and turns green item by item as the doctor fills
// in the profile, the fees and admin fee, the hours, and connects payouts
// through the Mollie sandbox's consent page; then the doctor is found in
// the public search. The guide page and its PDFs are opened too. axe-core
// runs on every new page. Also: the admins' list pages (next/previous); an
// en-US browser on the Dutch UI gets the Dutch problem of a spent link on
// /welcome and /reset-password (one form) and, after switching to English,
// the English one (the client sends the chosen language); the doctor's
// public profile answers 404 (and the page says not found) until listed.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  axe,
  desktop,
  env,
  expectClean,
  expectText,
  launch,
  linkIn,
  login,
  open,
  phone,
  steps,
} from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const sink = env("E2E_SINK_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "guide");
mkdirSync(out, { recursive: true });
const admin = { email: env("E2E_ADMIN_EMAIL"), password: env("E2E_ADMIN_PASSWORD") };
const doctor = {
  email: env("E2E_NEW_DOCTOR_EMAIL"),
  name: env("E2E_NEW_DOCTOR_NAME"),
  password: "guide-doctor-pass-2026",
};

const browser = await launch();
const { step, failures } = steps();
const result = {};

await step("admin invites a doctor on /admin/doctors (desktop)", async () => {
  const { context, page, problems } = await open(browser, desktop);
  await login(page, base, admin.email, admin.password, "/admin/doctors");
  await page.getByTestId("invite-doctor").waitFor({ timeout: 15000 });
  await axe(page, "admin doctors");
  await page.fill("#invite-name", doctor.name);
  await page.fill("#invite-email", doctor.email);
  await page.fill("#invite-big", "12345678901");
  await page.fill("#invite-city", "Utrecht");
  await page.getByRole("button", { name: "Uitnodigen" }).click();
  await expectText(page, `Uitnodiging verstuurd naar ${doctor.email}`);
  const row = page.locator(`[data-doctor="${doctor.email}"]`);
  await row.waitFor({ timeout: 15000 });
  if ((await row.getByTestId("listed").textContent())?.trim() !== "nog niet te boeken")
    throw new Error("the invited doctor is listed as bookable");
  // The list pages (50 a page; the seed has 200 doctors): the invited doctor
  // is on the first page, not on the second.
  const pager = page.getByTestId("admin-doctors").locator("nav.pager");
  await pager.getByRole("button", { name: "Volgende" }).click();
  await expectText(page, "Pagina 2 van");
  await page.locator("[data-doctor]").first().waitFor({ timeout: 15000 });
  if ((await row.count()) !== 0) throw new Error("the invited doctor is on the second page too");
  if ((await page.locator("[data-doctor]").count()) !== 50)
    throw new Error("page 2 does not show 50 doctors");
  await axe(page, "admin doctors, page 2");
  await pager.getByRole("button", { name: "Vorige" }).click();
  await expectText(page, "Pagina 1 van");
  await row.waitFor({ timeout: 15000 });
  expectClean(problems);
  await context.close();
});

await step(
  "an en-US browser on the Dutch UI gets Dutch problems, on the English UI English ones (welcome and reset: one form)",
  async () => {
    const { context, page, problems } = await open(browser, phone, "en-US");
    /** refusal submits the set-password form with a spent token and returns the Accept-Language it sent. */
    const refusal = async (button) => {
      await page.fill("#password", "een-wachtwoord-van-12");
      const [req] = await Promise.all([
        page.waitForRequest((r) => new URL(r.url()).pathname === "/v1/auth/password/reset", {
          timeout: 15000,
        }),
        page.getByRole("button", { name: button }).click(),
      ]);
      return req.headers()["accept-language"];
    };
    for (const path of ["/welcome", "/reset-password"]) {
      await page.goto(`${base}${path}?token=spent-${Date.now()}`);
      await page.getByTestId("set-password").locator("#password").waitFor({ timeout: 15000 });
      const sent = await refusal("Opslaan");
      if (sent !== "nl") throw new Error(`${path}: the Dutch UI sent Accept-Language ${sent}`);
      await expectText(page, "Deze herstellink is onbekend, al gebruikt of verlopen. Vraag een nieuwe aan.");
    }
    await page.getByRole("button", { name: "EN", exact: true }).click();
    const sent = await refusal("Save");
    if (sent !== "en") throw new Error(`the English UI sent Accept-Language ${sent}`);
    await expectText(page, "This reset link is unknown, used or expired. Ask for a new one.");
    expectClean(problems);
    await context.close();
  },
);

const doctorPage = await (async () => {
  const { context, page, problems } = await open(browser, phone);
  return { context, page, problems };
})();
const { page } = doctorPage;

/** checklist opens the dashboard and returns each item's done state and whether the doctor is listed. */
async function checklist() {
  await page.goto(`${base}/doctor`);
  const card = page.getByTestId("checklist");
  await card.waitFor({ timeout: 15000 });
  const items = await card
    .locator("[data-item]")
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.item, e.dataset.done === "yes"])));
  return { items, listed: (await card.getAttribute("data-listed")) === "yes" };
}

/** save clicks button and waits for the answer of the PUT to path it sends. */
async function save(button, path) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "PUT" && new URL(r.url()).pathname === path, {
      timeout: 15000,
    }),
    button.click(),
  ]);
  if (!res.ok()) throw new Error(`PUT ${path} → ${res.status()}: ${await res.text()}`);
}

/** expectDone fails unless exactly the items in done (of those named) are done. */
function expectDone(state, done, open, label) {
  for (const id of done)
    if (!state.items[id]) throw new Error(`${label}: ${id} is not done: ${JSON.stringify(state)}`);
  for (const id of open)
    if (state.items[id]) throw new Error(`${label}: ${id} is done already: ${JSON.stringify(state)}`);
}

await step(
  "the doctor sets a password from the emailed link, signs in and enrols the authenticator (phone)",
  async () => {
    const { link } = await linkIn(sink, base, doctor.email, "/welcome");
    await page.goto(link);
    await page.locator("#password").waitFor({ timeout: 15000 });
    await axe(page, "welcome");
    await page.fill("#password", doctor.password);
    await page.getByRole("button", { name: "Opslaan" }).click();
    await expectText(page, "Uw wachtwoord is ingesteld");
    await axe(page, "welcome done");
    await login(page, base, doctor.email, doctor.password, "/doctor");
    doctor.id = await page.evaluate(async () => (await (await fetch("/v1/me")).json()).id);
  },
);

/** publicProfile opens the doctor's public page and answers the profile API's status. */
async function publicProfile(expect) {
  const { context, page: p, problems } = await open(browser, phone);
  const res = await p.request.get(`${base}/v1/doctors/${doctor.id}`);
  await p.goto(`${base}/doctors/${doctor.id}`);
  await expectText(p, expect);
  expectClean(problems);
  await context.close();
  return res;
}

await step(
  "the unlisted doctor has no public profile: 404 problem and the page's not-found text",
  async () => {
    const res = await publicProfile("Deze dermatoloog bestaat niet (meer).");
    if (res.status() !== 404 || !res.headers()["content-type"]?.startsWith("application/problem+json"))
      throw new Error(`the unlisted doctor's profile → ${res.status()} ${res.headers()["content-type"]}`);
  },
);

const required = ["profile", "fees", "payouts", "hours"];
await step("the checklist shows every required step missing, the second factor done", async () => {
  const state = await checklist();
  expectDone(state, ["second_factor"], [...required, "photo", "admin_fee", "questionnaire"], "fresh doctor");
  if (state.listed) throw new Error("a fresh doctor is listed");
  await axe(page, "dashboard with checklist");
  result.fresh = state;
});

await step("profile: the profile item turns green", async () => {
  await page.locator("[data-item=profile] a").click();
  await page.waitForURL((u) => u.pathname === "/doctor/profile");
  await page.locator("#p-bio").waitFor({ timeout: 15000 });
  await page.fill("#p-bio", "Dermatoloog in Utrecht met aandacht voor eczeem.");
  await page.fill("#p-languages", "nl, en");
  await page.fill("#p-address", "Guidestraat 1, Utrecht");
  await page.fill("#p-lat", "52.0907");
  await page.fill("#p-lng", "5.1214");
  await save(page.getByRole("button", { name: "Opslaan" }), "/v1/doctor/profile");
  const state = await checklist();
  expectDone(state, ["second_factor", "profile"], ["fees", "payouts", "hours"], "after the profile");
  if (state.listed) throw new Error("listed after the profile alone");
});

await step("fees and admin fee: both items turn green", async () => {
  await page.goto(`${base}/doctor/fees`);
  await page.locator("#fee-video").waitFor({ timeout: 15000 });
  await page.fill("#fee-video", "60");
  await save(page.getByRole("button", { name: "Opslaan" }).first(), "/v1/doctor/fees");
  await page.fill("#admin-fee", "7,50");
  await save(page.getByRole("button", { name: "Opslaan" }).last(), "/v1/doctor/profile");
  const state = await checklist();
  expectDone(
    state,
    ["second_factor", "profile", "fees", "admin_fee"],
    ["payouts", "hours"],
    "after the fees",
  );
});

await step("hours: the hours item turns green", async () => {
  await page.goto(`${base}/doctor/availability`);
  const monday = page.locator('[data-weekday="1"]');
  await monday.waitFor({ timeout: 15000 });
  await monday.getByRole("button", { name: /Uren toevoegen/ }).click();
  await save(page.getByRole("button", { name: "Opslaan" }).first(), "/v1/doctor/availability");
  const state = await checklist();
  expectDone(
    state,
    ["second_factor", "profile", "fees", "admin_fee", "hours"],
    ["payouts"],
    "after the hours",
  );
  if (state.listed) throw new Error("listed without payouts");
});

await step("payouts through the sandbox's consent page: the checklist is green", async () => {
  await page.goto(`${base}/doctor/payouts`);
  await page.getByTestId("payouts-not-connected").waitFor({ timeout: 15000 });
  await page.getByTestId("payouts-connect").click();
  await page.waitForURL((u) => u.pathname.endsWith("/oauth2/authorize"), { timeout: 15000 });
  await page.locator("#organization").fill(`Praktijk ${doctor.name}`);
  await page.locator("#authorize").click();
  await page.waitForURL((u) => u.pathname === "/doctor/payouts/connected", { timeout: 15000 });
  await expectText(page, "is gekoppeld");
  const state = await checklist();
  expectDone(
    state,
    ["second_factor", "profile", "fees", "admin_fee", "hours", "payouts"],
    [],
    "after payouts",
  );
  if (!state.listed) throw new Error(`not listed with every required step done: ${JSON.stringify(state)}`);
  await expectText(page, "Alles staat klaar");
  await axe(page, "dashboard, checklist done");
  result.done = state;
});

await step("the guide page and its PDFs", async () => {
  await page.goto(`${base}/doctor/guide`);
  await page.getByTestId("guide").waitFor({ timeout: 15000 });
  const steps = await page.locator("[data-step]").count();
  if (steps < 10) throw new Error(`the guide shows ${steps} steps`);
  await expectText(page, "E-mailadvies en de termijnen");
  await axe(page, "guide");
  for (const lang of ["nl", "en"]) {
    const res = await page.request.get(`${base}/v1/doctor/guide.pdf?lang=${lang}`);
    const body = await res.body();
    if (
      res.status() !== 200 ||
      res.headers()["content-type"] !== "application/pdf" ||
      !body.subarray(0, 5).equals(Buffer.from("%PDF-"))
    )
      throw new Error(`guide.pdf?lang=${lang} → ${res.status()} ${res.headers()["content-type"]}`);
  }
  expectClean(doctorPage.problems);
  await doctorPage.context.close();
});

await step("the doctor is found in the public search", async () => {
  const { context, page: p, problems } = await open(browser, phone);
  const q = encodeURIComponent(doctor.name);
  for (let i = 0; ; i++) {
    await p.goto(`${base}/doctors?q=${q}`);
    await p.getByTestId("results").waitFor({ timeout: 15000 });
    if ((await p.getByRole("link", { name: doctor.name }).count()) > 0) break;
    if (i >= 20) throw new Error("the doctor is not in the search");
    await p.waitForTimeout(250);
  }
  expectClean(problems);
  await context.close();
  const res = await publicProfile(doctor.name);
  if (res.status() !== 200) throw new Error(`the listed doctor's profile → ${res.status()}`);
});

await browser.close();
console.log(`RESULT ${JSON.stringify(result)}`);
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
