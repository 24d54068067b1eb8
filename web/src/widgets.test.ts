import { describe, expect, it } from "vitest";
import {
  bookingHref,
  iframeSnippet,
  loaderSnippet,
  originsFromText,
  parentOrigin,
  walkInHref,
  widgetPath,
} from "./widgets";

const id = "0b6f7a3e-5d0c-4d55-9b1e-3a2f7c1d9e10";

describe("widgets", () => {
  it("builds the snippets with the widget's own origin", () => {
    expect(widgetPath(id, "walk-in")).toBe(`/widgets/${id}/walk-in`);
    const frame = iframeSnippet("https://derma2go.nl", id, "booking", "en", 'Book "Dr. A" <now>');
    expect(frame).toContain(`src="https://derma2go.nl/widgets/${id}/booking?lang=en"`);
    expect(frame).toContain('title="Book &quot;Dr. A&quot; &lt;now&gt;"');
    expect(loaderSnippet("https://derma2go.nl", id, "walk-in")).toBe(
      `<script src="https://derma2go.nl/widgets/loader.js" data-doctor="${id}" data-widget="walk-in" async></script>`,
    );
  });
  it("tells its height only to an origin, and only when framed", () => {
    expect(parentOrigin("https://praktijk.example.nl", true)).toBe("https://praktijk.example.nl");
    expect(parentOrigin("http://127.0.0.1:8123", true)).toBe("http://127.0.0.1:8123");
    expect(parentOrigin("https://praktijk.example.nl", false)).toBeUndefined();
    expect(parentOrigin("https://praktijk.example.nl/page", true)).toBeUndefined();
    expect(parentOrigin("*", true)).toBeUndefined();
    expect(parentOrigin("javascript:alert(1)", true)).toBeUndefined();
    expect(parentOrigin(null, true)).toBeUndefined();
  });
  it("continues on the booking page with the choice", () => {
    expect(bookingHref(id, "video", "en", "2026-12-03T09:00:00Z")).toBe(
      `/book/${id}?type=video&slot=2026-12-03T09%3A00%3A00Z&lang=en`,
    );
    expect(bookingHref(id, "email_advice", "nl")).toBe(`/book/${id}?type=email_advice&lang=nl`);
    expect(walkInHref(id, "nl")).toBe(`/doctors/${id}/walk-in?lang=nl`);
  });
  it("reads one origin a line", () => {
    expect(originsFromText(" https://a.example.nl \n\n https://b.example.nl\r\n")).toEqual([
      "https://a.example.nl",
      "https://b.example.nl",
    ]);
  });
});
