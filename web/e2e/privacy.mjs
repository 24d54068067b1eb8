// Browser test of the data rights page /account/privacy, started by the Go
// test TestPrivacyPageInBrowser (which registers a patient with a PIN and
// two-factor sign-in and passes the account, its authenticator secret and
// two recovery codes in the environment). On a phone, in Dutch: from the
// account page to the privacy page (consent shown), the export downloaded
// behind the PIN with a recovery code (saved to E2E_DOWNLOAD, which the Go
// test opens), the erasure (what goes and what stays, refused without the
// code, done with password and code, signed out), then logging in fails.
// axe on every state.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  axe,
  env,
  expectClean,
  expectText,
  launch,
  open,
  phone,
  login as signIn,
  steps,
} from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "privacy");
mkdirSync(out, { recursive: true });
const email = env("E2E_PATIENT_EMAIL");
const password = env("E2E_PATIENT_PASSWORD");

const browser = await launch();
const { step, failures } = steps();
const { context, page, problems } = await open(browser, phone);

await step("the account page links to the privacy page, which shows the consent", async () => {
  await signIn(page, base, email, password, "/account");
  await page.getByRole("link", { name: "Privacy: uw gegevens downloaden of uw account wissen" }).click();
  await page.waitForURL((u) => u.pathname === "/account/privacy", { timeout: 15000 });
  await expectText(page, "Privacy en uw gegevens");
  const consent = await page.getByTestId("consent").textContent();
  if (!/privacyverklaring versie \S+ op /.test(consent)) throw new Error(`consent: ${consent}`);
  await axe(page, "privacy page");
  await page.screenshot({ path: join(out, "privacy.png"), fullPage: true });
});

await step("the export downloads behind the PIN with a recovery code", async () => {
  await page.fill("#export-code", env("E2E_RECOVERY_1"));
  await page.getByRole("button", { name: "Download mijn gegevens" }).click();
  await page.fill("#pin", env("E2E_PIN"));
  const download = page.waitForEvent("download", { timeout: 20000 });
  await page.getByRole("button", { name: "Ontgrendelen" }).click();
  const file = await download;
  if (!/^derma2go-export-\d{4}-\d\d-\d\d\.zip$/.test(file.suggestedFilename()))
    throw new Error(`file name ${file.suggestedFilename()}`);
  await file.saveAs(env("E2E_DOWNLOAD"));
  await expectText(page, "Het bestand is gedownload.");
});

await step("the erasure shows what goes and stays, asks the code, erases and signs out", async () => {
  await page.getByRole("button", { name: "Ik wil mijn account wissen" }).click();
  const stays = await page.getByTestId("record-kept").textContent();
  if (!stays.includes("geen medisch dossier")) throw new Error(`what stays: ${stays}`);
  await page.fill("#erase-password", password);
  await page.getByRole("button", { name: "Wis mijn account definitief" }).click();
  await page.getByTestId("refusal").getByText("Vul ook de code").waitFor({ timeout: 15000 });
  await axe(page, "erasure asking the code");
  await page.fill("#erase-code", env("E2E_RECOVERY_2"));
  await page.getByRole("button", { name: "Wis mijn account definitief" }).click();
  await page.getByTestId("erased").waitFor({ timeout: 15000 });
  await expectText(page, "Al uw gegevens zijn gewist.");
  await axe(page, "erased");
  await page.screenshot({ path: join(out, "erased.png"), fullPage: true });
  const me = await page.evaluate(async () => (await fetch("/v1/me")).status);
  if (me !== 401) throw new Error(`after the erasure /v1/me answers ${me}, want 401 (signed out)`);
});

await step("logging in fails after the erasure", async () => {
  await page.goto(`${base}/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expectText(page, "E-mailadres of wachtwoord klopt niet.");
  if (new URL(page.url()).pathname !== "/login") throw new Error(`after the failed login at ${page.url()}`);
  expectClean(problems);
});

await context.close();
await browser.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
