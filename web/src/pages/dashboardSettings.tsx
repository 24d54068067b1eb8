// The practice's settings in the dashboard: the availability editor (weekly
// rules per type, exceptions, average duration) with the slots it gives,
// the fees and admin fee, and the profile.
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Notice } from "../components";
import { DateInput } from "../dateInput";
import { useI18n } from "../i18n";
import {
  type Availability,
  centsToEuros,
  checkAvailability,
  cleanAvailability,
  type DoctorProfile,
  type Exception,
  eurosToCents,
  groupByDay,
  listOf,
  profileBody,
  type RowProblem,
  type Rule,
  type SlotType,
  slotTypes,
} from "../portal";
import { formatDay, formatTime, zoneCity } from "../public";
import { DoctorPage, useMyProfile } from "./dashboard";
import { OutcomeNotice, ScrollRegion, Show, useAction, useKept } from "./portalParts";
import { useLoad } from "./publicParts";

type Fee = components["schemas"]["Fee"];
type ConsultationType = components["schemas"]["ConsultationType"];

/** Weekdays Monday first; the API counts 0 = Sunday. */
const weekdays = [1, 2, 3, 4, 5, 6, 0];

export function AvailabilityPage() {
  return (
    <DoctorPage current="/doctor/availability">
      <AvailabilityEditor />
    </DoctorPage>
  );
}

function AvailabilityEditor() {
  const { t } = useI18n();
  const [profile] = useMyProfile();
  const [loaded, reload] = useLoad((signal) => api.GET("/v1/doctor/availability", { signal }), []);
  const [freshFees, reloadFees] = useLoad((signal) => api.GET("/v1/doctor/fees", { signal }), []);
  const fees = useKept(freshFees);
  const [saved, setSaved] = useState(0);
  return (
    <section className="card">
      <h1>{t("dshAvailability")}</h1>
      <Show loaded={profile}>
        {(p) => (
          <>
            <p className="hint">{t("dshAvailabilityHint").replace("{city}", zoneCity(p.time_zone))}</p>
            <Show loaded={loaded} retry={reload}>
              {(a) => (
                <Show loaded={fees} retry={reloadFees}>
                  {(f) => (
                    <AvailabilityForm
                      initial={a}
                      fees={f.fees}
                      onSaved={() => {
                        setSaved((n) => n + 1);
                        reloadFees();
                      }}
                    />
                  )}
                </Show>
              )}
            </Show>
            <SlotPreview doctorId={p.id} zone={p.time_zone} version={saved} />
          </>
        )}
      </Show>
    </section>
  );
}

function AvailabilityForm({
  initial,
  fees,
  onSaved,
}: {
  initial: Availability;
  fees: Fee[];
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [rules, setRules] = useState<Rule[]>(initial.rules ?? []);
  const [exceptions, setExceptions] = useState<Exception[]>(initial.exceptions ?? []);
  const [type, setType] = useState<SlotType>("video");
  const [problems, setProblems] = useState<RowProblem[]>([]);
  const fee = fees.find((f) => f.type === type);
  const [durations, setDurations] = useState<Record<string, string>>(
    Object.fromEntries(fees.map((f) => [f.type, String(f.duration_minutes)])),
  );
  const { busy, outcome, run } = useAction();
  const problemOf = (list: RowProblem["list"], index: number) =>
    problems.find((p) => p.list === list && p.index === index);
  const setRule = (i: number, patch: Partial<Rule>) =>
    setRules(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setException = (i: number, patch: Partial<Exception>) =>
    setExceptions(exceptions.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = { rules, exceptions };
    const found = checkAvailability(body);
    setProblems(found);
    if (found.length) return;
    const res = await run(
      () => api.PUT("/v1/doctor/availability", { body: cleanAvailability(body) }),
      t("ptlSaved"),
    );
    if (!res?.response.ok) return;
    const minutes = Number(durations[type]);
    if (fee && Number.isInteger(minutes) && minutes !== fee.duration_minutes) {
      const r = await run(
        () =>
          api.PUT("/v1/doctor/fees", {
            body: { fees: [{ type, amount_cents: fee.amount_cents, duration_minutes: minutes }] },
          }),
        t("ptlSaved"),
      );
      if (!r?.response.ok) return;
    }
    onSaved();
  };
  const rowError = (p: RowProblem | undefined) => (p ? t(`dshRow_${p.key}`) : undefined);
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <fieldset className="choices">
        <legend>{t("dshSlotType")}</legend>
        {slotTypes.map((s) => (
          <label key={s} className="choice">
            <input type="radio" name="slot-type" checked={type === s} onChange={() => setType(s)} />{" "}
            {t(`type_${s}`)}
          </label>
        ))}
      </fieldset>
      {fee ? (
        <Field label={t("dshDuration")} id="duration-minutes">
          <input
            id="duration-minutes"
            type="number"
            min={5}
            max={240}
            value={durations[type] ?? ""}
            onChange={(e) => setDurations({ ...durations, [type]: e.target.value })}
          />
        </Field>
      ) : (
        <p className="hint">{t("dshNoFeeForType")}</p>
      )}
      <h2>{t("dshWeekly")}</h2>
      {weekdays.map((day) => (
        <div key={day} className="weekday" data-weekday={day}>
          <h3>{t(`dshDay_${day}`)}</h3>
          {rules.map((r, i) =>
            r.type === type && r.weekday === day ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own; the index is their place in the list sent
              <div key={i} className="time-row">
                <input
                  aria-label={`${t(`dshDay_${day}`)} ${t("dshFrom")}`}
                  value={r.start}
                  inputMode="numeric"
                  placeholder="09:00"
                  onChange={(e) => setRule(i, { start: e.target.value })}
                />
                <span aria-hidden="true">–</span>
                <input
                  aria-label={`${t(`dshDay_${day}`)} ${t("dshUntil")}`}
                  value={r.end}
                  inputMode="numeric"
                  placeholder="17:00"
                  onChange={(e) => setRule(i, { end: e.target.value })}
                />
                <button
                  type="button"
                  className="secondary"
                  onClick={() => setRules(rules.filter((_, j) => j !== i))}
                >
                  {t("dshRemove")}
                </button>
                {rowError(problemOf("rules", i)) ? (
                  <span className="field-error">{rowError(problemOf("rules", i))}</span>
                ) : null}
              </div>
            ) : null,
          )}
          <button
            type="button"
            className="link"
            onClick={() => setRules([...rules, { type, weekday: day, start: "09:00", end: "17:00" }])}
          >
            + {t("dshAddHours")}
          </button>
        </div>
      ))}
      <h2>{t("dshExceptions")}</h2>
      <p className="hint">{t("dshExceptionsHint")}</p>
      {exceptions.map((x, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own
        <div key={i} className="time-row exception">
          <DateInput
            aria-label={t("dshDayDate")}
            value={x.day}
            onChange={(day) => setException(i, { day })}
          />
          <select
            aria-label={t("dshExceptionKind")}
            value={x.kind}
            onChange={(e) => setException(i, { kind: e.target.value as Exception["kind"] })}
          >
            <option value="off">{t("dshKind_off")}</option>
            <option value="extra">{t("dshKind_extra")}</option>
          </select>
          <select
            aria-label={t("dshSlotType")}
            value={x.type ?? ""}
            onChange={(e) => setException(i, { type: (e.target.value || undefined) as SlotType | undefined })}
          >
            <option value="">{t("dshAllTypes")}</option>
            {slotTypes.map((s) => (
              <option key={s} value={s}>
                {t(`type_${s}`)}
              </option>
            ))}
          </select>
          {x.kind === "extra" ? (
            <>
              <input
                aria-label={t("dshFrom")}
                inputMode="numeric"
                placeholder="09:00"
                value={x.start ?? ""}
                onChange={(e) => setException(i, { start: e.target.value })}
              />
              <input
                aria-label={t("dshUntil")}
                inputMode="numeric"
                placeholder="17:00"
                value={x.end ?? ""}
                onChange={(e) => setException(i, { end: e.target.value })}
              />
            </>
          ) : null}
          <button
            type="button"
            className="secondary"
            onClick={() => setExceptions(exceptions.filter((_, j) => j !== i))}
          >
            {t("dshRemove")}
          </button>
          {rowError(problemOf("exceptions", i)) ? (
            <span className="field-error">{rowError(problemOf("exceptions", i))}</span>
          ) : null}
        </div>
      ))}
      <button
        type="button"
        className="link"
        onClick={() =>
          setExceptions([...exceptions, { day: new Date().toISOString().slice(0, 10), kind: "off" }])
        }
      >
        + {t("dshAddException")}
      </button>
      {problems.length ? <Notice kind="error">{t("dshFixRows")}</Notice> : null}
      <OutcomeNotice outcome={outcome} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t("save")}
        </button>
      </div>
    </form>
  );
}

/** SlotPreview shows the free slots the saved availability gives, per type, for the coming week. */
function SlotPreview({ doctorId, zone, version }: { doctorId: string; zone: string; version: number }) {
  const { t, lang } = useI18n();
  const [type, setType] = useState<SlotType>("video");
  const [slots, retry] = useLoad(
    (signal) =>
      api.GET("/v1/doctors/{id}/slots", { params: { path: { id: doctorId }, query: { type } }, signal }),
    [doctorId, type, version],
  );
  return (
    <section aria-labelledby="slots-title" data-testid="slot-preview">
      <h2 id="slots-title">{t("dshSlotsTitle")}</h2>
      <label htmlFor="preview-type">{t("dshSlotType")}</label>
      <select id="preview-type" value={type} onChange={(e) => setType(e.target.value as SlotType)}>
        {slotTypes.map((s) => (
          <option key={s} value={s}>
            {t(`type_${s}`)}
          </option>
        ))}
      </select>
      <Show loaded={slots} retry={retry}>
        {(s) =>
          s.items.length === 0 ? (
            <p>{t("dshNoSlots")}</p>
          ) : (
            <div className="slot-days">
              {groupByDay(s.items, zone).map(([day, list]) => (
                <div key={day} className="slot-day">
                  <h3>{formatDay(list[0]?.start ?? day, lang, zone)}</h3>
                  <p>
                    {list.map((x) => (
                      <span key={x.start} className="slot" data-start={x.start}>
                        {formatTime(x.start, lang, zone)}
                      </span>
                    ))}
                  </p>
                </div>
              ))}
            </div>
          )
        }
      </Show>
    </section>
  );
}

export function FeesPage() {
  return (
    <DoctorPage current="/doctor/fees">
      <FeesEditor />
    </DoctorPage>
  );
}

const feeTypes: ConsultationType[] = ["email_advice", "video", "in_person", "walk_in"];

function FeesEditor() {
  const { t } = useI18n();
  const [freshFees, reload] = useLoad((signal) => api.GET("/v1/doctor/fees", { signal }), []);
  const [freshProfile, reloadProfile] = useMyProfile();
  const fees = useKept(freshFees);
  const profile = useKept(freshProfile);
  return (
    <section className="card">
      <h1>{t("dshFees")}</h1>
      <Show loaded={fees} retry={reload}>
        {(f) => <FeeForm fees={f.fees} onSaved={reload} />}
      </Show>
      <Show loaded={profile} retry={reloadProfile}>
        {(p) => <AdminFeeForm profile={p} onSaved={reloadProfile} />}
      </Show>
    </section>
  );
}

function FeeForm({ fees, onSaved }: { fees: Fee[]; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const [amounts, setAmounts] = useState<Record<string, string>>(
    Object.fromEntries(fees.map((f) => [f.type, centsToEuros(f.amount_cents, lang)])),
  );
  const [minutes, setMinutes] = useState<Record<string, string>>(
    Object.fromEntries(fees.map((f) => [f.type, String(f.duration_minutes)])),
  );
  const [bad, setBad] = useState<string[]>([]);
  const { busy, outcome, run } = useAction();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = feeTypes
      .filter((ty) => (amounts[ty] ?? "") !== "")
      .map((ty) => ({
        type: ty,
        amount_cents: eurosToCents(amounts[ty] ?? ""),
        duration_minutes: Number(minutes[ty] || 15),
      }));
    const wrong = body.filter((b) => Number.isNaN(b.amount_cents)).map((b) => b.type);
    setBad(wrong);
    if (wrong.length || body.length === 0) return;
    const res = await run(() => api.PUT("/v1/doctor/fees", { body: { fees: body } }), t("ptlSaved"));
    if (res?.response.ok) onSaved();
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <ScrollRegion label={t("dshFees")}>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("consultation")}</th>
              <th scope="col">{t("dshFeeAmount")}</th>
              <th scope="col">{t("dshDuration")}</th>
            </tr>
          </thead>
          <tbody>
            {feeTypes.map((ty) => (
              <tr key={ty}>
                <th scope="row">{t(`type_${ty}`)}</th>
                <td>
                  <input
                    aria-label={`${t(`type_${ty}`)} ${t("dshFeeAmount")}`}
                    id={`fee-${ty}`}
                    inputMode="decimal"
                    value={amounts[ty] ?? ""}
                    aria-invalid={bad.includes(ty)}
                    onChange={(e) => setAmounts({ ...amounts, [ty]: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`${t(`type_${ty}`)} ${t("dshDuration")}`}
                    type="number"
                    min={5}
                    max={240}
                    value={minutes[ty] ?? ""}
                    onChange={(e) => setMinutes({ ...minutes, [ty]: e.target.value })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {bad.length ? <Notice kind="error">{t("dshBadAmount")}</Notice> : null}
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
    </form>
  );
}

function AdminFeeForm({ profile, onSaved }: { profile: DoctorProfile; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const [fee, setFee] = useState(centsToEuros(profile.admin_fee_cents, lang));
  const [sla, setSla] = useState<1 | 2>(profile.advice_sla_days);
  const { busy, outcome, run } = useAction();
  const cents = eurosToCents(fee);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (Number.isNaN(cents)) return;
    const res = await run(
      () =>
        api.PUT("/v1/doctor/profile", {
          body: profileBody(profile, { admin_fee_cents: cents, advice_sla_days: sla }),
        }),
      t("ptlSaved"),
    );
    if (res?.response.ok) onSaved();
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <h2>{t("dshAdminFee")}</h2>
      <p className="hint">{t("dshAdminFeeHint")}</p>
      <Field
        label={t("dshAdminFee")}
        id="admin-fee"
        error={Number.isNaN(cents) ? t("dshBadAmount") : undefined}
      >
        <input id="admin-fee" inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} />
      </Field>
      <Field label={t("dshSla")} id="sla-days">
        <select id="sla-days" value={sla} onChange={(e) => setSla(Number(e.target.value) === 2 ? 2 : 1)}>
          <option value={1}>{t("dshSla1")}</option>
          <option value={2}>{t("dshSla2")}</option>
        </select>
      </Field>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
    </form>
  );
}

export function ProfileEditPage() {
  return (
    <DoctorPage current="/doctor/profile">
      <ProfileEditor />
    </DoctorPage>
  );
}

function ProfileEditor() {
  const { t } = useI18n();
  const [fresh, reload] = useMyProfile();
  const profile = useKept(fresh);
  return (
    <section className="card">
      <h1>{t("dshProfile")}</h1>
      <Show loaded={profile} retry={reload}>
        {(p) => <ProfileForm profile={p} onSaved={reload} />}
      </Show>
    </section>
  );
}

const textFields = [
  "specialty",
  "city",
  "address",
  "time_zone",
  "photo_url",
  "practice_name",
  "big_number",
  "agb_code",
] as const;

function ProfileForm({ profile, onSaved }: { profile: DoctorProfile; onSaved: () => void }) {
  const { t } = useI18n();
  const [v, setV] = useState<Record<string, string>>({
    ...Object.fromEntries(textFields.map((k) => [k, String(profile[k] ?? "")])),
    bio: profile.bio,
    focus_areas: profile.focus_areas.join(", "),
    languages: profile.languages.join(", "),
    lat: String(profile.location.lat),
    lng: String(profile.location.lng),
  });
  const { busy, outcome, run } = useAction();
  const set = (k: string) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = profileBody(profile, {
      specialty: v.specialty ?? "",
      city: v.city ?? "",
      address: v.address,
      time_zone: v.time_zone ?? "",
      photo_url: v.photo_url,
      practice_name: v.practice_name,
      big_number: v.big_number,
      agb_code: v.agb_code,
      bio: v.bio,
      focus_areas: listOf(v.focus_areas ?? ""),
      languages: listOf(v.languages ?? ""),
      location: { lat: Number(v.lat), lng: Number(v.lng) },
    });
    const res = await run(() => api.PUT("/v1/doctor/profile", { body }), t("ptlSaved"));
    if (res?.response.ok) onSaved();
  };
  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      {textFields.map((k) => (
        <Field key={k} label={t(`dshP_${k}`)} id={`p-${k}`}>
          <input id={`p-${k}`} value={v[k] ?? ""} onChange={set(k)} />
        </Field>
      ))}
      <Field label={t("dshP_bio")} id="p-bio">
        <textarea id="p-bio" rows={5} maxLength={4000} value={v.bio ?? ""} onChange={set("bio")} />
      </Field>
      <Field label={t("dshP_focus_areas")} id="p-focus">
        <input id="p-focus" value={v.focus_areas ?? ""} onChange={set("focus_areas")} />
      </Field>
      <Field label={t("dshP_languages")} id="p-languages">
        <input id="p-languages" value={v.languages ?? ""} onChange={set("languages")} />
      </Field>
      <div className="two">
        <Field label={t("dshP_lat")} id="p-lat">
          <input id="p-lat" inputMode="decimal" value={v.lat ?? ""} onChange={set("lat")} />
        </Field>
        <Field label={t("dshP_lng")} id="p-lng">
          <input id="p-lng" inputMode="decimal" value={v.lng ?? ""} onChange={set("lng")} />
        </Field>
      </div>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
    </form>
  );
}
