// Browser test of what the pages say when the API refuses or cannot be
// reached, started by the Go test TestProblemStatesInBrowser (which
// prepares the accounts and passes them in the environment): two patients
// race for one slot and the loser is told in Dutch that it was just taken,
// with the slots again; wrong PINs until the 423 lockout, which says until
// when; a request cut off says there is no connection. No English word on
// these Dutch pages. Also the date field in the reader's language (the
// doctor's exception day, Dutch and English) and the messages on the
// doctor's consultation page.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { axe, desktop, env, expectClean, expectText, launch, login, open, phone, steps } from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "states");
mkdirSync(out, { recursive: true });

const browser = await launch();
const { step, failures } = steps();

// Words of English problem texts that no Dutch page may show.
const english =
  /\b(the|your|you|please|try|again|error|wrong|attempts|left|locked|taken|conflict|request|failed|cannot|not found|invalid)\b/i;

/** noEnglish fails when the page's main part shows English words. */
async function noEnglish(page, label) {
  const text = (await page.locator("main").textContent()) ?? "";
  const hit = text.match(english);
  if (hit) throw new Error(`${label}: English "${hit[0]}" on the Dutch page: ${text.slice(0, 400)}`);
}

await step("the doctor's date field: Dutch dd-mm-jjjj, English dd/mm/yyyy, stored as that day", async () => {
  const { context, page, problems } = await open(browser, desktop);
  await login(page, base, env("E2E_DOCTOR_EMAIL"), env("E2E_DOCTOR_PASSWORD"), "/doctor/availability");
  await page.getByRole("button", { name: "Uitzondering toevoegen" }).click();
  const field = page.getByRole("textbox", { name: "Datum" }).last();
  await field.waitFor({ timeout: 15000 });
  if ((await field.getAttribute("placeholder")) !== "dd-mm-jjjj") throw new Error("no Dutch placeholder");
  const shown = await field.inputValue();
  if (!/^\d{2}-\d{2}-\d{4}$/.test(shown)) throw new Error(`the new row shows ${shown}, not dd-mm-jjjj`);
  await field.fill("31-02-2099");
  await field.press("Tab");
  await expectText(page, "Dit is geen bestaande datum. Schrijf de datum als dd-mm-jjjj.");
  await field.fill(env("E2E_DAY_NL"));
  await field.press("Tab");
  await page.getByRole("button", { name: "Opslaan" }).click();
  await expectText(page, "Opgeslagen.");
  await noEnglish(page, "availability");
  await page.getByRole("button", { name: "EN", exact: true }).click();
  const dates = page.getByRole("textbox", { name: "Date" });
  await dates.first().waitFor({ timeout: 15000 });
  const shownEn = await dates.evaluateAll((els) => els.map((e) => e.value));
  if (!shownEn.includes(env("E2E_DAY_EN")))
    throw new Error(`the English page shows ${shownEn}, want ${env("E2E_DAY_EN")} among them`);
  if ((await dates.first().getAttribute("placeholder")) !== "dd/mm/yyyy")
    throw new Error("no English placeholder");
  await page.getByRole("button", { name: "NL", exact: true }).click();
  await page.getByRole("textbox", { name: "Datum" }).last().waitFor();
  await axe(page, "availability with a date field");
  await page.screenshot({ path: join(out, "date-field.png"), fullPage: true });

  // The patient's question on the consultation page, and the answer written there.
  await page.goto(`${base}/doctor/consultations/${env("E2E_ADVICE_CONSULTATION")}`);
  const section = page.getByTestId("consultation-messages");
  await section.waitFor({ timeout: 15000 });
  await section.getByRole("button", { name: "Berichten tonen" }).click();
  await section.getByTestId("thread").waitFor({ timeout: 15000 });
  await expectText(page, env("E2E_QUESTION"));
  await section.locator("#msg-text").fill(env("E2E_REPLY"));
  await section.getByTestId("msg-send").click();
  await section
    .locator("li.mine", { hasText: env("E2E_REPLY") })
    .first()
    .waitFor({ timeout: 15000 });
  await axe(page, "consultation with messages");
  await page.screenshot({ path: join(out, "consultation-messages.png"), fullPage: true });
  expectClean(problems);
  await context.close();
});

await step(
  "two patients race for one slot: the loser is told in Dutch and sees the slots again",
  async () => {
    const slot = env("E2E_RACE_SLOT");
    const racers = [];
    for (const who of ["A", "B"]) {
      const r = await open(browser, phone);
      const path = `/book/${env("E2E_RACE_DOCTOR_ID")}`;
      await login(r.page, base, env(`E2E_RACER_${who}_EMAIL`), env("E2E_RACER_PASSWORD"), path);
      await r.page.goto(`${base}${path}?type=video&slot=${encodeURIComponent(slot)}`);
      await r.page.getByTestId("booking-summary").waitFor({ timeout: 15000 });
      racers.push(r);
    }
    const pay = (r) => r.page.getByRole("button", { name: "Naar betalen" });
    await Promise.all(racers.map((r) => pay(r).click()));
    const outcome = (r) =>
      Promise.race([
        r.page.waitForURL((u) => !u.pathname.startsWith("/book/"), { timeout: 20000 }).then(() => "won"),
        r.page
          .getByTestId("problem")
          .waitFor({ timeout: 20000 })
          .then(() => "lost"),
      ]);
    const results = await Promise.all(racers.map(outcome));
    if (results.filter((x) => x === "won").length !== 1) throw new Error(`race outcomes: ${results}`);
    const loser = racers[results.indexOf("lost")];
    const kind = await loser.page.getByTestId("problem").getAttribute("data-kind");
    if (kind !== "slotTaken") throw new Error(`the loser's problem is ${kind}, want slotTaken`);
    await expectText(loser.page, "Deze tijd is net door iemand anders geboekt");
    const again = loser.page.getByTestId("calendar-video").locator(".day-slots button.slot");
    await again.first().waitFor({ timeout: 15000 });
    await noEnglish(loser.page, "slot taken");
    await axe(loser.page, "booking (slot taken)");
    await loser.page.screenshot({ path: join(out, "slot-taken.png"), fullPage: true });

    // The connection drops while the loser books the next slot.
    await again.first().click();
    await loser.page.waitForURL(
      (u) => Boolean(u.searchParams.get("slot")) && u.searchParams.get("slot") !== slot,
    );
    await loser.page.route("**/v1/consultations", (route) => route.abort("internetdisconnected"));
    await pay(loser).click();
    await loser.page.locator('[data-kind="offline"]').waitFor({ timeout: 15000 });
    await expectText(loser.page, "Geen verbinding");
    await noEnglish(loser.page, "offline");
    await loser.page.unroute("**/v1/consultations");
    for (const r of racers) {
      expectClean(r.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(p)));
      await r.context.close();
    }
  },
);

await step("wrong PINs: each one says so, then the 423 lockout says until when", async () => {
  const { context, page, problems } = await open(browser, phone);
  await login(
    page,
    base,
    env("E2E_LOCK_EMAIL"),
    env("E2E_LOCK_PASSWORD"),
    `/consultations/${env("E2E_LOCK_CONSULTATION")}`,
  );
  const pin = page.locator("#pin").first();
  await pin.waitFor({ timeout: 15000 });
  const tryPin = async () => {
    await pin.fill("0000");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/v1/me/pin/unlock")),
      page.getByRole("button", { name: "Ontgrendelen" }).first().click(),
    ]);
    await page.getByRole("alert").first().waitFor();
    return answer.status();
  };
  for (let i = 1; i <= 5; i++) {
    const status = await tryPin();
    if (status !== 403) throw new Error(`wrong PIN ${i} → ${status}, want 403`);
    await expectText(page, "Deze pincode klopt niet.");
    await noEnglish(page, `wrong PIN ${i}`);
  }
  const status = await tryPin();
  if (status !== 423) throw new Error(`PIN after five wrong ones → ${status}, want 423`);
  await expectText(page, "U kunt het weer proberen vanaf");
  const text = (await page.getByRole("alert").first().textContent()) ?? "";
  if (!/\d{1,2}:\d{2}/.test(text)) throw new Error(`the lockout names no time: ${text}`);
  await noEnglish(page, "PIN locked");
  await axe(page, "PIN locked");
  await page.screenshot({ path: join(out, "pin-locked.png"), fullPage: true });
  expectClean(problems);
  await context.close();
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("all problem-state browser steps passed");
