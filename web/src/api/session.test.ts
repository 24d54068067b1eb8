import { describe, expect, it } from "vitest";
import { csrfFromCookies, sessionMiddleware } from "./session";

type OnRequest = (o: { request: Request }) => Request;

function run(cookies: string, access: string, method: string, path: string): Request {
  const mw = sessionMiddleware(
    () => cookies,
    () => access,
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
