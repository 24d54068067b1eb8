// Secure messaging: the patient's threads and one thread (behind the PIN),
// the doctor's inbox and thread in the dashboard. A thread page follows its
// event stream, so the other side's messages appear while it is open.
import { type FormEvent, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { components } from "../api/schema";
import { Field, Link, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { fill } from "../public";
import { parseEvent } from "../video/events";
import { OutcomeNotice, PinGate, pinRefusal, RequireLogin, Show, useAction } from "./portalParts";
import { Loading, useLoad } from "./publicParts";

type Thread = components["schemas"]["Thread"];
type Message = components["schemas"]["ThreadMessage"];
type ThreadEvent = components["schemas"]["ThreadEvent"];

/** MessagesPage is the patient's list of threads, and the doctors to write to. */
export function MessagesPage() {
  return <RequireLogin roles={["patient"]}>{() => <PatientThreads />}</RequireLogin>;
}

function PatientThreads() {
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [loaded, retry] = useLoad(async (signal) => {
    const res = await api.GET("/v1/me/threads", { signal });
    setPin(res.data ? "" : pinRefusal(res));
    return res;
  }, []);
  if (pin) return <PinGate slug={pin} onUnlocked={retry} />;
  return (
    <section className="card">
      <h1>{t("msgTitle")}</h1>
      <Show loaded={loaded} retry={retry}>
        {({ items, doctors }) => (
          <>
            {items.length === 0 && doctors.length === 0 ? <p data-testid="msg-none">{t("msgNone")}</p> : null}
            <ul className="threads">
              {items.map((th) => (
                <li key={th.id}>
                  <Link href={`/messages/${th.id}`} data-testid="thread-link">
                    {th.doctor_name}
                  </Link>
                  {th.unread > 0 ? (
                    <span className="badge" data-testid="thread-unread">
                      {fill(t("msgUnread"), { n: th.unread })}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
            {doctors.length > 0 ? (
              <>
                <h2>{t("msgStartWith")}</h2>
                <ul>
                  {doctors.map((d) => (
                    <li key={d.id}>
                      <Link href={`/messages/doctor/${d.id}`}>{d.name}</Link>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            <EmailSetting />
          </>
        )}
      </Show>
    </section>
  );
}

/** EmailSetting switches the content-free email notice on or off. */
function EmailSetting() {
  const { t } = useI18n();
  const [on, setOn] = useState<boolean | undefined>();
  const { outcome, run } = useAction();
  useEffect(() => {
    void api.GET("/v1/me/message-settings").then((r) => setOn(r.data?.email ?? false));
  }, []);
  if (on === undefined) return null;
  const toggle = async (email: boolean) => {
    const res = await run(() => api.PUT("/v1/me/message-settings", { body: { email } }), t("msgSaved"));
    if (res?.data) setOn(res.data.email);
  };
  return (
    <div className="msg-setting">
      <label>
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => void toggle(e.target.checked)}
          data-testid="msg-email"
        />{" "}
        {t("msgEmailNotice")}
      </label>
      <OutcomeNotice outcome={outcome} />
    </div>
  );
}

/** MessageDoctorPage opens (or starts) the patient's thread with a doctor and goes there. */
export function MessageDoctorPage({ doctorId }: { doctorId: string }) {
  return <RequireLogin roles={["patient"]}>{() => <OpenThread doctorId={doctorId} />}</RequireLogin>;
}

function OpenThread({ doctorId }: { doctorId: string }) {
  const { t } = useI18n();
  const [pin, setPin] = useState("");
  const [loaded, retry] = useLoad(
    async (signal) => {
      const res = await api.POST("/v1/me/threads", { body: { doctor_id: doctorId }, signal });
      setPin(res.data ? "" : pinRefusal(res));
      return res;
    },
    [doctorId],
  );
  useEffect(() => {
    if (loaded.state === "ok") history.replaceState(null, "", `/messages/${loaded.value.id}`);
  }, [loaded]);
  if (pin) return <PinGate slug={pin} onUnlocked={retry} />;
  if (loaded.state === "ok") return <ThreadView id={loaded.value.id} side="patient" />;
  return (
    <section className="card">
      <p>{t("msgOpening")}</p>
      <Show loaded={loaded} retry={retry}>
        {() => null}
      </Show>
    </section>
  );
}

/** ThreadPage is the patient's page of one thread. */
export function ThreadPage({ id }: { id: string }) {
  return <RequireLogin roles={["patient"]}>{() => <ThreadView id={id} side="patient" />}</RequireLogin>;
}

/** DoctorThreadPage is the dashboard page of one thread. */
export function DoctorThreadPage({ id }: { id: string }) {
  return <RequireLogin roles={["doctor"]}>{() => <ThreadView id={id} side="doctor" />}</RequireLogin>;
}

/** DoctorMessagesPage is the doctor's inbox, kept current by the dashboard stream. */
export function DoctorMessagesPage() {
  return <RequireLogin roles={["doctor"]}>{() => <DoctorInbox />}</RequireLogin>;
}

function DoctorInbox() {
  const { t, lang } = useI18n();
  const [loaded, retry] = useLoad((signal) => api.GET("/v1/doctor/threads", { signal }), []);
  const retryRef = useRef(retry);
  retryRef.current = retry;
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const es = new EventSource("/v1/doctor/events", { withCredentials: true });
    es.addEventListener("inbox", () => retryRef.current());
    return () => es.close();
  }, []);
  return (
    <section className="card">
      <h1>{t("msgInbox")}</h1>
      <Show loaded={loaded} retry={retry}>
        {({ items }) =>
          items.length === 0 ? (
            <p>{t("msgNone")}</p>
          ) : (
            <ul className="threads">
              {items.map((th) => (
                <li key={th.id}>
                  <Link href={`/doctor/messages/${th.id}`} data-testid="inbox-thread">
                    {th.patient_name}
                  </Link>{" "}
                  {th.last_message_at ? <small>{formatDateTime(th.last_message_at, lang)}</small> : null}
                  {th.unread > 0 ? (
                    <span className="badge" data-testid="inbox-unread">
                      {fill(t("msgUnread"), { n: th.unread })}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

interface Page {
  thread: Thread;
  items: Message[];
  notice: string;
  role: "patient" | "doctor";
  can_write: boolean;
}

/** mergeMessage adds or replaces one message, keeping seq order. */
export function mergeMessage(items: Message[], m: Message): Message[] {
  const rest = items.filter((x) => x.id !== m.id);
  rest.push(m);
  return rest.sort((a, b) => a.seq - b.seq);
}

/**
 * ThreadView is one thread, live: its messages, the composer and (for the
 * doctor) the tools. Embedded in another page (the doctor's consultation)
 * it leaves out the way back and the page heading.
 */
export function ThreadView({
  id,
  side: role,
  embedded = false,
}: {
  id: string;
  side: "patient" | "doctor";
  embedded?: boolean;
}) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState<Page | undefined>();
  const [pin, setPin] = useState("");
  const [loaded, retry] = useLoad(
    async (signal) => {
      const res = await api.GET("/v1/threads/{threadId}", { params: { path: { threadId: id } }, signal });
      setPin(res.data ? "" : pinRefusal(res));
      if (res.data) setPage(res.data as Page);
      return res;
    },
    [id],
  );
  const pageRef = useRef(page);
  pageRef.current = page;
  const ready = page !== undefined;
  // Mark the other side's messages read whenever new ones are shown.
  const lastOther = page?.items.filter((m) => m.from_role !== role).at(-1)?.seq ?? 0;
  useEffect(() => {
    if (lastOther > 0) {
      void api.POST("/v1/threads/{threadId}/read", {
        params: { path: { threadId: id } },
        body: { up_to_seq: lastOther },
      });
    }
  }, [id, lastOther]);
  useEffect(() => {
    if (!ready || typeof EventSource === "undefined") return;
    const es = new EventSource(`/v1/threads/${encodeURIComponent(id)}/events`, { withCredentials: true });
    es.addEventListener("message", (e: MessageEvent) => {
      const m = parseEvent(e.data) as Message | undefined;
      if (m && !m.locked) setPage((p) => (p ? { ...p, items: mergeMessage(p.items, m) } : p));
    });
    es.addEventListener("thread", (e: MessageEvent) => {
      const ev = parseEvent(e.data) as ThreadEvent | undefined;
      if (!ev) return;
      setPage((p) => {
        if (!p) return p;
        const items =
          ev.read_by && ev.read_seq
            ? p.items.map((m) =>
                m.from_role !== ev.read_by && m.seq <= (ev.read_seq ?? 0) && !m.read_at
                  ? { ...m, read_at: ev.at }
                  : m,
              )
            : p.items;
        return {
          ...p,
          items,
          thread: { ...p.thread, status: ev.status },
          can_write: role === "doctor" || ev.status === "open",
        };
      });
    });
    return () => es.close();
  }, [id, ready, role]);

  if (pin) return <PinGate slug={pin} onUnlocked={retry} />;
  if (!page) {
    return (
      <Show loaded={loaded} retry={retry}>
        {() => <Loading />}
      </Show>
    );
  }
  const th = page.thread;
  const other = role === "patient" ? th.doctor_name : th.patient_name;
  return (
    <section className={embedded ? "thread" : "card thread"} data-testid="thread" data-status={th.status}>
      {embedded ? null : (
        <>
          <p>
            <Link href={role === "patient" ? "/messages" : "/doctor/messages"}>
              {role === "patient" ? t("msgTitle") : t("msgInbox")}
            </Link>
          </p>
          <h1>{fill(t("msgWith"), { name: other })}</h1>
        </>
      )}
      <Notice kind="info">
        <span data-testid="msg-notice">{page.notice}</span>
      </Notice>
      {th.status === "closed" ? (
        <Notice kind="info">
          <span data-testid="msg-closed">{role === "patient" ? t("msgClosed") : t("msgClosedDoctor")}</span>
        </Notice>
      ) : null}
      {page.items.length === 0 ? <p>{t("msgEmpty")}</p> : null}
      <ol className="messages" aria-live="polite" data-testid="messages">
        {page.items.map((m) => (
          <li
            key={m.id}
            className={m.from_role === role ? "mine" : "theirs"}
            data-testid="message"
            data-seq={m.seq}
          >
            <small>
              {m.from_role === role
                ? t("msgYou")
                : m.from_role === "doctor"
                  ? t("msgOther")
                  : t("msgPatient")}{" "}
              · {formatDateTime(m.at, lang)}
              {m.from_role === role && m.read_at ? ` · ${t("msgRead")}` : ""}
            </small>
            {m.text ? <p className="msg-text">{m.text}</p> : null}
            {m.kind === "link" && m.link_url ? (
              <p>
                <a href={m.link_url} target="_blank" rel="noopener noreferrer nofollow">
                  {m.title || m.link_url}
                </a>
              </p>
            ) : null}
            {m.file_url ? (
              <p>
                <a href={m.file_url} download>
                  {m.title || t("msgDownload")}
                </a>
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {page.can_write ? (
        <Composer
          id={id}
          onSent={(m) => setPage((p) => (p ? { ...p, items: mergeMessage(p.items, m) } : p))}
        />
      ) : null}
      {role === "doctor" ? <DoctorTools id={id} page={page} onChange={(p) => setPage(p)} /> : null}
      <p className="hint">{t("msgLive")}</p>
    </section>
  );
}

function Composer({ id, onSent }: { id: string; onSent: (m: Message) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const { busy, outcome, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/v1/threads/{threadId}/messages", { params: { path: { threadId: id } }, body: { text } }),
    );
    if (res?.data) {
      onSent(res.data);
      setText("");
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="composer">
      <Field label={t("msgWrite")} id="msg-text">
        <textarea
          id="msg-text"
          maxLength={2000}
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
      <OutcomeNotice outcome={outcome} />
      <button type="submit" disabled={busy || text.trim() === ""} data-testid="msg-send">
        {t("msgSend")}
      </button>
    </form>
  );
}

function DoctorTools({ id, page, onChange }: { id: string; page: Page; onChange: (p: Page) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState("");
  const [fileTitle, setFileTitle] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const { busy, outcome, run } = useAction();
  const path = { params: { path: { threadId: id } } };
  const add = (m: Message) => onChange({ ...page, items: mergeMessage(page.items, m) });
  const share = async (e: FormEvent) => {
    e.preventDefault();
    const res = await run(() =>
      api.POST("/v1/threads/{threadId}/messages", { ...path, body: { link: { url, title } } }),
    );
    if (res?.data) {
      add(res.data);
      setUrl("");
      setTitle("");
    }
  };
  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    form.append("title", fileTitle);
    const res = await run(() =>
      api.POST("/v1/threads/{threadId}/files", {
        ...path,
        // biome-ignore lint/suspicious/noExplicitAny: multipart body is FormData, sent as is
        body: form as any,
        bodySerializer: (b) => b as unknown as FormData,
      }),
    );
    if (res?.data) {
      add(res.data);
      setFileTitle("");
      setFile(null);
    }
  };
  const setStatus = async (open: boolean) => {
    const res = await run(() =>
      open ? api.POST("/v1/threads/{threadId}/reopen", path) : api.POST("/v1/threads/{threadId}/close", path),
    );
    if (res?.data) onChange({ ...page, thread: res.data });
  };
  return (
    <div className="doctor-tools">
      <form onSubmit={(e) => void share(e)}>
        <h2>{t("msgShareLink")}</h2>
        <Field label={t("msgLinkUrl")} id="msg-link-url">
          <input id="msg-link-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
        <Field label={t("msgLinkTitle")} id="msg-link-title">
          <input
            id="msg-link-title"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
          />
        </Field>
        <button type="submit" disabled={busy || url === ""}>
          {t("msgShareLink")}
        </button>
      </form>
      <form onSubmit={(e) => void upload(e)}>
        <h2>{t("msgShareFile")}</h2>
        <Field label={t("msgFileTitle")} id="msg-file-title">
          <input
            id="msg-file-title"
            value={fileTitle}
            maxLength={200}
            onChange={(e) => setFileTitle(e.target.value)}
          />
        </Field>
        <Field label={t("msgShareFile")} id="msg-file">
          <input
            id="msg-file"
            type="file"
            accept="application/pdf,image/jpeg,image/png"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <button type="submit" disabled={busy || !file || fileTitle === ""}>
          {t("msgUpload")}
        </button>
      </form>
      <OutcomeNotice outcome={outcome} />
      {page.thread.status === "open" ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void setStatus(false)}
          data-testid="msg-close"
        >
          {t("msgClose")}
        </button>
      ) : (
        <button
          type="button"
          className="secondary"
          onClick={() => void setStatus(true)}
          data-testid="msg-reopen"
        >
          {t("msgReopen")}
        </button>
      )}
    </div>
  );
}
