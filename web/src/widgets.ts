// The widgets a practice embeds on its own website: the snippets the
// dashboard offers, the origin a widget tells its height to, and the
// links that continue on Derma2Go's own site.
import type { Lang } from "./i18n";

/** WidgetKind is one of the two widgets. */
export type WidgetKind = "booking" | "walk-in";

/** heightMessage is the type of the message a widget posts to the page that embeds it. */
export const heightMessage = "derma2go:widget-height";

/** widgetPath is a widget's page on Derma2Go. */
export function widgetPath(doctorId: string, kind: WidgetKind): string {
  return `/widgets/${encodeURIComponent(doctorId)}/${kind}`;
}

function escapeAttr(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** iframeSnippet is the HTML a practice pastes: the widget in a frame of a fixed height. */
export function iframeSnippet(
  base: string,
  doctorId: string,
  kind: WidgetKind,
  lang: Lang,
  title: string,
): string {
  const src = `${base}${widgetPath(doctorId, kind)}?lang=${lang}`;
  const height = kind === "booking" ? 560 : 360;
  return `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}" width="100%" height="${height}" style="border:0;max-width:40rem" loading="lazy"></iframe>`;
}

/**
 * loaderSnippet is the alternative: the loader script puts the frame in its
 * place, passes the page's language and origin, and sizes the frame to the
 * widget's height (messages only from Derma2Go's origin and that frame).
 */
export function loaderSnippet(base: string, doctorId: string, kind: WidgetKind): string {
  return `<script src="${escapeAttr(`${base}/widgets/loader.js`)}" data-doctor="${escapeAttr(doctorId)}" data-widget="${kind}" async></script>`;
}

/**
 * parentOrigin is the embedding page's origin the loader passed (?parent=),
 * if it is an http(s) origin and the page is framed at all; the widget
 * posts its height only there (the browser drops a message whose target
 * origin is not the parent's, so a wrong value only silences it).
 */
export function parentOrigin(param: string | null, framed: boolean): string | undefined {
  if (!framed || !param) return undefined;
  try {
    const u = new URL(param);
    if ((u.protocol !== "https:" && u.protocol !== "http:") || u.origin !== param) return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

/**
 * bookingHref is the booking page on Derma2Go for a type and, optionally,
 * a slot, in the widget's language.
 */
export function bookingHref(doctorId: string, type: string, lang: Lang, slot?: string): string {
  const p = new URLSearchParams({ type });
  if (slot) p.set("slot", slot);
  p.set("lang", lang);
  return `/book/${encodeURIComponent(doctorId)}?${p}`;
}

/** walkInHref is the walk-in page on Derma2Go, in the widget's language. */
export function walkInHref(doctorId: string, lang: Lang): string {
  return `/doctors/${encodeURIComponent(doctorId)}/walk-in?lang=${lang}`;
}

/** originsFromText splits the dashboard's text area into origins, one a line. */
export function originsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}
