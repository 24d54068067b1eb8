// The medical record: the doctor's patients, the doctor's record of one
// patient (timeline, notes, diagnoses, PDF and FHIR downloads) and the
// patient's own record across doctors behind the PIN.
import { type FormEvent, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { DoctorPage } from "./dashboard";
import { PortalNav } from "./portal";
import {
  OutcomeNotice,
  PinGate,
  pinRefusal,
  RequireLogin,
  ScrollRegion,
  Show,
  useAction,
  useKept,
} from "./portalParts";
import { useLoad } from "./publicParts";

type MedRecord = components["schemas"]["Record"];
type Entry = components["schemas"]["RecordEntry"];

export function DoctorPatientsPage() {
  return (
    <DoctorPage current="/doctor/patients">
      <Patients />
    </DoctorPage>
  );
}

function Patients() {
  const { t, lang } = useI18n();
  const [list, retry] = useLoad((signal) => api.GET("/v1/doctor/patients", { signal }), []);
  return (
    <section className="card">
      <h1>{t("recPatients")}</h1>
      <p>{t("recPatientsIntro")}</p>
      <Show loaded={list} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p data-testid="empty">{t("recNoPatients")}</p>
          ) : (
            <ScrollRegion label={t("recPatients")}>
              <table className="table" data-testid="patients">
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("recConsultations")}</th>
                    <th scope="col">{t("recLast")}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((p) => (
                    <tr key={p.id} data-patient={p.id}>
                      <td>
                        <Link href={`/doctor/patients/${p.id}`}>{p.name}</Link>
                      </td>
                      <td>{p.consultations}</td>
                      <td>{formatDateTime(p.last_at, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )
        }
      </Show>
    </section>
  );
}

export function DoctorRecordPage({ id }: { id: string }) {
  return (
    <DoctorPage current="/doctor/patients">
      <DoctorRecord id={id} />
    </DoctorPage>
  );
}

function DoctorRecord({ id }: { id: string }) {
  const { t } = useI18n();
  const [rec, retry] = useLoad(
    (signal) =>
      api.GET("/v1/doctor/patients/{patientId}/record", { params: { path: { patientId: id } }, signal }),
    [id],
  );
  // The forms stay mounted while the record reloads after an entry.
  const shown = useKept(rec);
  const base = `/v1/doctor/patients/${encodeURIComponent(id)}`;
  return (
    <section className="card">
      <h1>{t("recTitle")}</h1>
      <Show loaded={shown} retry={retry}>
        {(r) => (
          <>
            <RecordHeader r={r} pdf={`${base}/record/pdf`} fhir={`${base}/record/fhir`} />
            <p>
              <Link href={`/doctor/patients/${encodeURIComponent(id)}/access-log`}>{t("alAccessLink")}</Link>
            </p>
            <NoteForm patientId={id} r={r} onSaved={retry} />
            <DiagnosisForm patientId={id} r={r} onSaved={retry} />
            <Timeline r={r} />
          </>
        )}
      </Show>
    </section>
  );
}

function RecordHeader({ r, pdf, fhir }: { r: MedRecord; pdf: string; fhir: string }) {
  const { t } = useI18n();
  return (
    <>
      <h2 data-testid="record-patient">{r.patient.name}</h2>
      {r.patient.birth_date ? (
        <p>
          {t("recBirthDate")}: {r.patient.birth_date}
        </p>
      ) : null}
      <p className="actions">
        <a href={pdf} download data-testid="record-pdf">
          {t("recDownloadPdf")}
        </a>{" "}
        <a href={fhir} download data-testid="record-fhir">
          {t("recDownloadFhir")}
        </a>
      </p>
    </>
  );
}

function ConsultationSelect({
  r,
  value,
  onChange,
  id,
}: {
  r: MedRecord;
  value: string;
  onChange: (v: string) => void;
  id: string;
}) {
  const { t, lang } = useI18n();
  const consultations = r.entries.filter((e) => e.kind === "consultation");
  return (
    <Field label={t("recForConsultation")} id={id}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t("recNoConsultation")}</option>
        {consultations.map((c) => (
          <option key={c.id} value={c.id}>
            {t(`type_${c.title ?? ""}`)} — {formatDateTime(c.at, lang)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function NoteForm({ patientId, r, onSaved }: { patientId: string; r: MedRecord; onSaved: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [consultation, setConsultation] = useState("");
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(
      () =>
        api.POST("/v1/doctor/patients/{patientId}/notes", {
          params: { path: { patientId } },
          body: { text, ...(consultation ? { consultation_id: consultation } : {}) },
        }),
      t("recSaved"),
    );
    if (res?.response.ok) {
      setText("");
      onSaved();
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate data-testid="note-form">
      <h3>{t("recAddNote")}</h3>
      <Field label={t("recNote")} id="note-text">
        <textarea
          id="note-text"
          rows={3}
          maxLength={5000}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
      <ConsultationSelect r={r} value={consultation} onChange={setConsultation} id="note-consultation" />
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("recAddNote")}
      </button>
    </form>
  );
}

function DiagnosisForm({ patientId, r, onSaved }: { patientId: string; r: MedRecord; onSaved: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [system, setSystem] = useState<"" | "icd10" | "snomed">("");
  const [code, setCode] = useState("");
  const [consultation, setConsultation] = useState("");
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(
      () =>
        api.POST("/v1/doctor/patients/{patientId}/diagnoses", {
          params: { path: { patientId } },
          body: {
            text,
            ...(system ? { code_system: system, code } : {}),
            ...(consultation ? { consultation_id: consultation } : {}),
          },
        }),
      t("recSaved"),
    );
    if (res?.response.ok) {
      setText("");
      setCode("");
      onSaved();
    }
  };
  return (
    <form className="stack" onSubmit={(e) => void submit(e)} noValidate data-testid="diagnosis-form">
      <h3>{t("recAddDiagnosis")}</h3>
      <Field label={t("recDiagnosis")} id="diagnosis-text">
        <input id="diagnosis-text" maxLength={500} value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <Field label={t("recCodeSystem")} id="diagnosis-system">
        <select
          id="diagnosis-system"
          value={system}
          onChange={(e) => setSystem(e.target.value as "" | "icd10" | "snomed")}
        >
          <option value="">{t("recCodeNone")}</option>
          <option value="icd10">{t("recCode_icd10")}</option>
          <option value="snomed">{t("recCode_snomed")}</option>
        </select>
      </Field>
      {system ? (
        <Field label={t("recCode")} id="diagnosis-code">
          <input
            id="diagnosis-code"
            maxLength={32}
            aria-describedby="diagnosis-code-hint"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
          <span className="muted" id="diagnosis-code-hint">
            {t("recCodeHint")}
          </span>
        </Field>
      ) : null}
      <ConsultationSelect r={r} value={consultation} onChange={setConsultation} id="diagnosis-consultation" />
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy}>
        {t("recAddDiagnosis")}
      </button>
    </form>
  );
}

/** entryTitle is the heading of a timeline entry in the reader's language. */
function entryTitle(t: (k: string) => string, e: Entry, doctors: MedRecord["doctors"]): string {
  const kind = t(`recKind_${e.kind}`);
  switch (e.kind) {
    case "consultation": {
      const doctor = doctors.find((d) => d.id === e.doctor_id)?.name;
      return `${kind}: ${t(`type_${e.title ?? ""}`)}${doctor ? ` — ${doctor}` : ""}`;
    }
    case "document":
      return `${t(`recDoc_${e.document_kind ?? ""}`)} ${e.title ?? ""}`;
    case "message":
    case "thread_message":
      return `${kind} ${t(`recFrom_${e.title ?? ""}`)}`;
    case "prescription":
    case "questionnaire":
      return `${kind}: ${e.title ?? ""}`;
    default:
      return kind;
  }
}

/** Timeline shows the record's entries, newest first. */
function Timeline({ r }: { r: MedRecord }) {
  const { t, lang } = useI18n();
  const entries = [...r.entries].reverse();
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t("recTimeline")}</h2>
      {entries.length === 0 ? (
        <p data-testid="record-empty">{t("recEmpty")}</p>
      ) : (
        <ol className="cards" data-testid="timeline">
          {entries.map((e) => (
            <li key={`${e.kind}-${e.id}`} className="item-card" data-kind={e.kind}>
              <p>
                <strong>{entryTitle(t, e, r.doctors)}</strong>
                <br />
                <span className="muted">{formatDateTime(e.at, lang)}</span>
              </p>
              {e.text ? <p className="prewrap">{e.text}</p> : null}
              {e.code ? (
                <p>
                  {t(`recCode_${e.code_system ?? ""}`)} {e.code}
                </p>
              ) : null}
              {e.details.length > 0 && e.kind !== "consultation" ? (
                <dl>
                  {e.details.map((d) => (
                    <div key={d.label}>
                      <dt>{t(d.label)}</dt>
                      <dd>{d.value}</dd>
                    </div>
                  ))}
                </dl>
              ) : null}
              {e.kind === "consultation" ? (
                <p className="muted">
                  {t(`status_${e.details.find((d) => d.label === "status")?.value ?? ""}`)}
                </p>
              ) : null}
              {e.url ? (
                <a
                  href={e.url}
                  download={e.kind !== "photo"}
                  target={e.kind === "photo" ? "_blank" : undefined}
                  rel="noreferrer"
                >
                  {t("recOpenFile")} <span className="visually-hidden">{entryTitle(t, e, r.doctors)}</span>
                </a>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function PortalRecordPage() {
  return (
    <RequireLogin roles={["patient"]}>
      {() => (
        <>
          <PortalNav current="/record" />
          <MyRecord />
        </>
      )}
    </RequireLogin>
  );
}

type Mine = { record?: MedRecord; pin?: string };

function MyRecord() {
  const { t } = useI18n();
  const [rec, retry] = useLoad(async (signal) => {
    const res = await api.GET("/v1/me/record", { signal });
    const pin = pinRefusal(res);
    const data: Mine | undefined = pin ? { pin } : res.data ? { record: res.data } : undefined;
    return { data, error: res.error, response: res.response };
  }, []);
  return (
    <section className="card">
      <h1>{t("recMyTitle")}</h1>
      <p>{t("recMyIntro")}</p>
      <Show loaded={rec} retry={retry}>
        {(v) =>
          v.pin || !v.record ? (
            <PinGate slug={v.pin ?? "pin-locked-session"} onUnlocked={retry} />
          ) : (
            <>
              <RecordHeader r={v.record} pdf="/v1/me/record/pdf" fhir="/v1/me/record/fhir" />
              <Timeline r={v.record} />
            </>
          )
        }
      </Show>
    </section>
  );
}
