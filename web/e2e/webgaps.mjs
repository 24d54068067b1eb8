// Browser test of the pages the other scripts leave out, started by the Go
// test TestWebPagesInBrowser (which prepares the accounts and data and
// passes them in the environment): the contact form (guest, phone) and the
// administrators' list of its messages; comment moderation and condition
// review as admin; fees and admin fee, profile, reviews, condition review
// and a guest's consultation as doctor; the patient's account settings
// (language switch, password change). Every page is checked with axe-core
// (no serious or critical violation) and walked by keyboard (every control
// reachable, focus visible).
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
  open as openIn,
  phone,
  login as signIn,
  steps,
} from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "webgaps");
mkdirSync(out, { recursive: true });

const browser = await launch();
const { step, failures } = steps();
const open = (viewport) => openIn(browser, viewport);

/** check runs axe-core and the keyboard walk on the page as it is now. */
async function check(page, label, max = 300) {
  await axe(page, label);
  await keyboardWalk(page, label, max);
}

const login = (page, email, password, next) => signIn(page, base, email, password, next);

const admin = { email: env("E2E_ADMIN_EMAIL"), password: env("E2E_ADMIN_PASSWORD") };
const doctor = { email: env("E2E_DOCTOR_EMAIL"), password: env("E2E_DOCTOR_PASSWORD") };
const patient = { email: env("E2E_PATIENT_EMAIL"), password: env("E2E_PATIENT_PASSWORD") };
const guestEmail = env("E2E_CONTACT_EMAIL");
const doctorId = env("E2E_DOCTOR_ID");
let reference = "";

await step(
  "contact form: footer link, field errors, a guest's complaint about the service (phone)",
  async () => {
    const { context, page, problems } = await open(phone);
    await page.goto(`${base}/`);
    await page.getByRole("link", { name: "Contact en klachten" }).click();
    await page.waitForURL((u) => u.pathname === "/contact");
    await page.getByTestId("contact").waitFor();
    await check(page, "contact form");
    await page.getByRole("button", { name: "Versturen" }).click();
    await expectText(page, "Vul uw naam in.");
    await expectText(page, "Schrijf uw bericht.");
    await axe(page, "contact form with errors");
    await page.fill("#name", "Gerrit Gast");
    await page.fill("#email", guestEmail);
    await page.getByLabel("Een klacht over Derma2Go").check();
    await page.fill("#message", "De betaalpagina bleef hangen na het kiezen van iDEAL.");
    await page.getByRole("button", { name: "Versturen" }).click();
    const sent = page.getByTestId("contact-sent");
    await sent.waitFor({ timeout: 15000 });
    const text = await sent.innerText();
    reference = text.match(/C-[0-9A-F]{8}/)?.[0] ?? "";
    if (!reference) throw new Error(`no reference in ${text}`);
    if (!text.includes("supportteam")) throw new Error(`no word of support in ${text}`);
    await check(page, "contact sent");
    expectClean(problems);
    await context.close();
  },
);

await step("contact form: a complaint about a named doctor explains the procedure (English)", async () => {
  const { context, page, problems } = await open(phone);
  await page.goto(`${base}/contact?doctor=${doctorId}&lang=en`);
  await expectText(page, `About: ${env("E2E_DOCTOR_NAME")}`);
  await page.fill("#name", "Gerrit Gast");
  await page.fill("#email", guestEmail);
  await page.fill("#message", "The doctor did not answer my follow-up question.");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByTestId("practitioner-policy").waitFor({ timeout: 15000 });
  await expectText(page, "complaints officer");
  await expectText(page, `How to reach ${env("E2E_DOCTOR_NAME")}`);
  await check(page, "contact practitioner sent");
  expectClean(problems);
  await context.close();
});

await step("admin: contact list shows the message and sets its status", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, admin.email, admin.password, "/admin");
  await page.getByRole("link", { name: "Berichten via het contactformulier" }).click();
  await page.waitForURL((u) => u.pathname === "/admin/contact");
  const item = page.locator("li[data-contact]", { hasText: reference });
  await item.waitFor({ timeout: 15000 });
  await check(page, "admin contact list");
  await item.locator("select").selectOption("in_progress");
  await expectText(page, "Status bijgewerkt.");
  await page.getByLabel("In behandeling").check();
  await page.locator("li[data-contact]", { hasText: reference }).waitFor({ timeout: 15000 });
  expectClean(problems);
  await context.close();
});

await step("admin: comment moderation and condition review", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, admin.email, admin.password, "/admin");
  const comment = page.locator(`li[data-comment="${env("E2E_COMMENT_ID")}"]`);
  await comment.waitFor({ timeout: 15000 });
  await page.getByTestId("condition-review").locator("li[data-slug]").first().waitFor({ timeout: 15000 });
  await check(page, "admin", 600);
  await comment.getByRole("button", { name: "Goedkeuren" }).click();
  await expectText(page, "De reactie staat nu op de pagina.");
  const slug = env("E2E_CONDITION_SLUG");
  const card = page.locator(`li[data-slug="${slug}"]`);
  await page.fill("#condition-q", env("E2E_CONDITION_NAME"));
  await card.waitFor({ timeout: 15000 });
  await card.getByRole("button", { name: "Terug naar concept" }).click();
  await page.locator(`li[data-slug="${slug}"][data-state="draft"]`).waitFor({ timeout: 15000 });
  expectClean(problems);
  await context.close();
});

await step("doctor: fees and admin fee", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor/fees");
  await page.locator("#fee-video").waitFor({ timeout: 15000 });
  await check(page, "doctor fees");
  await page.fill("#fee-video", "72,50");
  await page.getByRole("button", { name: "Opslaan" }).first().click();
  await expectText(page, "Opgeslagen.");
  await page.fill("#admin-fee", "12,50");
  await page.locator("#sla-days").selectOption("2");
  // The fee form above already says "Opgeslagen."; wait for the admin fee's own answer.
  const adminFee = page.locator("form", { has: page.locator("#admin-fee") });
  await adminFee.getByRole("button", { name: "Opslaan" }).click();
  await adminFee.getByText("Opgeslagen.").waitFor({ timeout: 15000 });
  await page.reload();
  await page.locator("#fee-video").waitFor({ timeout: 15000 });
  if ((await page.inputValue("#fee-video")) !== "72,50") throw new Error("the video fee did not stay");
  if ((await page.inputValue("#admin-fee")) !== "12,50") throw new Error("the admin fee did not stay");
  expectClean(problems);
  await context.close();
});

await step("doctor: profile", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor/profile");
  await page.locator("#p-bio").waitFor({ timeout: 15000 });
  await check(page, "doctor profile");
  await page.fill("#p-bio", env("E2E_BIO"));
  await page.getByRole("button", { name: "Opslaan" }).click();
  await expectText(page, "Opgeslagen.");
  expectClean(problems);
  await context.close();
});

await step("doctor: reviews", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor/reviews");
  await expectText(page, env("E2E_REVIEW_TEXT"));
  await check(page, "doctor reviews");
  expectClean(problems);
  await context.close();
});

await step("doctor: condition review takes a draft into review and publishes it", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, "/doctor/conditions");
  const slug = env("E2E_CONDITION_SLUG");
  await page.fill("#condition-q", env("E2E_CONDITION_NAME"));
  const card = page.locator(`li[data-slug="${slug}"][data-state="draft"]`);
  await card.waitFor({ timeout: 15000 });
  await check(page, "doctor condition review", 600);
  await card.getByRole("button", { name: "In beoordeling nemen" }).click();
  await page.locator(`li[data-slug="${slug}"][data-state="in_review"]`).waitFor({ timeout: 15000 });
  await page
    .locator(`li[data-slug="${slug}"]`)
    .getByRole("button", { name: "Publiceren als beoordeeld" })
    .click();
  await page.locator(`li[data-slug="${slug}"][data-state="published"]`).waitFor({ timeout: 15000 });
  expectClean(problems);
  await context.close();
});

await step("doctor: a guest's consultation names the guest as the intake did", async () => {
  const { context, page, problems } = await open(desktop);
  await login(page, doctor.email, doctor.password, `/doctor/consultations/${env("E2E_GUEST_CONSULTATION")}`);
  await expectText(page, env("E2E_GUEST_NAME"));
  const body = await page.locator("main").innerText();
  if (body.includes(env("E2E_GUEST_EMAIL"))) throw new Error("the page shows the guest's email address");
  await check(page, "doctor guest consultation", 400);
  await page.goto(`${base}/doctor`);
  await expectText(page, env("E2E_GUEST_NAME"));
  await check(page, "doctor dashboard", 600);
  expectClean(problems);
  await context.close();
});

await step("patient: account settings switch the language and change the password (phone)", async () => {
  const { context, page, problems } = await open(phone);
  await login(page, patient.email, patient.password, "/account");
  await page.getByLabel("English").waitFor({ timeout: 15000 });
  await check(page, "account");
  await page.getByLabel("English").check();
  await page.getByRole("button", { name: "Opslaan" }).first().click();
  // The page turns English once the account took the choice.
  await page.locator('html[lang="en"]').waitFor({ state: "attached", timeout: 15000 });
  await expectText(page, "The language of your emails and of the site.");
  await page.fill("#current-password", patient.password);
  await page.fill("#new-password", env("E2E_NEW_PASSWORD"));
  await page.fill("#repeat-password", env("E2E_NEW_PASSWORD"));
  await page.getByRole("button", { name: "Change password" }).click();
  await expectText(page, "Your password has been changed.");
  await axe(page, "account after changes");
  for (const path of ["/consultations", "/account/favourites", "/account/access-log"]) {
    await page.goto(`${base}${path}`);
    await page.locator("main h1").first().waitFor({ timeout: 15000 });
    await page.locator('[aria-busy="true"]').waitFor({ state: "detached", timeout: 15000 });
    await check(page, `portal ${path}`);
  }
  expectClean(problems);
  await context.close();

  // A fresh browser (nothing saved locally) takes the language from the account.
  const fresh = await open(phone);
  await fresh.page.goto(`${base}/login?next=${encodeURIComponent("/account")}`);
  await fresh.page.fill("#email", patient.email);
  await fresh.page.fill("#password", env("E2E_NEW_PASSWORD"));
  await fresh.page.getByRole("button", { name: "Inloggen" }).click();
  await fresh.page.waitForURL((u) => u.pathname === "/account", { timeout: 15000 });
  await expectText(fresh.page, "The language of your emails and of the site.");
  expectClean(fresh.problems);
  await fresh.context.close();
});

await step("offline: a failed request says there is no connection, with a retry", async () => {
  const { context, page, problems } = await open(phone);
  await page.goto(`${base}/doctors`);
  await page.locator("main h1").first().waitFor({ timeout: 15000 });
  await context.setOffline(true);
  await page.goto(`${base}/contact`).catch(() => undefined);
  await context.setOffline(false);
  await page.goto(`${base}/contact`);
  await page.fill("#name", "Offline");
  await page.fill("#email", guestEmail);
  await page.fill("#message", "Sent without a connection.");
  await context.setOffline(true);
  await page.getByRole("button", { name: "Versturen" }).click();
  await expectText(page, "Geen verbinding");
  await page.locator('[data-kind="offline"]').waitFor();
  await context.setOffline(false);
  expectClean(problems);
  await context.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
