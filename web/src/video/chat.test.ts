import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./events";
import { mergeMessages } from "./messages";

const msg = (id: string, at: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  consultation_id: "c",
  from_role: "patient",
  at,
  text: `text ${id}`,
  ...extra,
});

describe("mergeMessages", () => {
  it("keeps each message once, oldest first", () => {
    const a = msg("a", "2026-12-01T10:00:00Z");
    const b = msg("b", "2026-12-01T10:01:00Z");
    const c = msg("c", "2026-12-01T09:59:00Z");
    expect(mergeMessages([a, b], [b, c]).map((m) => m.id)).toEqual(["c", "a", "b"]);
  });
  it("lets a readable copy replace a locked one, never the other way", () => {
    const locked = msg("a", "2026-12-01T10:00:00Z", { text: undefined, locked: true });
    const open = msg("a", "2026-12-01T10:00:00Z");
    expect(mergeMessages([locked], [open])[0]?.text).toBe("text a");
    expect(mergeMessages([open], [locked])[0]?.text).toBe("text a");
  });
});
