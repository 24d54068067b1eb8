// DateInput is the one date field of the client: a text field that shows
// and reads dates in the reader's language (Dutch dd-mm-jjjj, English
// dd/mm/yyyy), where the browser's own date picker would follow the
// browser's locale instead. The page gets an ISO date (YYYY-MM-DD), "" when
// empty, or the typed text when it is no date (so the page's own check, or
// the API, refuses it).
import { useEffect, useRef, useState } from "react";
import { checkDate, datePattern, formatDate, parseDate } from "./dates";
import { useI18n } from "./i18n";
import { fill } from "./public";
import "./dateInput.css";

export interface DateInputProps {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  /** min and max are ISO dates; a date outside them is marked and explained. */
  min?: string;
  max?: string;
  autoComplete?: string;
  "aria-label"?: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

export function DateInput(props: DateInputProps) {
  const { id, value, onChange, min = "", max = "" } = props;
  const { t, lang } = useI18n();
  const [text, setText] = useState(() => formatDate(value, lang));
  const [touched, setTouched] = useState(false);
  // A value set from outside (a reset, a default) rewrites the text; a
  // language switch rewrites a date in the new language's way.
  const shownLang = useRef(lang);
  useEffect(() => {
    const switched = shownLang.current !== lang;
    shownLang.current = lang;
    setText((typed) => {
      const own = parseDate(typed);
      if (own === value || typed === value) return switched && own ? formatDate(own, lang) : typed;
      return formatDate(value, lang);
    });
  }, [value, lang]);
  const check = checkDate(text, min, max);
  const wrong = touched && check.state !== "ok" && check.state !== "empty";
  const pattern = datePattern(lang);
  const hintId = `${id ?? props["aria-label"]?.replace(/\W+/g, "-") ?? "date"}-format`;
  let hint = fill(t("dateFormat"), { pattern });
  if (wrong && check.state === "invalid") hint = fill(t("dateInvalid"), { pattern });
  if (wrong && check.state === "early") hint = fill(t("dateEarly"), { date: formatDate(min, lang) });
  if (wrong && check.state === "late") hint = fill(t("dateLate"), { date: formatDate(max, lang) });
  const described = [props["aria-describedby"], hintId].filter(Boolean).join(" ");
  return (
    <span className="date-input">
      <input
        id={id}
        type="text"
        lang={lang === "en" ? "en-GB" : "nl-NL"}
        placeholder={pattern}
        autoComplete={props.autoComplete ?? "off"}
        spellCheck={false}
        maxLength={24}
        min={min || undefined}
        max={max || undefined}
        data-date={check.state === "ok" ? check.iso : ""}
        aria-label={props["aria-label"]}
        aria-describedby={described}
        aria-invalid={wrong || props["aria-invalid"] || undefined}
        value={text}
        onChange={(e) => {
          const typed = e.target.value;
          setText(typed);
          const iso = parseDate(typed);
          onChange(iso === undefined ? typed : iso);
        }}
        onBlur={() => {
          setTouched(true);
          const iso = parseDate(text);
          if (iso) setText(formatDate(iso, lang));
        }}
      />
      <span id={hintId} className={wrong ? "field-error date-hint" : "hint date-hint"}>
        {hint}
      </span>
    </span>
  );
}
