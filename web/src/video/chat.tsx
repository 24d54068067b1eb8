/**
 * The chat between patient and doctor: the history from GET …/chat, new
 * messages from the live events, sending with POST …/chat. For a logged-in
 * patient the chat is part of the medical record, behind the PIN.
 */
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { messageOfAnswer } from "../problems";
import type { ChatMessage } from "./events";
import { mergeMessages } from "./messages";

export interface ChatState {
  messages: ChatMessage[];
  open: boolean;
  /** "pin" when the patient must unlock the PIN first */
  access: "ok" | "pin" | "error" | "loading";
  pinSlug: string;
  add: (m: ChatMessage) => void;
  reload: () => Promise<void>;
}

/** useChat loads a consultation's chat and takes new messages from the live events. */
export function useChat(id: string): ChatState {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [open, setOpen] = useState(true);
  const [access, setAccess] = useState<ChatState["access"]>("loading");
  const [pinSlug, setPinSlug] = useState("");
  const reload = useCallback(async () => {
    try {
      const { data, error, response } = await api.GET("/v1/consultations/{id}/chat", {
        params: { path: { id } },
      });
      if (data) {
        setMessages((have) => mergeMessages(have, data.items));
        setOpen(data.open);
        setAccess("ok");
      } else if (response.status === 403) {
        setPinSlug((error?.type ?? "").split("/").pop() ?? "");
        setAccess("pin");
      } else setAccess("error");
    } catch {
      setAccess("error");
    }
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const add = useCallback(
    (m: ChatMessage) => {
      // A message without its text (the PIN is locked) is read again through the API.
      if (m.locked) void reload();
      else setMessages((have) => mergeMessages(have, [m]));
    },
    [reload],
  );
  return { messages, open, access, pinSlug, add, reload };
}

/** ChatPanel shows the messages and a box to send one. */
export function ChatPanel({
  id,
  chat,
  me,
  pinGate,
}: {
  id: string;
  chat: ChatState;
  me: "patient" | "doctor";
  pinGate?: ReactNode;
}) {
  const { t, lang } = useI18n();
  const [text, setText] = useState("");
  const [error, setError] = useState("");
  const log = useRef<HTMLOListElement>(null);
  const count = chat.messages.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll down when a message arrives
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [count]);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setError("");
    const {
      data,
      response,
      error: problem,
    } = await api.POST("/v1/consultations/{id}/chat", {
      params: { path: { id } },
      body: { text },
    });
    if (data) {
      chat.add(data);
      setText("");
    } else setError(messageOfAnswer(t, lang, response, problem));
  };
  const who = (role: string) =>
    role === me
      ? t("videoChatFromMe")
      : role === "doctor"
        ? t("videoChatFromDoctor")
        : t("videoChatFromPatient");
  return (
    <section className="chat" aria-labelledby="chat-title" data-testid="chat">
      <h2 id="chat-title">{t("videoChat")}</h2>
      {chat.access === "pin" ? (
        pinGate
      ) : (
        <>
          <ol className="chat-log" ref={log} aria-live="polite">
            {chat.messages.length === 0 ? <li className="muted">{t("videoChatEmpty")}</li> : null}
            {chat.messages.map((m) => (
              <li key={m.id} data-from={m.from_role}>
                <span className="from">{who(m.from_role)}</span>
                <span className="prewrap">{m.text}</span>
              </li>
            ))}
          </ol>
          {chat.open ? (
            <form className="chat-form" onSubmit={(e) => void send(e)}>
              <label htmlFor={`chat-text-${me}`} className="visually-hidden">
                {t("videoChatPlaceholder")}
              </label>
              <input
                id={`chat-text-${me}`}
                maxLength={2000}
                placeholder={t("videoChatPlaceholder")}
                value={text}
                onChange={(e) => setText(e.target.value)}
              />
              <button type="submit">{t("videoChatSend")}</button>
            </form>
          ) : null}
          {error ? <p className="notice notice-error">{error}</p> : null}
        </>
      )}
    </section>
  );
}
