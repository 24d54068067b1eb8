// The one place that turns an API answer into the message a page shows:
// problemKind sorts status and problem type into a kind, problemKeys names
// the text of each kind in the dictionary, and problemMessage picks the
// words. A problem the server wrote in the reader's language (it says so
// with Content-Language) keeps its own detail where no better text exists;
// a detail in another language never reaches the page.

/** ProblemKind is how a page tells an API answer to the reader. */
export type ProblemKind =
  | "offline"
  | "slotTaken"
  | "conflict"
  | "busy"
  | "tooManyUnpaid"
  | "pinLocked"
  | "pinIncorrect"
  | "pinNotSet"
  | "pinRequired"
  | "alreadyVerified"
  | "linkExpired"
  | "notFound"
  | "invalid"
  | "unverified"
  | "forbidden"
  | "login"
  | "tooMany"
  | "unavailable"
  | "generic";

/** slugOf is the last segment of a problem type URI ("pin-locked"). */
export function slugOf(type: string | undefined): string {
  return type ? type.slice(type.lastIndexOf("/") + 1) : "";
}

/**
 * problemKind sorts an API answer (status and problem type) into a message
 * to show; status 0 means no answer (offline). A 409 to a booking of a slot
 * means the slot was taken meanwhile; any other plain 409 that the state
 * moved on since the page was loaded.
 */
export function problemKind(status: number, type?: string, slotBooking = false): ProblemKind {
  const slug = slugOf(type);
  if (status === 0) return "offline";
  if (slug === "email-unverified") return "unverified";
  if (status === 423) return "pinLocked";
  if (slug === "pin-incorrect") return "pinIncorrect";
  if (slug === "pin-not-set") return "pinNotSet";
  if (slug.startsWith("pin-")) return "pinRequired";
  if (status === 409 && slotBooking && slug === "conflict") return "slotTaken";
  if (slug === "idempotency-key-in-use") return "busy";
  if (slug === "too-many-unpaid") return "tooManyUnpaid";
  if (slug === "email-verified") return "alreadyVerified";
  if (slug === "verify-token-invalid") return "linkExpired";
  if (status === 409) return "conflict";
  if (status === 401) return "login";
  if (status === 403) return "forbidden";
  if (status === 404) return "notFound";
  if (status === 400 || status === 413 || status === 415 || status === 422) return "invalid";
  if (status === 429) return "tooMany";
  if (status === 502 || status === 503 || status === 504) return "unavailable";
  return "generic";
}

/** problemKeys is the dictionary key of each kind's message. */
export const problemKeys: Record<ProblemKind, string> = {
  offline: "offline",
  slotTaken: "pubSlotTaken",
  conflict: "stStateChanged",
  busy: "stBusy",
  tooManyUnpaid: "stTooManyUnpaid",
  pinLocked: "pinLockedOut",
  pinIncorrect: "stPinIncorrect",
  pinNotSet: "stPinNotSet",
  pinRequired: "pinLocked",
  alreadyVerified: "stAlreadyVerified",
  linkExpired: "linkExpired",
  notFound: "notFoundText",
  invalid: "stInvalid",
  unverified: "pubUnverified",
  forbidden: "stForbidden",
  login: "loginToContinue",
  tooMany: "pubTooMany",
  unavailable: "pubUnavailable",
  generic: "errorGeneric",
};

/** The kinds whose own text says less than a detail the server wrote in the reader's language. */
const detailWins: ProblemKind[] = ["conflict", "invalid", "forbidden", "tooMany", "generic"];

/** Failure is a failed API answer as the pages keep it. */
export interface Failure {
  kind: ProblemKind;
  /** detail is the server's explanation, kept only when written in the language detailLang. */
  detail?: string;
  detailLang?: string;
}

/**
 * failureOf sorts a response (or none: offline) into a Failure; the detail
 * is kept with the language the server says it wrote it in.
 */
export function failureOf(
  response: { status: number; headers?: Headers } | undefined,
  problem?: { type?: string; detail?: string },
  slotBooking = false,
): Failure {
  if (!response) return { kind: "offline" };
  const kind = problemKind(response.status, problem?.type, slotBooking);
  const detailLang = response.headers?.get("Content-Language") ?? undefined;
  return detailLang && problem?.detail ? { kind, detail: problem.detail, detailLang } : { kind };
}

/** problemMessage is the text of a failure in lang: the server's own words when they are in lang and say more. */
export function problemMessage(t: (k: string) => string, lang: string, failure: Failure): string {
  if (failure.detail && failure.detailLang === lang && detailWins.includes(failure.kind))
    return failure.detail;
  return t(problemKeys[failure.kind]);
}

/** messageOfAnswer is problemMessage for an answer a page holds as status, body and headers. */
export function messageOfAnswer(
  t: (k: string) => string,
  lang: string,
  response: { status: number; headers?: Headers } | undefined,
  problem?: { type?: string; detail?: string },
): string {
  return problemMessage(t, lang, failureOf(response, problem));
}
