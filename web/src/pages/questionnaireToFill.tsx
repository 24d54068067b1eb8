// The portal's list of the doctors' questionnaires still to fill in. It is
// its own module so the portal (in the entry bundle) does not pull in the
// questionnaire page, which is loaded lazily when its link is opened.
import { api } from "../api/client";
import { Link } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { useLoad } from "./publicParts";

/** QuestionnairesToFill lists the patient's questionnaires still to fill in (nothing if none). */
export function QuestionnairesToFill() {
  const { t, lang } = useI18n();
  const [loaded] = useLoad((signal) => api.GET("/v1/me/questionnaires", { signal }), []);
  if (loaded.state !== "ok" || loaded.value.items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="qnr-to-fill" data-testid="questionnaires-to-fill">
      <h2 id="qnr-to-fill">{t("qnrToFill")}</h2>
      <ul className="plain">
        {loaded.value.items.map((it) => (
          <li key={it.consultation_id}>
            <strong>{it.title}</strong> · {it.doctor_name} · {t(`type_${it.consultation_type}`)}
            {it.starts_at ? ` · ${formatDateTime(it.starts_at, lang)}` : ""}{" "}
            <Link className="button" href={`/consultations/${it.consultation_id}/questionnaire`}>
              {t("qnrFillNow")}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
