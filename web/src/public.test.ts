import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  apiSearch,
  bookingBody,
  bookingErrors,
  dayKey,
  debounce,
  emptySearch,
  fill,
  fitWithin,
  formatPrice,
  formatSlot,
  formatTime,
  initials,
  latestOnly,
  letterOf,
  needsDownscale,
  pageCount,
  parseSearch,
  percent,
  problemKind,
  sameOrigin,
  searchQuery,
  slotsByDay,
  toggleAnswer,
  weekDays,
  withFilter,
  zoneMidnight,
  zoneName,
} from "./public";

describe("search URL state", () => {
  it("round-trips every filter through the query string", () => {
    const s = {
      ...emptySearch,
      q: "eczeem",
      type: "video" as const,
      city: "Utrecht",
      language: "en",
      minRating: 4,
      maxPrice: 60,
      sort: "price" as const,
      page: 3,
    };
    const q = searchQuery(s);
    expect(q).toBe(
      "?q=eczeem&type=video&city=Utrecht&language=en&min_rating=4&max_price=60&sort=price&page=3",
    );
    expect(parseSearch(q)).toEqual(s);
  });
  it("leaves defaults out and ignores odd values", () => {
    expect(searchQuery(emptySearch)).toBe("");
    expect(
      parseSearch("?type=surgery&sort=random&page=-2&min_rating=9&max_price=abc&language=english"),
    ).toEqual(emptySearch);
  });
  it("goes back to page 1 when a filter changes, not when the page does", () => {
    const s = { ...emptySearch, page: 4 };
    expect(withFilter(s, "city", "Delft").page).toBe(1);
    expect(withFilter(s, "page", 5).page).toBe(5);
  });
  it("asks the API in cents, with facets, without defaults", () => {
    const q = apiSearch({ ...emptySearch, q: "  acne ", maxPrice: 45 });
    expect(q).toMatchObject({ q: "acne", max_price: 4500, facets: true, page: 1, per_page: 10 });
    expect(q.sort).toBeUndefined();
    expect(q.type).toBeUndefined();
  });
  it("counts pages", () => {
    expect(pageCount(0)).toBe(1);
    expect(pageCount(10)).toBe(1);
    expect(pageCount(11)).toBe(2);
  });
});

describe("money and time in the reader's language and the doctor's zone", () => {
  it("prints prices without cents when whole", () => {
    expect(formatPrice(4500, "en")).toBe("€45");
    expect(formatPrice(4550, "en")).toBe("€45.50");
    expect(formatPrice(4500, "nl").replace(/\s/g, " ")).toBe("€ 45");
    expect(formatPrice(4550, "nl").replace(/\s/g, " ")).toBe("€ 45,50");
  });
  it("prints slot times in the doctor's zone, across daylight saving", () => {
    // 13:30 UTC is 14:30 in Amsterdam in winter, 15:30 in summer.
    expect(formatTime("2026-03-03T13:30:00Z", "nl", "Europe/Amsterdam")).toBe("14:30");
    expect(formatTime("2026-07-07T13:30:00Z", "en", "Europe/Amsterdam")).toBe("15:30");
    expect(formatTime("2026-07-07T13:30:00Z", "en", "Europe/London")).toBe("14:30");
    expect(formatSlot("2026-07-07T13:30:00Z", "en", "Europe/Amsterdam")).toBe(
      "Tuesday 7 July at 15:30 (CEST)",
    );
    expect(formatSlot("2026-03-03T13:30:00Z", "nl", "Europe/Amsterdam")).toBe(
      "dinsdag 3 maart om 14:30 (CET)",
    );
  });
  it("names the zone as it is at that instant", () => {
    expect(zoneName("2026-01-10T12:00:00Z", "en", "Europe/Amsterdam")).toBe("CET");
    expect(zoneName("2026-06-10T12:00:00Z", "en", "Europe/Amsterdam")).toBe("CEST");
  });
  it("finds the day of an instant in the zone, not in UTC", () => {
    // 23:30 UTC on 3 March is already 4 March in Amsterdam.
    expect(dayKey("2026-03-03T23:30:00Z", "Europe/Amsterdam")).toBe("2026-03-04");
    expect(dayKey("2026-03-03T23:30:00Z", "UTC")).toBe("2026-03-03");
  });
  it("finds midnight in the zone on both sides of the clock change", () => {
    expect(zoneMidnight("2026-03-28", "Europe/Amsterdam").toISOString()).toBe("2026-03-27T23:00:00.000Z");
    expect(zoneMidnight("2026-03-30", "Europe/Amsterdam").toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(zoneMidnight("2026-10-26", "Europe/Amsterdam").toISOString()).toBe("2026-10-25T23:00:00.000Z");
  });
  it("lays a week of slots out by the doctor's day", () => {
    const days = weekDays("2026-03-27");
    expect(days).toEqual([
      "2026-03-27",
      "2026-03-28",
      "2026-03-29",
      "2026-03-30",
      "2026-03-31",
      "2026-04-01",
      "2026-04-02",
    ]);
    const slots = [
      { start: "2026-03-29T22:30:00Z", end: "2026-03-29T22:45:00Z" }, // 00:30 on the 30th (CEST)
      { start: "2026-03-27T12:00:00Z", end: "2026-03-27T12:15:00Z" },
      { start: "2026-04-10T12:00:00Z", end: "2026-04-10T12:15:00Z" }, // outside the week
    ];
    const by = slotsByDay(slots, days, "Europe/Amsterdam");
    expect(by.get("2026-03-30")?.map((s) => s.start)).toEqual(["2026-03-29T22:30:00Z"]);
    expect(by.get("2026-03-27")).toHaveLength(1);
    expect(by.get("2026-03-29")).toEqual([]);
    expect([...by.keys()]).toEqual(days);
  });
});

describe("booking form", () => {
  const base = { type: "" as const, slot: "", form: "" as const, guestEmail: "", loggedIn: false };
  it("asks a type first", () => {
    expect(bookingErrors(base)).toEqual({ type: "required" });
  });
  it("needs a slot and an account for video and in person", () => {
    expect(bookingErrors({ ...base, type: "video" })).toEqual({ slot: "required", account: "account" });
    expect(
      bookingErrors({ ...base, type: "in_person", slot: "2026-03-03T13:30:00Z", loggedIn: true }),
    ).toEqual({});
  });
  it("needs a form and a valid guest email for email advice", () => {
    expect(bookingErrors({ ...base, type: "email_advice" })).toEqual({
      form: "required",
      guestEmail: "required",
    });
    expect(bookingErrors({ ...base, type: "email_advice", form: "short", guestEmail: "eva@" })).toEqual({
      guestEmail: "invalid",
    });
    expect(
      bookingErrors({ ...base, type: "email_advice", form: "short", guestEmail: " eva@example.nl " }),
    ).toEqual({});
    expect(bookingErrors({ ...base, type: "email_advice", form: "short", loggedIn: true })).toEqual({});
  });
  it("sends only what the type takes", () => {
    expect(
      bookingBody(
        { ...base, type: "email_advice", form: "detailed", guestEmail: " eva@example.nl " },
        "d1",
        "en",
      ),
    ).toEqual({
      type: "email_advice",
      doctor_id: "d1",
      language: "en",
      form: "detailed",
      guest_email: "eva@example.nl",
    });
    expect(
      bookingBody(
        { ...base, type: "video", slot: "2026-03-03T13:30:00Z", form: "short", loggedIn: true },
        "d1",
        "nl",
      ),
    ).toEqual({ type: "video", doctor_id: "d1", language: "nl", slot_start: "2026-03-03T13:30:00Z" });
  });
});

describe("photo downscaling", () => {
  it("brings the longer side down to the limit, keeping the aspect", () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 2048, height: 1536 });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1536, height: 2048 });
    expect(fitWithin(5000, 10, 2048)).toEqual({ width: 2048, height: 4 });
    expect(fitWithin(100000, 1, 2048)).toEqual({ width: 2048, height: 1 });
  });
  it("never enlarges", () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(2048, 100)).toEqual({ width: 2048, height: 100 });
  });
  it("re-encodes large, heavy or foreign photos only", () => {
    expect(needsDownscale(800, 600, 200_000, "image/jpeg")).toBe(false);
    expect(needsDownscale(4032, 3024, 200_000, "image/jpeg")).toBe(true);
    expect(needsDownscale(800, 600, 3_000_000, "image/png")).toBe(true);
    expect(needsDownscale(800, 600, 200_000, "image/heic")).toBe(true);
  });
  it("reports progress as a whole percentage", () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(512, 1024)).toBe(50);
    expect(percent(2000, 1000)).toBe(100);
  });
});

describe("answers of the API", () => {
  it("tells a taken slot from other conflicts", () => {
    expect(problemKind(409, "https://derma2go.nl/problems/conflict", true)).toBe("slotTaken");
    expect(problemKind(409, "https://derma2go.nl/problems/conflict")).toBe("conflict");
    expect(problemKind(0)).toBe("offline");
    expect(problemKind(403, "https://derma2go.nl/problems/email-unverified")).toBe("unverified");
    expect(problemKind(404)).toBe("notFound");
    expect(problemKind(422)).toBe("invalid");
    expect(problemKind(429)).toBe("tooMany");
    expect(problemKind(503)).toBe("unavailable");
    expect(problemKind(500)).toBe("generic");
  });
});

describe("search requests", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  it("waits for typing to stop, then searches once", () => {
    const seen: string[] = [];
    const later = debounce((q: string) => seen.push(q), 120);
    later("e");
    vi.advanceTimersByTime(50);
    later("ec");
    vi.advanceTimersByTime(50);
    later("ecz");
    vi.advanceTimersByTime(119);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(["ecz"]);
    later("x");
    later.cancel();
    vi.advanceTimersByTime(500);
    expect(seen).toEqual(["ecz"]);
  });
  it("aborts the request in flight when a new one starts", () => {
    const latest = latestOnly();
    const first = latest.start();
    const second = latest.start();
    expect(first.aborted).toBe(true);
    expect(second.aborted).toBe(false);
    latest.cancel();
    expect(second.aborted).toBe(true);
  });
});

describe("small helpers", () => {
  it("fills placeholders", () => {
    expect(fill("{n} van {total}", { n: 2, total: 7 })).toBe("2 van 7");
    expect(fill("{missing}", {})).toBe("{missing}");
  });
  it("makes initials without titles", () => {
    expect(initials("Dr. Anna de Vries")).toBe("AV");
    expect(initials("Mehmet Yılmaz")).toBe("MY");
  });
  it("loads only photos the CSP allows", () => {
    expect(sameOrigin("/media/a.jpg", "https://derma2go.nl")).toBe(true);
    expect(sameOrigin("https://derma2go.nl/a.jpg", "https://derma2go.nl")).toBe(true);
    expect(sameOrigin("https://cdn.example/a.jpg", "https://derma2go.nl")).toBe(false);
    expect(sameOrigin("//cdn.example/a.jpg", "https://derma2go.nl")).toBe(false);
    expect(sameOrigin("", "https://derma2go.nl")).toBe(false);
  });
  it("indexes names by their first letter, accents ignored", () => {
    expect(letterOf("Eczeem")).toBe("E");
    expect(letterOf("Écht")).toBe("E");
    expect(letterOf("3-dagenkoorts")).toBe("#");
  });
  it("lets exclusive answers stand alone", () => {
    expect(toggleAnswer(["itch"], "pain", false, ["none"])).toEqual(["itch", "pain"]);
    expect(toggleAnswer(["itch", "pain"], "none", true, ["none"])).toEqual(["none"]);
    expect(toggleAnswer(["none"], "itch", false, ["none"])).toEqual(["itch"]);
    expect(toggleAnswer(["itch"], "itch", false, ["none"])).toEqual([]);
  });
});
