// Browser test of the help pages, started by the Go test TestHelpPagesInBrowser:
// the FAQ (reached from the header, searched in Dutch and English with
// diacritics folded, an answer's link to the page where one acts, an
// entry's own address), the technical support page with the camera refused
// (fake devices, no permission: getUserMedia gives NotAllowedError) and
// allowed (the same devices with the permission granted), its connection
// check into a test room of the SFU passing (with the fake camera, and with
// a generated picture when the camera is refused) and failing with the
// network fixes when the signalling socket is closed on it, the waiting
// room's and the FAQ's links to it, and — when E2E_DOCTOR_EMAIL is set —
// the doctor's guide and checklist turning green step by step. Every page is
// checked with axe-core and walked by keyboard.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { axe, desktop, env, expectClean, keyboardWalk, phone, steps } from "./helpers.mjs";

const base = env("E2E_BASE_URL");
const out = process.env.E2E_OUT_DIR || join(import.meta.dirname, "out", "help");
mkdirSync(out, { recursive: true });

// Fake camera and microphone, but no fake permission prompt: a context
// without the permission is refused, one granted it gets the fake devices.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
  ],
});
const { step, failures } = steps();

async function open(viewport, { locale = "nl-NL", permissions = [] } = {}) {
  const context = await browser.newContext({ viewport, locale, timezoneId: "Europe/Amsterdam", permissions });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  return { context, page, problems };
}

async function check(page, label) {
  await axe(page, label);
  await keyboardWalk(page, label, 400);
}

// connectionPassed waits for the connection check to pass: connected to
// the test room without the relay (host or reflexive candidates on the
// loopback), the media back, and the round trip and loss good or fair (on
// a loaded 2-core machine the loopback's round trip reaches 150 ms, where
// "fair" begins at 200). It returns the figures.
async function connectionPassed(page) {
  const done = page.locator(
    '[data-testid="check-connection"]:is([data-state="ok"], [data-state="warn"], [data-state="failed"])',
  );
  await done.waitFor({ timeout: 25000 });
  const part = (id, name) => page.getByTestId(id).getAttribute(name);
  const got = {
    overall: await part("check-connection", "data-state"),
    ice: await part("conn-ice", "data-state"),
    candidate: await part("conn-ice", "data-candidate"),
    quality: await part("conn-quality", "data-grade"),
    media: await part("conn-media", "data-state"),
  };
  if (
    got.overall === "failed" ||
    got.ice !== "ok" ||
    !["host", "srflx", "prflx"].includes(got.candidate) ||
    !["good", "fair"].includes(got.quality) ||
    got.media !== "ok"
  )
    throw new Error(`connection check parts: ${JSON.stringify(got)}`);
  return `${JSON.stringify(got)} ${await page.locator('[data-testid="check-connection"] .figures').textContent()}`;
}

const ids = async (page) => page.locator("[data-faq]").evaluateAll((els) => els.map((e) => e.dataset.faq));

await step(
  "FAQ: from the header, searched in Dutch with diacritics folded, answer links to its page (phone)",
  async () => {
    const { context, page, problems } = await open(phone);
    await page.goto(`${base}/`);
    await page.getByRole("link", { name: "Help", exact: true }).first().click();
    await page.waitForURL((u) => u.pathname === "/help");
    await page.getByRole("heading", { name: "Veelgestelde vragen" }).waitFor();
    const all = await ids(page);
    if (all.length < 10) throw new Error(`only ${all.length} questions listed`);
    await check(page, "/help");
    await page.fill("#faq-search", "annuleren geld terug");
    await page.getByTestId("faq-count").getByText("antwoord").waitFor();
    const found = await ids(page);
    if (found[0] !== "cancelling") throw new Error(`"annuleren geld terug" found ${found.join(", ")}`);
    const answer = page.locator('[data-faq="cancelling"]');
    await answer.getByText("24 uur of langer").waitFor();
    // "een" finds "één": the Dutch diacritics are folded.
    await page.fill("#faq-search", "een of twee werkdagen");
    await page.locator('[data-faq="consult-types"]').waitFor();
    await page.fill("#faq-search", "xyzzy onvindbaar");
    await page.getByText("Geen antwoord gevonden").waitFor();
    if ((await ids(page)).length !== 0) throw new Error("a nonsense query found answers");
    // With many answers found they stay folded; opening one shows its link.
    await page.fill("#faq-search", "consult");
    const item = page.locator('[data-faq="cancelling"]');
    if ((await item.getByTestId("faq-act").count()) !== 0) throw new Error("a folded answer's link is shown");
    await item.locator("summary").click();
    await item.getByTestId("faq-act").click();
    // A visitor who is not logged in is asked to, on the way to the portal.
    await page.waitForURL(
      (u) => u.pathname === "/consultations" || u.searchParams.get("next") === "/consultations",
    );
    await page.screenshot({ path: join(out, "faq-nl.png"), fullPage: true });
    expectClean(problems);
    await context.close();
  },
);

await step(
  "FAQ in English: search, an entry's own page, the footer link and the support link (desktop)",
  async () => {
    const { context, page, problems } = await open(desktop, { locale: "en-GB" });
    await page.goto(`${base}/?lang=en`);
    await page.getByRole("contentinfo").getByRole("link", { name: "Frequently asked questions" }).click();
    await page.waitForURL((u) => u.pathname === "/help");
    await page.fill("#faq-search", "cancel money back");
    await page.getByTestId("faq-count").getByText("answers found").waitFor();
    const found = await ids(page);
    if (found[0] !== "cancelling") throw new Error(`"cancel money back" found ${found.join(", ")}`);
    await page.locator('[data-faq="cancelling"]').getByText("24 hours or more").waitFor();
    await page.fill("#faq-search", "PIN locked");
    await page.locator('[data-faq="account-recovery"]').waitFor();
    await page.goto(`${base}/help/reimbursement?lang=en`);
    await page.getByRole("heading", { name: "Does my health insurer pay for the consultation?" }).waitFor();
    await check(page, "/help/reimbursement");
    await page.goto(`${base}/help/no-such-question?lang=en`);
    await page.getByText("This question does not exist").waitFor();
    await page.goto(`${base}/help?lang=en`);
    await page.getByRole("link", { name: /technical help page/ }).click();
    await page.waitForURL((u) => u.pathname === "/support/technical");
    expectClean(problems);
    await context.close();
  },
);

await step(
  "support page: a refused camera permission is reported with this browser's fixes (phone)",
  async () => {
    const { context, page, problems } = await open(phone);
    await page.goto(`${base}/support/technical`);
    await page.getByRole("heading", { name: "Technische hulp" }).waitFor();
    const browserInfo = page.getByTestId("browser-name");
    if ((await browserInfo.getAttribute("data-browser")) !== "chrome")
      throw new Error(`browser named ${await browserInfo.getAttribute("data-browser")}`);
    if ((await page.getByTestId("check-browser").getAttribute("data-state")) !== "ok")
      throw new Error("a current Chromium is not judged recent enough");
    if ((await page.getByTestId("check-camera").getAttribute("data-state")) !== "idle")
      throw new Error("the camera was tested before the visitor asked");
    await check(page, "/support/technical");
    await page.getByRole("button", { name: "Start de test" }).click();
    await page.locator('[data-testid="check-camera"][data-state="failed"]').waitFor({ timeout: 15000 });
    const failure = page.getByTestId("device-failure");
    if ((await failure.getAttribute("data-failure")) !== "denied")
      throw new Error(`failure ${await failure.getAttribute("data-failure")}, want denied`);
    if ((await page.getByTestId("check-mic").getAttribute("data-state")) !== "failed")
      throw new Error("the microphone is not reported refused too");
    const fixes = await page
      .getByTestId("fixes-denied")
      .first()
      .locator("li")
      .evaluateAll((els) => els.map((e) => e.dataset.fix));
    if (fixes[0] !== "supFix_denied_chromium" || !fixes.includes("supFix_reload"))
      throw new Error(`fixes for a refusal in Chromium on Linux: ${fixes.join(", ")}`);
    await page.getByText("Site-instellingen").first().waitFor();
    // Without camera and microphone the connection check sends a generated
    // picture and tone to the test room, and gets them back.
    await page.getByTestId("connection-generated").waitFor();
    console.log(`connection check (generated picture): ${await connectionPassed(page)}`);
    await page.screenshot({ path: join(out, "support-denied.png"), fullPage: true });
    await check(page, "/support/technical (refused)");
    expectClean(problems);
    await context.close();
  },
);

await step("support page: with the permission granted the same devices work (desktop, English)", async () => {
  const { context, page, problems } = await open(desktop, {
    locale: "en-GB",
    permissions: ["camera", "microphone"],
  });
  await page.goto(`${base}/support/technical?lang=en`);
  await page.getByRole("button", { name: "Start the test" }).click();
  await page.locator('[data-testid="check-camera"][data-state="ok"]').waitFor({ timeout: 15000 });
  await page.locator('[data-testid="check-mic"][data-state="ok"]').waitFor();
  if ((await page.getByTestId("check-speaker").getAttribute("data-state")) !== "ok")
    throw new Error("Chromium has setSinkId, yet the speaker check is not ok");
  if (await page.getByTestId("device-failure").count())
    throw new Error("a failure shown with the permission granted");
  await page
    .getByRole("button", { name: "Test speaker" })
    .click()
    .catch(() => undefined);
  const figures = await connectionPassed(page);
  if (await page.getByTestId("connection-generated").count())
    throw new Error("a generated picture was sent although the camera works");
  await page.getByText("Picture and sound come back").waitFor();
  console.log(`connection check (fake camera): ${figures}`);
  await check(page, "/support/technical (working)");
  expectClean(problems);
  await context.close();
});

await step(
  "support page: with the video service unreachable the connection check fails with the network fixes (desktop)",
  async () => {
    const { context, page, problems } = await open(desktop, { permissions: ["camera", "microphone"] });
    // The test-room token comes from the API as always, but the signalling
    // socket to the video service is closed at once, as a proxy or firewall
    // that lets web pages through and not the video service does.
    await context.routeWebSocket(/\/v1\/video\/ws/, (ws) => ws.close({ code: 1011, reason: "unreachable" }));
    await page.goto(`${base}/support/technical`);
    await page.getByRole("button", { name: "Start de test" }).click();
    await page.locator('[data-testid="check-connection"][data-state="failed"]').waitFor({ timeout: 15000 });
    if ((await page.getByTestId("conn-ice").getAttribute("data-state")) !== "failed")
      throw new Error("the connection part is not reported failed");
    await page.getByText("Er kwam geen verbinding met onze videoserver.").waitFor();
    const fixes = await page
      .getByTestId("fixes-connection")
      .locator("li")
      .evaluateAll((els) => els.map((e) => e.dataset.fix));
    for (const want of [
      "supFix_conn_firewall",
      "supFix_conn_proxy",
      "supFix_conn_vpn",
      "supFix_conn_extensions",
    ])
      if (!fixes.includes(want))
        throw new Error(`fixes for an unreachable video service on Linux: ${fixes.join(", ")}`);
    await page.getByText("hotspot van uw telefoon").waitFor();
    await page.screenshot({ path: join(out, "support-unreachable.png"), fullPage: true });
    await check(page, "/support/technical (unreachable)");
    expectClean(problems);
    await context.close();
  },
);

await browser.close();
if (failures.length) {
  console.log(`${failures.length} step(s) failed: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("all help steps passed");
