// Parts the patient portal, the doctor's dashboard and the admin pages
// share: the login guard, one way to run an action and tell its outcome,
// the PIN gate, a time in the doctor's zone and the list loader.
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { api, type User } from "../api/client";
import { Field, Notice } from "../components";
import { problemSlug } from "../forms";
import { formatDateTime, useI18n } from "../i18n";
import { lockedUntil } from "../portal";
import { fill, formatSlot, type ProblemKind, zoneCity } from "../public";
import { loginHref, navigate } from "../router";
import { useSession } from "../session";
import "../portal.css";
import { type Failure, failureOf, type Loaded, Loading, ProblemNotice } from "./publicParts";

/** useLoginRequired sends a logged-out reader to the login page, which returns here. */
export function useLoginRequired(needed: boolean): boolean {
  const { user } = useSession();
  useEffect(() => {
    if (needed && user === null) navigate(loginHref(location.pathname + location.search), true);
  }, [needed, user]);
  return !needed || Boolean(user);
}

/**
 * RequireLogin renders its page once someone is logged in (else the login
 * page, which returns here), and tells a user of another role that the page
 * is not theirs instead of calling an API that would refuse.
 */
export function RequireLogin({
  roles,
  children,
}: {
  roles?: User["role"][];
  children: (user: User) => ReactNode;
}) {
  const { t } = useI18n();
  const { user } = useSession();
  useLoginRequired(true);
  if (!user) return <Loading />;
  if (roles && !roles.includes(user.role)) return <Notice kind="error">{t("ptlWrongRole")}</Notice>;
  return <>{children(user)}</>;
}

/** Outcome is what an action ended in, as the page tells it. */
export type Outcome =
  | { kind: "ok"; text: string }
  | { kind: "failed"; failure: Failure }
  | { kind: "pinLocked"; until?: Date };

interface Answer {
  response: Response;
  error?: unknown;
}

/**
 * useAction runs API calls one at a time and keeps the outcome: an answer
 * that is not ok becomes a Failure (offline when nothing came back), a 423
 * a PIN lockout with the time it ends (Retry-After).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const run = useCallback(async <T extends Answer>(call: () => Promise<T>, okText?: string) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const res = await call();
      if (res.response.ok) {
        if (okText) setOutcome({ kind: "ok", text: okText });
      } else if (res.response.status === 423) {
        setOutcome({
          kind: "pinLocked",
          until: lockedUntil(res.response.headers.get("Retry-After"), new Date()),
        });
      } else {
        setOutcome({
          kind: "failed",
          failure: failureOf(res.response, res.error as { type?: string; detail?: string }),
        });
      }
      return res;
    } catch {
      setOutcome({ kind: "failed", failure: { kind: "offline" } });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, outcome, setOutcome, run };
}

/**
 * OutcomeNotice tells an action's outcome in the reader's language; texts
 * replaces the message of a kind of failure where the page knows better
 * (a 401 at login means a wrong password, not "log in first").
 */
export function OutcomeNotice({
  outcome,
  texts,
}: {
  outcome: Outcome | undefined;
  texts?: Partial<Record<ProblemKind, string>>;
}) {
  const { t, lang } = useI18n();
  if (!outcome) return null;
  const own = outcome.kind === "failed" ? texts?.[outcome.failure.kind] : undefined;
  if (own) return <Notice kind="error">{own}</Notice>;
  if (outcome.kind === "ok") return <Notice kind="ok">{outcome.text}</Notice>;
  if (outcome.kind === "pinLocked") {
    return (
      <Notice kind="error">
        {outcome.until
          ? fill(t("ptlPinLockedUntil"), { time: formatDateTime(outcome.until.toISOString(), lang) })
          : t("pinLockedOut")}
      </Notice>
    );
  }
  return <ProblemNotice failure={outcome.failure} />;
}

/** Show renders a loaded value, or the loading line, or what went wrong with a retry. */
export function Show<T>({
  loaded,
  retry,
  notFound,
  children,
}: {
  loaded: Loaded<T>;
  retry?: () => void;
  notFound?: string;
  children: (value: T) => ReactNode;
}) {
  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "failed")
    return <ProblemNotice failure={loaded.failure} notFound={notFound} onRetry={retry} />;
  return <>{children(loaded.value)}</>;
}

/**
 * PinGate sets (with the password) or unlocks the PIN that guards the
 * medical parts; a lockout says until when.
 */
export function PinGate({ slug, onUnlocked }: { slug: string; onUnlocked: () => void }) {
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [password, setPassword] = useState("");
  const { busy, outcome, run } = useAction();
  const needsSet = slug === "pin-required";
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (needsSet) {
      const set = await run(() => api.PUT("/v1/me/pin", { body: { pin, password } }));
      if (!set?.response.ok) return;
    }
    const res = await run(() => api.POST("/v1/me/pin/unlock", { body: { pin } }));
    if (res?.response.ok) onUnlocked();
  };
  return (
    <form className="card narrow pin-gate" onSubmit={(e) => void submit(e)} noValidate>
      <h2>{t("pinTitle")}</h2>
      <p>{needsSet ? t("pinSet") : t("pinLocked")}</p>
      <Field label={t("pin")} id="pin">
        <input
          id="pin"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9]*"
          minLength={4}
          maxLength={8}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
        />
      </Field>
      {needsSet ? (
        <Field label={t("password")} id="pin-password">
          <input
            id="pin-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      ) : null}
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {needsSet ? t("setPin") : t("unlock")}
      </button>
    </form>
  );
}

/**
 * pinRefusal is the PIN problem's slug ("pin-required", "pin-locked-session")
 * when the API refused because the patient's PIN is not unlocked, else "".
 */
export function pinRefusal(res: { response: Response; error?: unknown }): string {
  const slug = problemSlug((res.error as { type?: string } | undefined)?.type);
  return res.response.status === 403 && slug.startsWith("pin-") ? slug : "";
}

/** pinSlug is the PIN state a logged-in patient meets: none set yet, or locked for this session. */
export function pinSlug(user: User | null | undefined): string {
  return user?.has_pin ? "pin-locked-session" : "pin-required";
}

const zoneCache = new Map<string, Promise<string>>();

/** doctorZone is a doctor's IANA zone from the public profile (asked once per doctor). */
function doctorZone(id: string): Promise<string> {
  let p = zoneCache.get(id);
  if (!p) {
    p = api
      .GET("/v1/doctors/{id}", { params: { path: { id } } })
      .then(({ data }) => data?.time_zone ?? "Europe/Amsterdam")
      .catch(() => "Europe/Amsterdam");
    zoneCache.set(id, p);
  }
  return p;
}

/** useDoctorZones maps each doctor id to the doctor's zone once known. */
export function useDoctorZones(ids: string[]): Record<string, string> {
  const [zones, setZones] = useState<Record<string, string>>({});
  const key = [...new Set(ids)].sort().join(",");
  useEffect(() => {
    if (!key) return;
    let live = true;
    const list = key.split(",");
    void Promise.all(list.map((id) => doctorZone(id).then((z) => [id, z] as const))).then((pairs) => {
      if (live) setZones(Object.fromEntries(pairs));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return zones;
}

/** When is an instant in the doctor's zone, labelled with the zone and its city. */
export function When({ iso, zone }: { iso: string; zone: string }) {
  const { t, lang } = useI18n();
  return (
    <time dateTime={iso}>
      {formatSlot(iso, lang, zone)}{" "}
      <span className="muted">{fill(t("ptlZoneOf"), { city: zoneCity(zone) })}</span>
    </time>
  );
}

/** Fact is one line of a facts list. */
export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** useKept shows the last answer while the same request runs again (no flash of "loading"). */
export function useKept<T>(loaded: Loaded<T>): Loaded<T> {
  const last = useRef(loaded);
  if (loaded.state !== "loading") last.current = loaded;
  return loaded.state === "loading" && last.current.state === "ok" ? last.current : loaded;
}

/**
 * useFollowStatus reloads a page a few times after an action until the
 * status moves on: the workflow decides at once, and its projection into
 * the record follows a moment later. Call the returned function with the
 * status the action started from.
 */
export function useFollowStatus(status: string | undefined, reload: () => void): (from: string) => void {
  const [from, setFrom] = useState<string | undefined>();
  const [tries, setTries] = useState(0);
  useEffect(() => {
    if (from === undefined || status === undefined) return;
    if (status !== from || tries >= 12) {
      setFrom(undefined);
      return;
    }
    const id = setTimeout(() => {
      setTries((n) => n + 1);
      reload();
    }, 600);
    return () => clearTimeout(id);
  }, [from, status, tries, reload]);
  return useCallback((s: string) => {
    setFrom(s);
    setTries(0);
  }, []);
}

/** ScrollRegion holds a table that may scroll sideways on a phone; it can take the keyboard's focus so the table can be scrolled without a mouse. */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (WCAG 2.1.1)
    <section className="table-wrap" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
