import { describe, expect, it } from "vitest";
import { csrfFromCookies, getRequestLanguage, sessionMiddleware, setRequestLanguage } from "./session";

type OnRequest = (o: { request: Request }) => Request;

function run(cookies: string, access: string, method: string, path: string, lang = "nl"): Request {
  const mw = sessionMiddleware(
    () => cookies,
    () => access,
    () => lang,
  );
  const onRequest = mw.onRequest as unknown as OnRequest;
  return onRequest({ request: new Request(`http://127.0.0.1${path}`, { method }) });
}

describe("csrfFromCookies", () => {
  it("reads either cookie name", () => {
    expect(csrfFromCookies("a=1; derma_csrf=abc")).toBe("abc");
    expect(csrfFromCookies("__Host-derma_csrf=xyz; b=2")).toBe("xyz");
    expect(csrfFromCookies("other=1")).toBe("");
  });
});

describe("sessionMiddleware", () => {
  it("asks for a cookie session at login and register", () => {
    expect(run("", "", "POST", "/v1/auth/login").headers.get("X-Derma-Session")).toBe("cookie");
    expect(run("", "", "POST", "/v1/auth/register").headers.get("X-Derma-Session")).toBe("cookie");
    expect(run("", "", "GET", "/v1/me").headers.get("X-Derma-Session")).toBeNull();
  });
  it("sends the CSRF header on unsafe methods only", () => {
    expect(run("derma_csrf=tok", "", "POST", "/v1/consultations/x/intake").headers.get("X-CSRF-Token")).toBe(
      "tok",
    );
    expect(run("derma_csrf=tok", "", "DELETE", "/v1/me/favourites/x").headers.get("X-CSRF-Token")).toBe(
      "tok",
    );
    expect(run("derma_csrf=tok", "", "GET", "/v1/me").headers.get("X-CSRF-Token")).toBeNull();
  });
  it("sends a guest's access token to consultation routes only", () => {
    expect(run("", "signed", "GET", "/v1/consultations/x").headers.get("X-Access-Token")).toBe("signed");
    expect(run("", "signed", "GET", "/v1/doctors").headers.get("X-Access-Token")).toBeNull();
  });
});

describe("Accept-Language", () => {
  it("asks every call for the reader's chosen language", () => {
    expect(run("", "", "GET", "/v1/doctors").headers.get("Accept-Language")).toBe("nl");
    expect(run("", "", "POST", "/v1/auth/login", "en").headers.get("Accept-Language")).toBe("en");
    expect(
      run("derma_csrf=t", "", "DELETE", "/v1/me/favourites/x", "en").headers.get("Accept-Language"),
    ).toBe("en");
  });
  it("replaces the browser's own language", () => {
    const mw = sessionMiddleware(
      () => "",
      () => "",
      () => "nl",
    );
    const onRequest = mw.onRequest as unknown as OnRequest;
    const req = new Request("http://127.0.0.1/v1/me", { headers: { "Accept-Language": "en-US,en;q=0.9" } });
    expect(onRequest({ request: req }).headers.get("Accept-Language")).toBe("nl");
  });
  it("keeps only nl or en, Dutch by default", () => {
    setRequestLanguage("en");
    expect(getRequestLanguage()).toBe("en");
    setRequestLanguage("fr");
    expect(getRequestLanguage()).toBe("nl");
  });
});
