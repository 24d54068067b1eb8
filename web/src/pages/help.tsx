// The FAQ for patients (/help, /help/:id): its content is Markdown per
// language built into the client (web/content/faq), searched here with
// diacritics folded; each answer links to the page where the reader acts.
import { Fragment, useEffect, useMemo, useState } from "react";
import { Link } from "../components";
import { type Block, type Entry, type Inline, search } from "../faq";
import { categories, faq } from "../faqContent";
import { useI18n } from "../i18n";
import { fill } from "../public";
import "../help.css";

function Runs({ runs }: { runs: Inline[] }) {
  return (
    <>
      {runs.map((r, i) => {
        const key = `${i}:${r.text}`;
        if (r.kind === "strong") return <strong key={key}>{r.text}</strong>;
        if (r.kind === "link")
          return (
            <Link key={key} href={r.href}>
              {r.text}
            </Link>
          );
        return <Fragment key={key}>{r.text}</Fragment>;
      })}
    </>
  );
}

/** Blocks renders parsed Markdown blocks (the FAQ's answers, the doctors' guide). */
export function Blocks({ blocks }: { blocks: Block[] }) {
  return (
    <>
      {blocks.map((b, i) => {
        const key = `${b.kind}${i}`;
        if (b.kind === "p")
          return (
            <p key={key}>
              <Runs runs={b.inlines} />
            </p>
          );
        const items = b.items.map((runs, j) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the answer's items never reorder
          <li key={j}>
            <Runs runs={runs} />
          </li>
        ));
        return b.kind === "ul" ? <ul key={key}>{items}</ul> : <ol key={key}>{items}</ol>;
      })}
    </>
  );
}

/** Answer is one entry: its text and the link to act on it. */
function Answer({ entry }: { entry: Entry }) {
  const { t } = useI18n();
  return (
    <div className="faq-answer">
      <Blocks blocks={entry.body} />
      <p>
        <Link href={entry.link} className="button secondary" data-testid="faq-act">
          {t("hlpAct")}
        </Link>
      </p>
    </div>
  );
}

/**
 * Question is one entry folded: its answer is rendered only while open, so
 * closed answers' links are no Tab stops. A search with few answers opens them.
 */
function Question({ entry, open }: { entry: Entry; open: boolean }) {
  const [shown, setShown] = useState(open);
  useEffect(() => setShown(open), [open]);
  return (
    <details
      className="faq"
      data-faq={entry.id}
      open={shown}
      onToggle={(e) => setShown(e.currentTarget.open)}
    >
      <summary>{entry.title}</summary>
      {shown ? (
        <>
          <Answer entry={entry} />
          <p className="muted">
            <Link href={`/help/${entry.id}`}>#{entry.id}</Link>
          </p>
        </>
      ) : null}
    </details>
  );
}

export function HelpPage() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState("");
  const entries = faq[lang];
  const found = useMemo(() => search(entries, q), [entries, q]);
  const searching = q.trim() !== "";
  const groups = categories
    .map((c) => ({ c, list: found.filter((e) => e.category === c) }))
    .filter((g) => g.list.length > 0);
  return (
    <section className="card help">
      <h1>{t("hlpTitle")}</h1>
      <p>{t("hlpIntro")}</p>
      <search className="field">
        <label htmlFor="faq-search">{t("hlpSearch")}</label>
        <input
          id="faq-search"
          type="search"
          value={q}
          placeholder={t("hlpSearchHint")}
          autoComplete="off"
          onChange={(e) => setQ(e.target.value)}
        />
      </search>
      <p role="status" className="muted" data-testid="faq-count">
        {searching
          ? found.length
            ? fill(t("hlpResults"), { n: found.length })
            : fill(t("hlpNone"), { q: q.trim() })
          : ""}
      </p>
      {(searching ? [{ c: "", list: found }] : groups).map((g) => (
        <div key={g.c || "results"} className="faq-group">
          {g.c ? <h2>{t(`hlpCat_${g.c}`)}</h2> : null}
          {g.list.map((e) => (
            <Question key={e.id} entry={e} open={searching && found.length <= 3} />
          ))}
        </div>
      ))}
      <p>
        <Link href="/support/technical">{t("hlpTechnical")}</Link>
      </p>
      <p>
        <Link href="/contact">{t("hlpContact")}</Link>
      </p>
    </section>
  );
}

export function HelpEntryPage({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const entry = faq[lang].find((e) => e.id === id);
  return (
    <section className="card narrow help">
      {entry ? (
        <article data-faq={entry.id}>
          <h1>{entry.title}</h1>
          <Answer entry={entry} />
        </article>
      ) : (
        <>
          <h1>{t("notFoundTitle")}</h1>
          <p>{t("hlpNotFound")}</p>
        </>
      )}
      <p>
        <Link href="/help">{t("hlpBack")}</Link>
      </p>
    </section>
  );
}
