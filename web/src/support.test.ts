import { describe, expect, it } from "vitest";
import { messages } from "./i18n";
import { envOf, fixesFor, recentEnough } from "./support";

const ua = {
  chromeWin:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  edgeWin:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  safariMac:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
  iphone:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  chromeIOS:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
  samsung:
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
  oldSafari:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15",
};

describe("envOf", () => {
  it("names browser, major version and system", () => {
    expect(envOf(ua.chromeWin)).toEqual({ browser: "chrome", version: 131, os: "windows" });
    expect(envOf(ua.edgeWin)).toEqual({ browser: "edge", version: 131, os: "windows" });
    expect(envOf(ua.firefoxLinux)).toEqual({ browser: "firefox", version: 133, os: "linux" });
    expect(envOf(ua.safariMac)).toEqual({ browser: "safari", version: 17, os: "macos" });
    expect(envOf(ua.iphone)).toEqual({ browser: "safari", version: 17, os: "ios" });
    expect(envOf(ua.chromeIOS)).toEqual({ browser: "chrome", version: 120, os: "ios" });
    expect(envOf(ua.samsung)).toEqual({ browser: "samsung", version: 25, os: "android" });
    expect(envOf("curl/8.0")).toEqual({ browser: "other", version: 0, os: "other" });
  });
  it("tells an iPad asking for the desktop site from a Mac by its touch points", () => {
    expect(envOf(ua.safariMac, 5).os).toBe("ios");
    expect(envOf(ua.safariMac, 0).os).toBe("macos");
  });
});

describe("recentEnough", () => {
  it("holds each browser to its minimum", () => {
    expect(recentEnough(envOf(ua.chromeWin))).toBe(true);
    expect(recentEnough(envOf(ua.oldSafari))).toBe(false);
    expect(recentEnough(envOf("curl/8.0"))).toBe(false);
  });
});

describe("fixesFor", () => {
  it("gives the browser's and the system's permission settings for a refusal", () => {
    expect(fixesFor("denied", envOf(ua.chromeWin))).toEqual([
      "supFix_denied_chromium",
      "supFix_denied_windows",
      "supFix_reload",
    ]);
    expect(fixesFor("denied", envOf(ua.safariMac))).toEqual([
      "supFix_denied_safari",
      "supFix_denied_macos",
      "supFix_reload",
    ]);
    expect(fixesFor("denied", envOf(ua.chromeIOS))).toEqual([
      "supFix_denied_ios",
      "supFix_denied_ios_app",
      "supFix_reload",
    ]);
    expect(fixesFor("denied", envOf(ua.firefoxLinux))[0]).toBe("supFix_denied_firefox");
  });
  it("tells to close other apps for a busy camera, and iOS its own speaker advice", () => {
    expect(fixesFor("busy", envOf(ua.edgeWin))).toEqual([
      "supFix_busy_close",
      "supFix_busy_windows",
      "supFix_retry",
    ]);
    expect(fixesFor("speaker", envOf(ua.iphone))).toEqual(["supFix_speaker_ios"]);
  });
  it("gives the network, proxy, firewall and browser fixes for a connection that failed", () => {
    expect(fixesFor("connection", envOf(ua.chromeWin))).toEqual([
      "supFix_conn_firewall",
      "supFix_conn_proxy_windows",
      "supFix_conn_vpn",
      "supFix_conn_extensions",
      "supFix_conn_windows_firewall",
    ]);
    expect(fixesFor("connection", envOf(ua.firefoxLinux))).toEqual([
      "supFix_conn_firewall",
      "supFix_conn_proxy",
      "supFix_conn_vpn",
      "supFix_conn_firefox",
      "supFix_conn_extensions",
    ]);
    expect(fixesFor("connection", envOf(ua.safariMac))).toEqual([
      "supFix_conn_firewall",
      "supFix_conn_proxy_macos",
      "supFix_conn_vpn",
      "supFix_conn_macos_firewall",
    ]);
    expect(fixesFor("connection", envOf(ua.iphone))).toEqual([
      "supFix_conn_firewall",
      "supFix_conn_proxy_ios",
      "supFix_conn_vpn",
      "supFix_conn_mobile",
    ]);
    expect(fixesFor("slow", envOf(ua.samsung))).toEqual([
      "supFix_conn_network",
      "supFix_conn_vpn",
      "supFix_conn_mobile",
    ]);
    expect(fixesFor("nomedia", envOf(ua.edgeWin))).toEqual([
      "supFix_conn_nomedia",
      "supFix_conn_firewall",
      "supFix_conn_extensions",
    ]);
  });
  it("names only fixes that have a text in both languages", () => {
    const troubles = [
      "denied",
      "busy",
      "missing",
      "old",
      "insecure",
      "connection",
      "slow",
      "nomedia",
      "speaker",
    ] as const;
    for (const u of Object.values(ua))
      for (const tr of troubles)
        for (const k of fixesFor(tr, envOf(u))) {
          expect(messages.nl[k], k).toBeTruthy();
          expect(messages.en[k], k).toBeTruthy();
        }
  });
});
