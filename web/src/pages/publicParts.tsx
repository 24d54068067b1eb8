// Small parts the public pages and the booking flow share: the message for
// an API answer, stars, the doctor's avatar and a loader for one request.
import { type DependencyList, useEffect, useState } from "react";
import { Notice } from "../components";
import { useI18n } from "../i18n";
import { type Failure, failureOf, problemMessage } from "../problems";
import { fill, initials, sameOrigin } from "../public";
import "../public.css";

export { type Failure, failureOf } from "../problems";

/** ProblemNotice tells a failed answer in the reader's language, with a retry where it helps. */
export function ProblemNotice({
  failure,
  notFound,
  onRetry,
}: {
  failure: Failure;
  notFound?: string;
  onRetry?: () => void;
}) {
  const { t, lang } = useI18n();
  const text = failure.kind === "notFound" && notFound ? notFound : problemMessage(t, lang, failure);
  const retry =
    onRetry && (failure.kind === "offline" || failure.kind === "unavailable" || failure.kind === "generic");
  return (
    <div className="problem" data-testid="problem" data-kind={failure.kind}>
      <Notice kind="error">{text}</Notice>
      {retry ? (
        <button type="button" className="secondary" onClick={onRetry}>
          {t("pubRetry")}
        </button>
      ) : null}
    </div>
  );
}

/** Loading is the busy line every page shows while it waits. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p aria-busy="true" className="loading">
      {t("loading")}
    </p>
  );
}

/** Stars shows a rating with its number for screen readers. */
export function Stars({ average, count }: { average: number; count: number }) {
  const { t, lang } = useI18n();
  if (!count) return <span className="rating muted">{t("pubNoRating")}</span>;
  const avg = average.toLocaleString(lang === "en" ? "en-GB" : "nl-NL", { maximumFractionDigits: 1 });
  const full = Math.round(average);
  return (
    <span className="rating">
      <span aria-hidden="true" className="stars">
        {"★".repeat(full)}
        {"☆".repeat(5 - full)}
      </span>{" "}
      <span>{fill(t("pubRatingOf"), { avg })}</span>{" "}
      <span className="muted">({fill(t("pubReviewsCount"), { n: count })})</span>
    </span>
  );
}

/** Avatar is the doctor's photo where the CSP lets it load, else the initials. */
export function Avatar({ name, url, big }: { name: string; url: string; big?: boolean }) {
  const cls = big ? "avatar big" : "avatar";
  if (sameOrigin(url, location.origin)) return <img className={cls} src={url} alt={name} />;
  return (
    <span className={cls} role="img" aria-label={name}>
      {initials(name)}
    </span>
  );
}

/** Loaded is one request's state. */
export type Loaded<T> =
  | { state: "loading" }
  | { state: "ok"; value: T }
  | { state: "failed"; failure: Failure };

/**
 * useLoad runs one request when deps change (the previous is aborted) and
 * keeps its answer; reload runs it again.
 */
export function useLoad<T>(
  run: (signal: AbortSignal) => Promise<{ data?: T; error?: unknown; response: Response }>,
  deps: DependencyList,
): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the request depends on
  useEffect(() => {
    const ctl = new AbortController();
    setLoaded({ state: "loading" });
    run(ctl.signal)
      .then(({ data, error, response }) => {
        if (ctl.signal.aborted) return;
        if (data !== undefined) setLoaded({ state: "ok", value: data });
        else
          setLoaded({
            state: "failed",
            failure: failureOf(response, error as { type?: string; detail?: string }),
          });
      })
      .catch(() => {
        if (!ctl.signal.aborted) setLoaded({ state: "failed", failure: { kind: "offline" } });
      });
    return () => ctl.abort();
  }, [...deps, tick]);
  return [loaded, () => setTick((n) => n + 1)];
}

/** langName is a language code in the reader's language. */
export function langName(t: (k: string) => string, code: string): string {
  const k = `pubLangName_${code}`;
  const v = t(k);
  return v === k ? code.toUpperCase() : v;
}
