import type { Middleware } from "openapi-fetch";

const unsafe = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** csrfFromCookies reads the CSRF cookie the API set at login. */
export function csrfFromCookies(cookies: string): string {
  for (const part of cookies.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === "__Host-derma_csrf" || k === "derma_csrf") return v.join("=");
  }
  return "";
}

let guestAccess = "";

/** setGuestAccess remembers (in memory only) the signed token of a guest link. */
export function setGuestAccess(token: string): void {
  guestAccess = token;
}

export function getGuestAccess(): string {
  return guestAccess;
}

let requestLanguage = "nl";

/**
 * setRequestLanguage remembers the language the reader chose in the client
 * (nl or en), which every API call then asks for with Accept-Language, so
 * that problems come back in it whatever the browser's own language is.
 */
export function setRequestLanguage(lang: string): void {
  requestLanguage = lang === "en" ? "en" : "nl";
}

export function getRequestLanguage(): string {
  return requestLanguage;
}

/**
 * sessionMiddleware makes every call a cookie-session call: login and
 * register ask for the cookie, unsafe methods carry the CSRF header, and a
 * guest's access token travels as X-Access-Token. The token is never kept
 * in script-readable storage. Every call asks for the reader's chosen
 * language (readLang) with Accept-Language.
 */
export function sessionMiddleware(
  readCookies: () => string,
  readAccess: () => string,
  readLang: () => string = getRequestLanguage,
): Middleware {
  return {
    onRequest({ request }) {
      const url = new URL(request.url);
      request.headers.set("Accept-Language", readLang());
      if (url.pathname === "/v1/auth/login" || url.pathname === "/v1/auth/register") {
        request.headers.set("X-Derma-Session", "cookie");
      }
      if (unsafe.has(request.method)) {
        const csrf = csrfFromCookies(readCookies());
        if (csrf) request.headers.set("X-CSRF-Token", csrf);
      }
      const access = readAccess();
      if (access && url.pathname.startsWith("/v1/consultations/")) {
        request.headers.set("X-Access-Token", access);
      }
      return request;
    },
  };
}
