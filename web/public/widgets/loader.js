// Derma2Go widget loader. A practice puts
//   <script src="https://<derma2go>/widgets/loader.js" data-doctor="<id>" data-widget="booking" async></script>
// where the widget should appear (data-widget: booking or walk-in; data-lang
// overrides the page's <html lang>). It adds the widget's frame after
// itself, passes the page's language and origin, and sets the frame's
// height from the widget's messages, accepted only from Derma2Go's origin
// (the script's own) and from that very frame.
(() => {
  const script = document.currentScript;
  if (!script || !script.src) return;
  const base = new URL(script.src).origin;
  const doctor = script.dataset.doctor || "";
  if (!/^[0-9a-fA-F-]{36}$/.test(doctor)) return;
  const kind = script.dataset.widget === "walk-in" ? "walk-in" : "booking";
  const lang = (script.dataset.lang || document.documentElement.lang || "").slice(0, 2).toLowerCase();
  const url = new URL(`/widgets/${doctor}/${kind}`, base);
  if (lang === "nl" || lang === "en") url.searchParams.set("lang", lang);
  url.searchParams.set("parent", location.origin);
  const frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = script.dataset.title || (kind === "walk-in" ? "Derma2Go walk-in" : "Derma2Go booking");
  frame.width = "100%";
  frame.height = kind === "walk-in" ? "360" : "560";
  frame.style.border = "0";
  frame.style.maxWidth = "40rem";
  window.addEventListener("message", (e) => {
    if (e.origin !== base || e.source !== frame.contentWindow) return;
    const d = e.data;
    if (!d || d.type !== "derma2go:widget-height" || typeof d.height !== "number" || !Number.isFinite(d.height)) return;
    frame.height = String(Math.min(Math.max(Math.ceil(d.height), 120), 4000));
  });
  script.after(frame);
})();
