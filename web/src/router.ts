import { useEffect, useState } from "react";
import routes from "../routes.json";

/** A page of the client, as listed in routes.json (shared with the Go server). */
export type PageName = (typeof routes.pages)[number]["name"];

export interface Route {
  name: PageName | "notFound";
  params: Record<string, string>;
  query: URLSearchParams;
}

/** match finds the page for a path; unknown paths are "notFound". */
export function match(pathname: string, search = ""): Route {
  const segs = split(pathname);
  const query = new URLSearchParams(search);
  for (const page of routes.pages) {
    const pat = split(page.path);
    if (pat.length !== segs.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    pat.forEach((p, i) => {
      const s = segs[i] ?? "";
      if (p.startsWith(":")) {
        if (s === "") ok = false;
        else params[p.slice(1)] = decodeURIComponent(s);
      } else if (p !== s) {
        ok = false;
      }
    });
    if (ok) return { name: page.name as PageName, params, query };
  }
  return { name: "notFound", params: {}, query };
}

function split(p: string): string[] {
  const t = p.replace(/^\/+|\/+$/g, "");
  return t === "" ? [] : t.split("/");
}

/**
 * safeNext is the return-to target of the login page: only a path on this
 * site (never "//host" or "https://…"), defaulting to the portal.
 */
export function safeNext(next: string | null | undefined, fallback = "/consultations"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.includes("\\")) return fallback;
  return next;
}

/** loginHref is the login page that returns to the current page. */
export function loginHref(current: string): string {
  return `/login?next=${encodeURIComponent(current)}`;
}

const listeners = new Set<() => void>();

/** navigate moves to a path of this site without a reload. */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

/** useRoute is the current route; it follows navigate and the back button. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => match(location.pathname, location.search));
  useEffect(() => {
    const update = () => setRoute(match(location.pathname, location.search));
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return route;
}
