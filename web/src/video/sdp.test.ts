import { describe, expect, it } from "vitest";
import { planAnswer, sectionsOf } from "./sdp";

const sdp = (sections: string[][]) =>
  ["v=0", "o=- 1 2 IN IP4 0.0.0.0", "s=-", "t=0 0", ...sections.flat(), ""].join("\r\n");

const first = sdp([
  ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=recvonly"],
  ["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=recvonly"],
]);

// The echo: pion reuses the client's publishing sections to send its own media back.
const echo = sdp([
  ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=msid:patient audio", "a=sendrecv"],
  ["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=msid:patient video", "a=sendrecv"],
]);

const later = sdp([
  ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=sendrecv", "a=msid:doctor audio"],
  ["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:1", "a=recvonly"],
  ["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:2", "a=msid:doctor video", "a=sendonly"],
  ["m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:3", "a=inactive"],
  ["m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:4", "a=recvonly"],
]);

describe("sectionsOf", () => {
  it("reads mid, kind, direction and stream of every media section", () => {
    expect(sectionsOf(echo)).toEqual([
      { mid: "0", kind: "audio", direction: "sendrecv", stream: "patient" },
      { mid: "1", kind: "video", direction: "sendrecv", stream: "patient" },
    ]);
  });
});

describe("planAnswer", () => {
  it("publishes where the SFU receives", () => {
    expect([...planAnswer(first)]).toEqual([
      ["0", { direction: "sendonly", publish: "audio" }],
      ["1", { direction: "sendonly", publish: "video" }],
    ]);
  });
  it("also receives on a publishing section the SFU sends on (the echo)", () => {
    expect([...planAnswer(echo)]).toEqual([
      ["0", { direction: "sendrecv", publish: "audio", from: "patient" }],
      ["1", { direction: "sendrecv", publish: "video", from: "patient" }],
    ]);
  });
  it("publishes once per kind, receives where the SFU sends, and leaves the rest inactive", () => {
    expect([...planAnswer(later)]).toEqual([
      ["0", { direction: "sendrecv", publish: "audio", from: "doctor" }],
      ["1", { direction: "sendonly", publish: "video" }],
      ["2", { direction: "recvonly", from: "doctor" }],
      ["3", { direction: "inactive" }],
      ["4", { direction: "inactive" }],
    ]);
  });
});
