/** The chat history, kept free of the API client so it is tested without a browser. */
import type { ChatMessage } from "./events";

/** mergeMessages adds messages to a history, once each, oldest first. */
export function mergeMessages(have: ChatMessage[], more: ChatMessage[]): ChatMessage[] {
  const byId = new Map(have.map((m) => [m.id, m]));
  for (const m of more) {
    const old = byId.get(m.id);
    // A locked copy (from the stream) never replaces a readable one.
    if (!old || (old.locked && !m.locked)) byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}
