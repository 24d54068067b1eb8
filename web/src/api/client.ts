import createClient from "openapi-fetch";
import type { components, paths } from "./schema";
import { getGuestAccess, getRequestLanguage, sessionMiddleware } from "./session";

export type Consultation = components["schemas"]["Consultation"];
export type DoctorConsultation = components["schemas"]["DoctorConsultation"];
export type User = components["schemas"]["User"];
export type Problem = components["schemas"]["Problem"];

export {
  csrfFromCookies,
  getRequestLanguage,
  sessionMiddleware,
  setGuestAccess,
  setRequestLanguage,
} from "./session";

export const api = createClient<paths>({ baseUrl: location.origin, credentials: "same-origin" });
api.use(
  sessionMiddleware(
    () => document.cookie,
    () => getGuestAccess(),
    () => getRequestLanguage(),
  ),
);

/** problemOf turns an error body into a Problem, whatever came back. */
export function problemOf(error: unknown, status: number): Problem {
  if (error && typeof error === "object" && "title" in error) return error as Problem;
  return { type: "about:blank", title: "Error", status } as Problem;
}
