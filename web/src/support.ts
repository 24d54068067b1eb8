/**
 * The technical support page's judgement: which browser and system the
 * visitor uses (from the user agent), whether that browser is recent enough
 * for our video calls, and which fixes fit a failed check on it.
 */
import type { DeviceFailure } from "./video/devices";

export type BrowserName = "chrome" | "edge" | "firefox" | "safari" | "samsung" | "opera" | "other";
export type OSName = "ios" | "android" | "windows" | "macos" | "linux" | "other";

/** The visitor's browser and system. */
export interface Env {
  browser: BrowserName;
  /** major version; 0 when unknown */
  version: number;
  os: OSName;
}

/** The oldest major version of each browser our video calls are tested with. */
export const minVersion: Record<Exclude<BrowserName, "other">, number> = {
  chrome: 100,
  edge: 100,
  firefox: 100,
  safari: 15,
  samsung: 18,
  opera: 86,
};

function major(ua: string, re: RegExp): number {
  const m = re.exec(ua);
  return m ? Number.parseInt(m[1] ?? "0", 10) || 0 : 0;
}

/**
 * envOf reads a user agent. An iPad that asks for the desktop site says
 * "Macintosh"; touch points tell it apart. On iOS every browser is Safari's
 * engine, so the version that counts is iOS's own.
 */
export function envOf(ua: string, maxTouchPoints = 0): Env {
  let os: OSName = "other";
  if (/iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && maxTouchPoints > 1)) os = "ios";
  else if (/Android/.test(ua)) os = "android";
  else if (/Windows/.test(ua)) os = "windows";
  else if (/Macintosh|Mac OS X/.test(ua)) os = "macos";
  else if (/Linux|X11|CrOS/.test(ua)) os = "linux";

  if (os === "ios") {
    const browser: BrowserName = /CriOS/.test(ua)
      ? "chrome"
      : /FxiOS/.test(ua)
        ? "firefox"
        : /EdgiOS/.test(ua)
          ? "edge"
          : "safari";
    const v = major(ua, /OS (\d+)_/) || major(ua, /Version\/(\d+)/);
    return { browser, version: browser === "safari" ? v : major(ua, /(?:CriOS|FxiOS|EdgiOS)\/(\d+)/), os };
  }
  const rules: [BrowserName, RegExp][] = [
    ["edge", /Edg(?:e|A)?\/(\d+)/],
    ["opera", /OPR\/(\d+)/],
    ["samsung", /SamsungBrowser\/(\d+)/],
    ["firefox", /Firefox\/(\d+)/],
    ["chrome", /(?:Chrome|Chromium)\/(\d+)/],
    ["safari", /Version\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//],
  ];
  for (const [browser, re] of rules) {
    const v = major(ua, re);
    if (v) return { browser, version: v, os };
  }
  return { browser: "other", version: 0, os };
}

/** recentEnough: a known browser at or above its minimum version. */
export function recentEnough(env: Env): boolean {
  if (env.browser === "other") return false;
  return env.version >= minVersion[env.browser];
}

/**
 * Which kind of trouble a fix is for. Of the connection check: "connection"
 * no connection to the video service, "slow" a poor round trip or loss,
 * "nomedia" connected but the media did not come back.
 */
export type Trouble = DeviceFailure | "old" | "insecure" | "connection" | "slow" | "nomedia" | "speaker";

/** proxyFix is where this system keeps its proxy setting. */
function proxyFix(env: Env): string {
  switch (env.os) {
    case "windows":
    case "macos":
    case "ios":
    case "android":
      return `supFix_conn_proxy_${env.os}`;
    default:
      return "supFix_conn_proxy";
  }
}

/** A phone or tablet, where mobile data is the other network at hand. */
function mobile(env: Env): boolean {
  return env.os === "ios" || env.os === "android";
}

/** extensionsFix applies where a browser takes extensions that can block WebRTC (desktop, not Safari). */
function extensionsFix(env: Env): boolean {
  return !mobile(env) && env.browser !== "safari";
}

/**
 * fixesFor lists the i18n keys of the fixes for a trouble on this browser
 * and system, the most specific first: the browser's own permission
 * setting, then the system's, then the general advice.
 */
export function fixesFor(trouble: Trouble, env: Env): string[] {
  const out: string[] = [];
  const b = env.browser;
  switch (trouble) {
    case "denied":
      if (env.os === "ios") {
        out.push("supFix_denied_ios");
        if (b !== "safari") out.push("supFix_denied_ios_app");
      } else if (env.os === "android") {
        out.push(b === "firefox" ? "supFix_denied_firefox" : "supFix_denied_android");
        out.push("supFix_denied_android_system");
      } else {
        if (b === "firefox") out.push("supFix_denied_firefox");
        else if (b === "safari") out.push("supFix_denied_safari");
        else out.push("supFix_denied_chromium");
        if (env.os === "macos") out.push("supFix_denied_macos");
        if (env.os === "windows") out.push("supFix_denied_windows");
      }
      out.push("supFix_reload");
      break;
    case "busy":
      out.push("supFix_busy_close");
      if (env.os === "windows") out.push("supFix_busy_windows");
      if (env.os === "ios" || env.os === "android") out.push("supFix_busy_phone");
      out.push("supFix_retry");
      break;
    case "missing":
      out.push("supFix_missing_plug");
      if (env.os === "windows" || env.os === "macos" || env.os === "linux") out.push("supFix_missing_laptop");
      out.push("supFix_retry");
      break;
    case "unsupported":
    case "old":
      out.push(env.os === "ios" ? "supFix_old_ios" : "supFix_old");
      break;
    case "insecure":
      out.push("supFix_insecure");
      break;
    case "speaker":
      out.push(
        env.os === "ios" ? "supFix_speaker_ios" : b === "safari" ? "supFix_speaker_safari" : "supFix_speaker",
      );
      break;
    case "connection":
      out.push("supFix_conn_firewall", proxyFix(env), "supFix_conn_vpn");
      if (b === "firefox") out.push("supFix_conn_firefox");
      if (extensionsFix(env)) out.push("supFix_conn_extensions");
      if (env.os === "windows") out.push("supFix_conn_windows_firewall");
      if (env.os === "macos") out.push("supFix_conn_macos_firewall");
      if (mobile(env)) out.push("supFix_conn_mobile");
      break;
    case "slow":
      out.push("supFix_conn_network", "supFix_conn_vpn");
      if (mobile(env)) out.push("supFix_conn_mobile");
      break;
    case "nomedia":
      out.push("supFix_conn_nomedia", "supFix_conn_firewall");
      if (extensionsFix(env)) out.push("supFix_conn_extensions");
      break;
    default:
      out.push("supFix_other");
  }
  return out;
}
