// Logic of the public pages and the booking flow, kept apart from React so
// Vitest can check it: the search's URL state, dates and money in the
// reader's language and the doctor's zone, the week calendar, form checks,
// the downscaling maths of photos and the debounced, cancelling search.
import type { components } from "./api/schema";
import type { Lang } from "./i18n";

export type Doctor = components["schemas"]["Doctor"];
export type ConsultationType = components["schemas"]["ConsultationType"];
export type Slot = { start: string; end: string };

export const consultationTypes: ConsultationType[] = ["email_advice", "video", "walk_in", "in_person"];
export const sorts = ["relevance", "price", "rating", "soonest"] as const;
export type Sort = (typeof sorts)[number];

/** SearchState is what the doctor search shows; it lives in the URL. */
export interface SearchState {
  q: string;
  type: ConsultationType | "";
  city: string;
  language: string;
  minRating: number;
  /** whole euros; 0 = any */
  maxPrice: number;
  sort: Sort;
  page: number;
}

export const emptySearch: SearchState = {
  q: "",
  type: "",
  city: "",
  language: "",
  minRating: 0,
  maxPrice: 0,
  sort: "relevance",
  page: 1,
};

export const perPage = 10;

function wholeNumber(v: string | null, min: number, max: number): number {
  if (!v || !/^\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= min && n <= max ? n : 0;
}

/** parseSearch reads the search from a query string; anything odd falls back to the default. */
export function parseSearch(search: string | URLSearchParams): SearchState {
  const p = typeof search === "string" ? new URLSearchParams(search) : search;
  const type = p.get("type") ?? "";
  const sort = p.get("sort") ?? "";
  return {
    q: (p.get("q") ?? "").slice(0, 200),
    type: (consultationTypes as string[]).includes(type) ? (type as ConsultationType) : "",
    city: (p.get("city") ?? "").slice(0, 100),
    language: /^[a-z]{2}$/.test(p.get("language") ?? "") ? (p.get("language") as string) : "",
    minRating: wholeNumber(p.get("min_rating"), 1, 5),
    maxPrice: wholeNumber(p.get("max_price"), 1, 1000),
    sort: (sorts as readonly string[]).includes(sort) ? (sort as Sort) : "relevance",
    page: wholeNumber(p.get("page"), 1, 10000) || 1,
  };
}

/** searchQuery is the URL query of a search, leaving defaults out ("" for none). */
export function searchQuery(s: SearchState): string {
  const p = new URLSearchParams();
  if (s.q.trim()) p.set("q", s.q.trim());
  if (s.type) p.set("type", s.type);
  if (s.city) p.set("city", s.city);
  if (s.language) p.set("language", s.language);
  if (s.minRating) p.set("min_rating", String(s.minRating));
  if (s.maxPrice) p.set("max_price", String(s.maxPrice));
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (s.page > 1) p.set("page", String(s.page));
  const q = p.toString();
  return q ? `?${q}` : "";
}

/** apiSearch is the query of GET /v1/doctors for a search (prices in cents, with facets). */
export function apiSearch(s: SearchState) {
  return {
    q: s.q.trim() || undefined,
    type: s.type || undefined,
    city: s.city || undefined,
    language: s.language || undefined,
    min_rating: s.minRating || undefined,
    max_price: s.maxPrice ? s.maxPrice * 100 : undefined,
    sort: s.sort === "relevance" ? undefined : s.sort,
    page: s.page,
    per_page: perPage,
    facets: true,
  };
}

/** withFilter changes one filter and goes back to the first page. */
export function withFilter<K extends keyof SearchState>(
  s: SearchState,
  key: K,
  value: SearchState[K],
): SearchState {
  return { ...s, [key]: value, page: key === "page" ? (value as number) : 1 };
}

/** pageCount is the number of result pages (at least 1). */
export function pageCount(total: number, size = perPage): number {
  return Math.max(1, Math.ceil(total / size));
}

function locale(lang: Lang): string {
  return lang === "en" ? "en-GB" : "nl-NL";
}

/** formatPrice prints cents in the reader's language, without cents when whole ("€ 45" / "€45"). */
export function formatPrice(cents: number, lang: Lang, currency = "EUR"): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(locale(lang), {
    style: "currency",
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(cents / 100);
}

/** formatTime is the clock time of an instant in a zone ("14:30"). */
export function formatTime(iso: string, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(lang), {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(iso));
}

/** formatDay is a day in a zone, short ("di 3 mrt" / "Tue 3 Mar"). */
export function formatDay(iso: string, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(lang), {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone,
  }).format(new Date(iso));
}

/** formatSlot is a slot's day and time in the doctor's zone, with the zone named. */
export function formatSlot(iso: string, lang: Lang, timeZone: string): string {
  const when = new Intl.DateTimeFormat(locale(lang), {
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(iso));
  return `${when} (${zoneName(iso, lang, timeZone)})`;
}

/** zoneName is the short name of a zone at an instant ("CET", "CEST"; "GMT+1" where there is none). */
export function zoneName(iso: string, lang: Lang, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nl-NL", {
    timeZone,
    timeZoneName: "short",
  }).formatToParts(new Date(iso));
  return parts.find((p) => p.type === "timeZoneName")?.value ?? timeZone;
}

/** zoneCity is the city of an IANA zone, for labels ("Europe/Amsterdam" → "Amsterdam"). */
export function zoneCity(timeZone: string): string {
  return (timeZone.split("/").pop() ?? timeZone).replaceAll("_", " ");
}

/** dayKey is the calendar day (YYYY-MM-DD) of an instant in a zone. */
export function dayKey(iso: string | Date, timeZone: string): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  const parts = new Intl.DateTimeFormat("en-CA", {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    timeZone,
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** addDays moves a YYYY-MM-DD day by n days (calendar arithmetic, no zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** notBefore is day, or limit when day is earlier (YYYY-MM-DD days). */
export function notBefore(day: string, limit: string): string {
  return day.localeCompare(limit) < 0 ? limit : day;
}

/** weekDays are the seven days starting at a day. */
export function weekDays(first: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(first, i));
}

/**
 * zoneMidnight is the instant a day starts in a zone (DST-correct: the
 * zone's offset is read at that day, not now).
 */
export function zoneMidnight(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  for (let i = 0; i < 2; i++) {
    const shown = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    }).formatToParts(guess);
    const g = (t: string) => Number(shown.find((p) => p.type === t)?.value);
    const asUTC = Date.UTC(g("year"), g("month") - 1, g("day"), g("hour"), g("minute"));
    const want = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
    guess.setTime(guess.getTime() - (asUTC - want));
  }
  return guess;
}

/** slotsByDay groups slots by their day in the doctor's zone, for the given days (every day present). */
export function slotsByDay(slots: Slot[], days: string[], timeZone: string): Map<string, Slot[]> {
  const out = new Map<string, Slot[]>(days.map((d) => [d, []]));
  for (const s of slots) out.get(dayKey(s.start, timeZone))?.push(s);
  return out;
}

/** feeOf is a doctor's fee for a type, if the doctor offers it. */
export function feeOf(d: Pick<Doctor, "fees">, type: ConsultationType) {
  return d.fees.find((f) => f.type === type);
}

/** cheapest is a doctor's lowest fee. */
export function cheapest(d: Pick<Doctor, "fees">): number | undefined {
  return d.fees.length ? Math.min(...d.fees.map((f) => f.amount_cents)) : undefined;
}

/** initials of a name, for the avatar when there is no photo ("Dr. Anna de Vries" → "AV"). */
export function initials(name: string): string {
  const words = name
    .replace(/^(dr|drs|prof)\.?\s+/i, "")
    .split(/\s+/)
    .filter((w) => w && w[0] === w[0]?.toUpperCase());
  const first = words[0]?.[0] ?? "?";
  const last = words.length > 1 ? (words[words.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}

/** sameOrigin says whether a photo URL may load under the CSP (img-src 'self' blob: data:). */
export function sameOrigin(url: string, origin: string): boolean {
  if (!url) return false;
  if (url.startsWith("/") && !url.startsWith("//")) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** needsAccount is true where the type may not be booked as a guest. */
export function needsAccount(type: ConsultationType): boolean {
  return type === "video" || type === "in_person";
}

/** hasSlots is true for the types booked at a time slot. */
export function hasSlots(type: ConsultationType): type is "video" | "in_person" {
  return type === "video" || type === "in_person";
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** BookingChoice is what the booking page collected before it books. */
export interface BookingChoice {
  type: ConsultationType | "";
  slot: string;
  form: "short" | "detailed" | "";
  guestEmail: string;
  loggedIn: boolean;
}

/** bookingErrors names what is missing or wrong before the booking can be sent. */
export function bookingErrors(b: BookingChoice): Record<string, "required" | "invalid" | "account"> {
  const e: Record<string, "required" | "invalid" | "account"> = {};
  if (!b.type) {
    e.type = "required";
    return e;
  }
  if (hasSlots(b.type) && !b.slot) e.slot = "required";
  if (b.type === "email_advice" && !b.form) e.form = "required";
  if (needsAccount(b.type) && !b.loggedIn) e.account = "account";
  if (!b.loggedIn && !needsAccount(b.type)) {
    const email = b.guestEmail.trim();
    if (!email) e.guestEmail = "required";
    else if (email.length > 254 || !emailPattern.test(email)) e.guestEmail = "invalid";
  }
  return e;
}

/** bookingBody is the body of POST /v1/consultations for a complete choice. */
export function bookingBody(b: BookingChoice, doctorId: string, lang: Lang) {
  const type = b.type as ConsultationType;
  return {
    type,
    doctor_id: doctorId,
    language: lang,
    ...(hasSlots(type) ? { slot_start: b.slot } : {}),
    ...(type === "email_advice" ? { form: b.form as "short" | "detailed" } : {}),
    ...(!b.loggedIn ? { guest_email: b.guestEmail.trim() } : {}),
  };
}

/** The largest side and size a photo is sent with; larger ones are downscaled first. */
export const photoMaxSide = 2048;
export const photoMaxBytes = 2 * 1024 * 1024;

/**
 * fitWithin is the size a width×height image gets when its longer side is
 * brought down to max (aspect kept, whole pixels, never enlarged).
 */
export function fitWithin(
  width: number,
  height: number,
  max = photoMaxSide,
): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= max || long === 0) return { width, height };
  const scale = max / long;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** needsDownscale says whether a photo is re-encoded in the browser before upload. */
export function needsDownscale(width: number, height: number, bytes: number, type: string): boolean {
  if (type !== "image/jpeg" && type !== "image/png") return true;
  return Math.max(width, height) > photoMaxSide || bytes > photoMaxBytes;
}

/** percent is the upload progress for a progress bar (0–100, whole). */
export function percent(loaded: number, total: number): number {
  if (!total || total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round((loaded / total) * 100)));
}

export { type ProblemKind, problemKind } from "./problems";

/**
 * latestOnly wraps a request so only the newest call counts: starting a
 * call aborts the one before (its signal fires) and the caller learns
 * whether its answer is still wanted.
 */
export function latestOnly() {
  let current: AbortController | undefined;
  return {
    start(): AbortSignal {
      current?.abort();
      current = new AbortController();
      return current.signal;
    },
    cancel(): void {
      current?.abort();
      current = undefined;
    },
  };
}

/** searchDelay is how long the search waits after the last key stroke. */
export const searchDelay = 60;

/** debounce calls fn once, wait ms after the last call. */
export function debounce<A extends unknown[]>(fn: (...a: A) => void, wait: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = (...a: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...a);
    }, wait);
  };
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}

/** letterOf is the A–Z index letter of a name ("#" for anything else; accents ignored). */
export function letterOf(name: string): string {
  const c = name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .charAt(0)
    .toUpperCase();
  return c >= "A" && c <= "Z" ? c : "#";
}

/** alphabet is the A–Z bar (with "#" last). */
export const alphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"];

/** WizardAnswers are the answers so far: question id → answer ids. */
export type WizardAnswers = Record<string, string[]>;

/** toggleAnswer picks an answer of a multi-choice question (exclusive answers stand alone). */
export function toggleAnswer(
  current: string[],
  id: string,
  exclusive: boolean,
  exclusives: string[],
): string[] {
  if (current.includes(id)) return current.filter((a) => a !== id);
  if (exclusive) return [id];
  return [...current.filter((a) => !exclusives.includes(a)), id];
}

/** newIdempotencyKey is a random key that makes a booking safe to retry. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** fill puts values into a text's {placeholders}. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
