/**
 * The consultation's live events (Server-Sent Events, GET …/events): status,
 * delay, chat, presence and queue, each one JSON object. EventSource
 * reconnects by itself (the server asks for 3 s) and resends the current
 * state on every new stream.
 */
import { useEffect, useRef } from "react";
import type { components } from "../api/schema";

export type StatusEvent = components["schemas"]["StatusEvent"];
export type DelayEvent = components["schemas"]["DelayEvent"];
export type ChatMessage = components["schemas"]["ChatMessage"];
export type PresenceEvent = components["schemas"]["PresenceEvent"];
export type QueueEvent = components["schemas"]["QueueEvent"];

export interface LiveHandlers {
  status?: (e: StatusEvent) => void;
  delay?: (e: DelayEvent) => void;
  chat?: (e: ChatMessage) => void;
  presence?: (e: PresenceEvent) => void;
  queue?: (e: QueueEvent) => void;
  /** the stream is (re)open: anything missed while it was down is in the state it resends */
  open?: () => void;
}

const kinds = ["status", "delay", "chat", "presence", "queue"] as const;

/** eventsURL is a consultation's event stream; a guest's token goes in the query (EventSource sends no headers). */
export function eventsURL(id: string, access: string): string {
  const path = `/v1/consultations/${encodeURIComponent(id)}/events`;
  return access ? `${path}?access=${encodeURIComponent(access)}` : path;
}

/** parseEvent reads one event's data, or undefined for anything that is not a JSON object. */
export function parseEvent(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const v: unknown = JSON.parse(data);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** useLiveEvents follows an event stream (url) while on; handlers may change between renders. */
export function useLiveEvents(url: string | undefined, handlers: LiveHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!url || typeof EventSource === "undefined") return;
    const es = new EventSource(url, { withCredentials: true });
    es.onopen = () => ref.current.open?.();
    for (const kind of kinds) {
      es.addEventListener(kind, (e: MessageEvent) => {
        const v = parseEvent(e.data);
        // biome-ignore lint/suspicious/noExplicitAny: each handler takes its own event type, chosen by kind
        if (v) (ref.current[kind] as ((x: any) => void) | undefined)?.(v);
      });
    }
    return () => es.close();
  }, [url]);
}
