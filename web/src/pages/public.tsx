// The public pages: home, doctor search and doctor profile (with the week
// calendar per consultation type).
import { type FormEvent, lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/client";
import { Field, Link } from "../components";
import { useI18n } from "../i18n";
import {
  addDays,
  apiSearch,
  type ConsultationType,
  cheapest,
  consultationTypes,
  type Doctor,
  dayKey,
  debounce,
  emptySearch,
  feeOf,
  fill,
  formatDay,
  formatPrice,
  formatSlot,
  formatTime,
  latestOnly,
  notBefore,
  pageCount,
  parseSearch,
  type SearchState,
  type Slot,
  searchDelay,
  searchQuery,
  slotsByDay,
  sorts,
  weekDays,
  withFilter,
  zoneCity,
  zoneMidnight,
  zoneName,
} from "../public";
import { navigate } from "../router";
import { useSession } from "../session";
import {
  Avatar,
  type Failure,
  failureOf,
  Loading,
  langName,
  ProblemNotice,
  Stars,
  useLoad,
} from "./publicParts";

// The walk-in summary loads with the walk-in page's chunk, not the entry bundle.
const WalkInSummary = lazy(() => import("./walkIn").then((m) => ({ default: m.WalkInSummary })));
// So does the waitlist card, with the waitlist pages' chunk.
const WaitlistJoin = lazy(() => import("./waitlist").then((m) => ({ default: m.WaitlistJoin })));

export function PublicHomePage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const [q, setQ] = useState("");
  const [conditions] = useLoad(
    (signal) => api.GET("/v1/conditions", { params: { query: { lang } }, signal }),
    [lang],
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/doctors${searchQuery({ ...emptySearch, q })}`);
  };
  return (
    <>
      <section className="card hero">
        <h1>{t("pubHeroTitle")}</h1>
        <p>{t("pubHeroText")}</p>
        <search>
          <form className="searchbar" onSubmit={submit}>
            <label htmlFor="home-q" className="visually-hidden">
              {t("pubSearchLabel")}
            </label>
            <input
              id="home-q"
              type="search"
              placeholder={t("pubSearchLabel")}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <button type="submit">{t("pubSearchButton")}</button>
          </form>
        </search>
        {user ? (
          <p>
            <Link href={user.role === "doctor" ? "/doctor" : "/consultations"}>
              {user.role === "doctor" ? t("doctorDashboard") : t("myConsultations")}
            </Link>
          </p>
        ) : null}
      </section>
      <section className="card">
        <h2>{t("pubTypesTitle")}</h2>
        <ul className="types">
          {consultationTypes.map((type) => (
            <li key={type} className="type-card">
              <h3>{t(`type_${type}`)}</h3>
              <p>{t(`pubType_${type}`)}</p>
              <Link href={`/doctors?type=${type}`}>
                {fill(t("pubFindType"), { type: t(`type_${type}`) })}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section className="card">
        <h2>{t("pubWizardTitle")}</h2>
        <p>{t("pubWizardIntro")}</p>
        <Link className="button" href="/wizard">
          {t("pubWizardStart")}
        </Link>
      </section>
      <section className="card">
        <h2>{t("pubConditionsTitle")}</h2>
        {conditions.state === "loading" ? <Loading /> : null}
        {conditions.state === "failed" ? <ProblemNotice failure={conditions.failure} /> : null}
        {conditions.state === "ok" ? (
          <ul className="chips">
            {conditions.value.items.slice(0, 12).map((c) => (
              <li key={c.slug}>
                <Link href={`/conditions/${encodeURIComponent(c.slug)}`}>{c.name}</Link>
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          <Link href="/conditions">{t("pubConditionsAll")}</Link>
        </p>
      </section>
    </>
  );
}

type SearchResult = {
  items: Doctor[];
  page: { page: number; per_page: number; total: number };
  facets?: Record<string, Record<string, number>>;
};

function facetOptions(facets: SearchResult["facets"], name: string, chosen: string): [string, number][] {
  const counts = Object.entries(facets?.[name] ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (chosen && !counts.some(([v]) => v === chosen)) counts.unshift([chosen, 0]);
  return counts;
}

/**
 * DoctorSearchPage keeps its filters in the URL; typing waits searchDelay
 * ms after the last key and each new request aborts the one in flight.
 */
export function DoctorSearchPage({ query }: { query: URLSearchParams }) {
  const { t, lang } = useI18n();
  const queryString = query.toString();
  const [state, setState] = useState<SearchState>(() => parseSearch(queryString));
  const [typed, setTyped] = useState(state.q);
  const [result, setResult] = useState<SearchResult | undefined>();
  const [shownFor, setShownFor] = useState<string | undefined>();
  const [failure, setFailure] = useState<Failure | undefined>();
  const [busy, setBusy] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useMemo(() => latestOnly(), []);

  // The back button (or a link) changed the URL: follow it.
  useEffect(() => {
    const fromUrl = parseSearch(queryString);
    setState((cur) => (searchQuery(cur) === searchQuery(fromUrl) ? cur : fromUrl));
    setTyped((cur) => (cur.trim() === fromUrl.q ? cur : fromUrl.q));
  }, [queryString]);

  const commit = useCallback((next: SearchState, push: boolean) => {
    setState(next);
    const url = `/doctors${searchQuery(next)}`;
    if (url !== location.pathname + location.search) {
      if (push) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
    }
  }, []);
  const stateRef = useRef(state);
  stateRef.current = state;
  const typedLater = useMemo(
    () =>
      debounce((q: string) => {
        const cur = stateRef.current;
        if (cur.q !== q.trim()) commit({ ...cur, q: q.trim(), page: 1 }, false);
      }, searchDelay),
    [commit],
  );
  useEffect(() => () => typedLater.cancel(), [typedLater]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick asks for the same search again
  useEffect(() => {
    const signal = latest.start();
    const key = searchQuery(state);
    setBusy(true);
    api
      .GET("/v1/doctors", { params: { query: apiSearch(state) }, signal })
      .then(({ data, error, response }) => {
        if (signal.aborted) return;
        setBusy(false);
        if (data) {
          setResult(data);
          setShownFor(key);
          setFailure(undefined);
        } else setFailure(failureOf(response, error));
      })
      .catch(() => {
        if (signal.aborted) return;
        setBusy(false);
        setFailure({ kind: "offline" });
      });
  }, [state, latest, tick]);
  useEffect(() => () => latest.cancel(), [latest]);

  const set = <K extends keyof SearchState>(k: K, v: SearchState[K]) => commit(withFilter(state, k, v), true);
  const total = result?.page.total ?? 0;
  const pages = pageCount(total);
  const facets = result?.facets;
  const filtered = searchQuery({ ...state, q: "", sort: "relevance", page: 1 }) !== "";

  return (
    <section className="card search-page">
      <h1>{t("pubDoctorsTitle")}</h1>
      <search>
        <form
          className="searchbar"
          onSubmit={(e) => {
            e.preventDefault();
            typedLater.cancel();
            commit({ ...state, q: typed.trim(), page: 1 }, true);
          }}
        >
          <label htmlFor="q" className="visually-hidden">
            {t("pubSearchLabel")}
          </label>
          <input
            id="q"
            type="search"
            placeholder={t("pubSearchLabel")}
            value={typed}
            onChange={(e) => {
              setTyped(e.target.value);
              typedLater(e.target.value);
            }}
          />
          <button type="submit">{t("pubSearchButton")}</button>
        </form>
      </search>
      <details className="filters" open>
        <summary>{t("pubFilters")}</summary>
        <div className="filter-grid">
          <Field label={t("pubFilterType")} id="f-type">
            <select
              id="f-type"
              value={state.type}
              onChange={(e) => set("type", e.target.value as ConsultationType | "")}
            >
              <option value="">{t("pubAnyType")}</option>
              {consultationTypes.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`type_${ty}`)}
                  {facets?.types?.[ty] !== undefined ? ` (${facets.types[ty]})` : ""}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("pubFilterCity")} id="f-city">
            <select id="f-city" value={state.city} onChange={(e) => set("city", e.target.value)}>
              <option value="">{t("pubAnyCity")}</option>
              {facetOptions(facets, "city", state.city).map(([v, n]) => (
                <option key={v} value={v}>
                  {v} ({n})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("pubFilterLanguage")} id="f-language">
            <select id="f-language" value={state.language} onChange={(e) => set("language", e.target.value)}>
              <option value="">{t("pubAnyLanguage")}</option>
              {facetOptions(facets, "languages", state.language).map(([v, n]) => (
                <option key={v} value={v}>
                  {langName(t, v)} ({n})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("pubFilterRating")} id="f-rating">
            <select
              id="f-rating"
              value={state.minRating}
              onChange={(e) => set("minRating", Number(e.target.value))}
            >
              <option value={0}>{t("pubAnyRating")}</option>
              {[4, 3, 2, 1].map((r) => (
                <option key={r} value={r}>
                  {"★".repeat(r)} ({r}+)
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("pubFilterPrice")} id="f-price">
            <input
              id="f-price"
              type="number"
              inputMode="numeric"
              min={0}
              max={1000}
              step={5}
              value={state.maxPrice || ""}
              onChange={(e) =>
                set("maxPrice", Math.max(0, Math.min(1000, Math.floor(Number(e.target.value) || 0))))
              }
            />
          </Field>
          <Field label={t("pubSort")} id="f-sort">
            <select
              id="f-sort"
              value={state.sort}
              onChange={(e) => set("sort", e.target.value as SearchState["sort"])}
            >
              {sorts.map((s) => (
                <option key={s} value={s}>
                  {t(`pubSort_${s}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {filtered ? (
          <button type="button" className="link" onClick={() => commit({ ...emptySearch, q: state.q }, true)}>
            {t("pubClearFilters")}
          </button>
        ) : null}
      </details>
      <div
        className="results"
        aria-live="polite"
        aria-busy={busy}
        data-testid="results"
        data-query={shownFor === undefined ? undefined : (parseSearch(shownFor).q ?? "")}
        data-key={shownFor}
      >
        {failure ? <ProblemNotice failure={failure} onRetry={() => setTick((n) => n + 1)} /> : null}
        {!result && !failure ? <Loading /> : null}
        {result ? (
          <>
            <p className="count">
              {total === 1 ? t("pubResultsOne") : fill(t("pubResults"), { n: total })}
              {busy ? <span className="muted"> · {t("pubSearching")}</span> : null}
            </p>
            {result.items.length === 0 ? <p>{t("pubNoResults")}</p> : null}
            <ul className="doctor-list">
              {result.items.map((d) => (
                <DoctorCard key={d.id} d={d} lang={lang} />
              ))}
            </ul>
            {pages > 1 ? (
              <nav className="pager" aria-label={fill(t("pubPageOf"), { page: state.page, pages })}>
                <button
                  type="button"
                  className="secondary"
                  disabled={state.page <= 1}
                  onClick={() => set("page", state.page - 1)}
                >
                  {t("pubPrev")}
                </button>
                <span>{fill(t("pubPageOf"), { page: state.page, pages })}</span>
                <button
                  type="button"
                  className="secondary"
                  disabled={state.page >= pages}
                  onClick={() => set("page", state.page + 1)}
                >
                  {t("pubNext")}
                </button>
              </nav>
            ) : null}
          </>
        ) : null}
      </div>
    </section>
  );
}

function DoctorCard({ d, lang }: { d: Doctor; lang: "nl" | "en" }) {
  const { t } = useI18n();
  const low = cheapest(d);
  return (
    <li className="doctor-card">
      <Avatar name={d.name} url={d.photo_url} />
      <div>
        <h2>
          <Link href={`/doctors/${d.id}`}>{d.name}</Link>
        </h2>
        <p className="muted">
          {d.specialty} · {d.city}
          {d.distance_km !== undefined ? ` · ${fill(t("pubKm"), { n: Math.round(d.distance_km) })}` : ""}
        </p>
        <Stars average={d.rating.average} count={d.rating.count} />
        <p className="types-line">
          {d.fees.map((f) => t(`type_${f.type}`)).join(" · ")}
          {low !== undefined ? ` — ${fill(t("pubFrom"), { price: formatPrice(low, lang) })}` : ""}
        </p>
      </div>
    </li>
  );
}

/** DoctorProfilePage shows one doctor, their fees, reviews and free times per type. */
export function DoctorProfilePage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const [doctor, reload] = useLoad(
    (signal) => api.GET("/v1/doctors/{id}", { params: { path: { id } }, signal }),
    [id],
  );
  const [reviews] = useLoad(
    (signal) =>
      api.GET("/v1/doctors/{id}/reviews", { params: { path: { id }, query: { limit: 5 } }, signal }),
    [id],
  );
  if (doctor.state === "loading") return <Loading />;
  if (doctor.state === "failed")
    return (
      <section className="card">
        <ProblemNotice failure={doctor.failure} notFound={t("pubDoctorNotFound")} onRetry={reload} />
      </section>
    );
  const d = doctor.value;
  const slotTypes = (["video", "in_person"] as const).filter((ty) => feeOf(d, ty));
  return (
    <>
      <section className="card profile">
        <div className="profile-head">
          <Avatar name={d.name} url={d.photo_url} big />
          <div>
            <h1>{d.name}</h1>
            <p className="muted">{d.specialty}</p>
            <Stars average={d.rating.average} count={d.rating.count} />
          </div>
        </div>
        <p className="prewrap">{d.bio}</p>
        {d.focus_areas.length ? <p className="muted">{d.focus_areas.join(" · ")}</p> : null}
        <dl className="facts">
          <dt>{t("pubLanguages")}</dt>
          <dd>{d.languages.map((l) => langName(t, l)).join(", ")}</dd>
          <dt>{t("pubLocation")}</dt>
          <dd>
            {d.address ? `${d.address}, ` : ""}
            {d.city}
          </dd>
        </dl>
        <h2>{t("pubFees")}</h2>
        <ul className="fees">
          {d.fees.map((f) => (
            <li key={f.type}>
              <span>
                {t(`type_${f.type}`)}{" "}
                <span className="muted">({fill(t("pubFeeDuration"), { n: f.duration_minutes })})</span>
              </span>
              <strong>{formatPrice(f.amount_cents, lang, f.currency)}</strong>
              {f.type === "walk_in" ? null : (
                <Link className="button small" href={`/book/${d.id}?type=${f.type}`}>
                  {t("pubBook")}
                  <span className="visually-hidden"> {t(`type_${f.type}`)}</span>
                </Link>
              )}
            </li>
          ))}
        </ul>
        <p className="hint">
          {d.admin_fee_cents ? fill(t("pubAdminFee"), { price: formatPrice(d.admin_fee_cents, lang) }) : null}
          {feeOf(d, "email_advice") ? (
            <>
              {d.admin_fee_cents ? <br /> : null}
              {fill(t("pubSla"), { n: d.advice_sla_days })}
            </>
          ) : null}
        </p>
      </section>
      {feeOf(d, "walk_in") ? (
        <Suspense fallback={null}>
          <WalkInSummary doctorId={d.id} />
        </Suspense>
      ) : null}
      {slotTypes.map((ty) => (
        <section key={ty} className="card">
          <h2>{t(`type_${ty}`)}</h2>
          <WeekCalendar
            doctorId={d.id}
            type={ty}
            zone={d.time_zone}
            hrefOf={(s) => `/book/${d.id}?type=${ty}&slot=${encodeURIComponent(s.start)}`}
          />
        </section>
      ))}
      <Suspense fallback={null}>
        <WaitlistJoin doctorId={d.id} zone={d.time_zone} types={slotTypes} />
      </Suspense>
      <section className="card">
        <h2>{t("pubReviews")}</h2>
        {reviews.state === "loading" ? <Loading /> : null}
        {reviews.state === "failed" ? <ProblemNotice failure={reviews.failure} /> : null}
        {reviews.state === "ok" && reviews.value.items.length === 0 ? <p>{t("pubNoReviews")}</p> : null}
        {reviews.state === "ok" ? (
          <ul className="reviews">
            {reviews.value.items.map((r) => (
              <li key={r.id}>
                <Stars average={r.rating} count={1} />
                <span className="muted">
                  {" "}
                  · {t(`type_${r.consultation_type}`)} · {formatDay(r.created_at, lang, d.time_zone)}
                </span>
                {r.text ? <p>{r.text}</p> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <p className="muted" data-testid="complain">
        {t("gapComplain")}{" "}
        <Link href={`/contact?doctor=${encodeURIComponent(d.id)}`}>{t("gapComplainLink")}</Link>
      </p>
    </>
  );
}

/**
 * WeekCalendar shows a week of free slots of one type, by day in the
 * doctor's zone (labelled), with the next free times above it.
 */
export function WeekCalendar({
  doctorId,
  type,
  zone,
  hrefOf,
  onPick,
  chosen,
}: {
  doctorId: string;
  type: "video" | "in_person";
  zone: string;
  hrefOf?: (s: Slot) => string;
  onPick?: (s: Slot) => void;
  chosen?: string;
}) {
  const { t, lang } = useI18n();
  const today = dayKey(new Date(), zone);
  const [first, setFirst] = useState(today);
  const days = weekDays(first);
  const [slots, reload] = useLoad(
    (signal) => {
      const from = first === today ? new Date() : zoneMidnight(first, zone);
      const to = zoneMidnight(addDays(first, 7), zone);
      return api.GET("/v1/doctors/{id}/slots", {
        params: { path: { id: doctorId }, query: { type, from: from.toISOString(), to: to.toISOString() } },
        signal,
      });
    },
    [doctorId, type, first, zone],
  );
  const byDay = slots.state === "ok" ? slotsByDay(slots.value.items, days, zone) : undefined;
  const [day, setDay] = useState("");
  const firstFree = days.find((d) => (byDay?.get(d)?.length ?? 0) > 0) ?? "";
  const shownDay = day && (byDay?.get(day)?.length ?? 0) > 0 ? day : firstFree;
  const label = `${zoneCity(zone)} (${zoneName(zoneMidnight(first, zone).toISOString(), lang, zone)})`;
  const next = slots.state === "ok" && first === today ? slots.value.items.slice(0, 3) : [];
  const slotControl = (s: Slot, text: string) => {
    const selected = chosen === s.start;
    if (onPick)
      return (
        <button
          type="button"
          className={selected ? "slot selected" : "slot"}
          aria-pressed={selected}
          onClick={() => onPick(s)}
        >
          {text}
        </button>
      );
    return (
      <Link className="slot" href={hrefOf ? hrefOf(s) : "#"}>
        {text}
      </Link>
    );
  };
  return (
    <div className="calendar" data-testid={`calendar-${type}`}>
      {next.length ? (
        <div className="next-slots">
          <h3>{t("pubNextSlots")}</h3>
          <ul>
            {next.map((s) => (
              <li key={s.start}>{slotControl(s, formatSlot(s.start, lang, zone))}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="week-nav">
        <button
          type="button"
          className="secondary"
          disabled={first <= today}
          onClick={() => setFirst(notBefore(addDays(first, -7), today))}
        >
          {t("pubPrevWeek")}
        </button>
        <strong>
          {fill(t("pubWeek"), { day: formatDay(zoneMidnight(first, zone).toISOString(), lang, zone) })}
        </strong>
        <button type="button" className="secondary" onClick={() => setFirst(addDays(first, 7))}>
          {t("pubNextWeek")}
        </button>
      </div>
      <p className="hint zone">{fill(t("pubTimesIn"), { zone: label })}</p>
      {slots.state === "loading" ? <Loading /> : null}
      {slots.state === "failed" ? <ProblemNotice failure={slots.failure} onRetry={reload} /> : null}
      {byDay ? (
        <>
          {slots.state === "ok" && slots.value.items.length === 0 ? <p>{t("pubNoSlots")}</p> : null}
          <ol className="week" aria-label={t("pubWeekDays")}>
            {days.map((day) => {
              const n = byDay.get(day)?.length ?? 0;
              const on = day === shownDay;
              return (
                <li key={day}>
                  <button
                    type="button"
                    className={on ? "day-tab selected" : "day-tab"}
                    aria-pressed={on}
                    disabled={n === 0}
                    onClick={() => setDay(day)}
                  >
                    <span>{formatDay(zoneMidnight(day, zone).toISOString(), lang, zone)}</span>
                    <span className="day-count">{fill(t("pubFreeCount"), { n })}</span>
                  </button>
                </li>
              );
            })}
          </ol>
          {shownDay ? (
            <ul className="day-slots" data-testid={`slots-${type}`}>
              {(byDay.get(shownDay) ?? []).map((s) => (
                <li key={s.start}>{slotControl(s, formatTime(s.start, lang, zone))}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
