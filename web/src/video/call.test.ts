import { describe, expect, it } from "vitest";
import { backoffFor, Call, type CallDeps, reconnect, TicketRefused, wsURL } from "./call";

const offer = (mids: ([string, string, string] | [string, string, string, string])[]) =>
  [
    "v=0",
    ...mids.flatMap(([mid, kind, dir, msid]) => [
      `m=${kind} 9 UDP/TLS/RTP/SAVPF 96`,
      `a=mid:${mid}`,
      ...(msid ? [`a=msid:${msid} ${kind}`] : []),
      `a=${dir}`,
    ]),
    "",
  ].join("\r\n");

class FakeWS {
  static all: FakeWS[] = [];
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(public url: string) {
    FakeWS.all.push(this);
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    this.readyState = 3;
  }
  deliver(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

class FakeSender {
  track: unknown = null;
  async replaceTrack(t: unknown) {
    this.track = t;
  }
}

class FakePC {
  static all: FakePC[] = [];
  remoteDescription: { sdp: string } | null = null;
  connectionState = "new";
  transceivers: {
    mid: string;
    direction: string;
    sender: FakeSender;
    receiver: { track: { kind: string; id: string } };
  }[] = [];
  candidates: unknown[] = [];
  closed = false;
  onicecandidate: unknown = null;
  ontrack: unknown = null;
  onconnectionstatechange: (() => void) | null = null;
  constructor(public config: RTCConfiguration) {
    FakePC.all.push(this);
  }
  async setRemoteDescription(d: { sdp: string }) {
    this.remoteDescription = d;
    let kind = "";
    for (const line of d.sdp.split("\r\n")) {
      kind = line.match(/^m=(\w+)/)?.[1] ?? kind;
      const mid = line.match(/^a=mid:(.*)$/)?.[1];
      if (mid && !this.transceivers.some((t) => t.mid === mid))
        this.transceivers.push({
          mid,
          direction: "recvonly",
          sender: new FakeSender(),
          receiver: { track: { kind, id: `recv-${mid}` } },
        });
    }
  }
  getTransceivers() {
    return this.transceivers;
  }
  async createAnswer() {
    return { type: "answer", sdp: `answer-to-${this.transceivers.length}` };
  }
  async setLocalDescription() {}
  async addIceCandidate(c: unknown) {
    this.candidates.push(c);
  }
  close() {
    this.closed = true;
  }
  setState(s: string) {
    this.connectionState = s;
    this.onconnectionstatechange?.();
  }
}

class FakeStream {
  tracks: { kind: string }[];
  constructor(tracks: { kind: string }[] = []) {
    this.tracks = tracks;
  }
  getTracks() {
    return this.tracks;
  }
  addTrack(t: { kind: string }) {
    this.tracks.push(t);
  }
  removeTrack(t: { kind: string }) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

function setup(tickets: (() => Promise<{ token: string; ws_url: string }>) | undefined = undefined) {
  FakeWS.all = [];
  FakePC.all = [];
  const timers: { f: () => void; ms: number; live: boolean }[] = [];
  const deps: Partial<CallDeps> = {
    WebSocket: FakeWS as unknown as CallDeps["WebSocket"],
    RTCPeerConnection: FakePC as unknown as CallDeps["RTCPeerConnection"],
    MediaStream: FakeStream as unknown as CallDeps["MediaStream"],
    setTimeout: (f, ms) => {
      const t = { f, ms, live: true };
      timers.push(t);
      return t;
    },
    clearTimeout: (t) => {
      (t as { live: boolean }).live = false;
    },
    base: "https://derma.example/consultations/1/waiting-room",
  };
  const audio = { kind: "audio" };
  const video = { kind: "video" };
  const local = new FakeStream([audio, video]) as unknown as MediaStream;
  const statuses: string[] = [];
  const remotes: Record<string, string[] | null> = {};
  let n = 0;
  const ticket = tickets ?? (async () => ({ token: `tok${++n}`, ws_url: "/v1/video/ws" }));
  const call = new Call(
    ticket,
    local,
    {
      onStatus: (s) => statuses.push(s),
      onRemote: (role, stream) => {
        remotes[role] = stream ? stream.getTracks().map((t) => t.id) : null;
      },
    },
    deps,
  );
  /** fire runs the pending timers (those due within ms). */
  const fire = (ms: number) => {
    for (const t of timers.splice(0)) {
      if (t.live && t.ms <= ms) t.f();
      else if (t.live) timers.push(t);
    }
  };
  return { call, statuses, remotes, fire, timers, audio, video };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("wsURL", () => {
  it("makes the signalling URL absolute on the page's scheme, with the token", () => {
    expect(wsURL({ token: "a b", ws_url: "/v1/video/ws" }, "https://x.nl/p")).toBe(
      "wss://x.nl/v1/video/ws?token=a+b",
    );
    expect(wsURL({ token: "t", ws_url: "/v1/video/ws?token=t" }, "http://127.0.0.1:8080/")).toBe(
      "ws://127.0.0.1:8080/v1/video/ws?token=t",
    );
  });
});

describe("backoffFor", () => {
  it("doubles up to the cap", () => {
    expect(backoffFor(1)).toBe(reconnect.backoff);
    expect(backoffFor(2)).toBe(reconnect.backoff * 2);
    expect(backoffFor(30)).toBe(reconnect.maxBackoff);
  });
});

describe("Call", () => {
  it("answers the SFU's offer, publishing camera and microphone where the SFU receives", async () => {
    const { call, audio, video } = setup();
    call.start();
    await tick();
    const ws = FakeWS.all[0];
    expect(ws?.url).toBe("wss://derma.example/v1/video/ws?token=tok1");
    ws?.deliver({ type: "welcome", role: "patient", admitted: false, peers: ["patient"] });
    ws?.deliver({ type: "candidate", candidate: { candidate: "early" } });
    ws?.deliver({
      type: "offer",
      sdp: offer([
        ["0", "audio", "recvonly"],
        ["1", "video", "recvonly"],
        ["2", "video", "sendonly"],
      ]),
    });
    await tick();
    await tick();
    const pc = FakePC.all[0];
    expect(pc?.transceivers.map((t) => [t.mid, t.direction, t.sender.track])).toEqual([
      ["0", "sendonly", audio],
      ["1", "sendonly", video],
      ["2", "recvonly", null],
    ]);
    expect(ws?.sent).toContainEqual({ type: "answer", sdp: "answer-to-3" });
    // A candidate that came before the offer was applied is added after it.
    expect(pc?.candidates).toEqual([{ candidate: "early" }]);
    expect(call.room).toEqual({ role: "patient", admitted: false, peers: ["patient"] });
  });

  it("receives the echo on its own sections, then the doctor's media in its place", async () => {
    const { call, remotes, audio, video } = setup();
    call.start();
    await tick();
    const ws = FakeWS.all[0];
    ws?.deliver({ type: "welcome", role: "patient" });
    ws?.deliver({
      type: "offer",
      sdp: offer([
        ["0", "audio", "recvonly"],
        ["1", "video", "recvonly"],
      ]),
    });
    await tick();
    await tick();
    expect(remotes).toEqual({});
    // pion reuses the publishing sections to send the echo back.
    ws?.deliver({
      type: "offer",
      sdp: offer([
        ["0", "audio", "sendrecv", "patient"],
        ["1", "video", "sendrecv", "patient"],
      ]),
    });
    await tick();
    await tick();
    const pc = FakePC.all[0];
    expect(pc?.transceivers.map((t) => [t.direction, t.sender.track])).toEqual([
      ["sendrecv", audio],
      ["sendrecv", video],
    ]);
    expect(remotes).toEqual({ patient: ["recv-0", "recv-1"] });
    // Admitted: the same receivers now carry the doctor's media.
    ws?.deliver({
      type: "offer",
      sdp: offer([
        ["0", "audio", "sendrecv", "doctor"],
        ["1", "video", "sendrecv", "doctor"],
      ]),
    });
    await tick();
    await tick();
    expect(remotes).toEqual({ patient: null, doctor: ["recv-0", "recv-1"] });
    expect(ws?.sent.filter((m) => m.type === "answer")).toHaveLength(3);
  });

  it("asks for an ICE restart when the connection fails, and rejoins with a new ticket when that does not help", async () => {
    const { call, statuses, fire } = setup();
    call.start();
    await tick();
    FakeWS.all[0]?.deliver({ type: "welcome", role: "doctor" });
    await tick();
    const pc = FakePC.all[0];
    pc?.setState("connected");
    pc?.setState("disconnected");
    fire(reconnect.disconnectedGrace);
    expect(FakeWS.all[0]?.sent).toContainEqual({ type: "restart" });
    fire(reconnect.restartTimeout);
    expect(pc?.closed).toBe(true);
    fire(backoffFor(1));
    await tick();
    expect(FakeWS.all[1]?.url).toContain("token=tok2");
    expect(statuses).toEqual(["connected", "reconnecting"]);
    FakeWS.all[1]?.deliver({ type: "welcome", role: "doctor" });
    await tick();
    FakePC.all[1]?.setState("connected");
    expect(statuses.at(-1)).toBe("connected");
  });

  it("asks for a restart at once on failed, and not again while one is under way", async () => {
    const { call, fire } = setup();
    call.start();
    await tick();
    FakeWS.all[0]?.deliver({ type: "welcome" });
    await tick();
    FakePC.all[0]?.setState("failed");
    expect(FakeWS.all[0]?.sent.filter((m) => m.type === "restart")).toHaveLength(1);
    FakePC.all[0]?.setState("connected");
    fire(reconnect.restartTimeout);
    expect(FakePC.all[0]?.closed).toBe(false);
  });

  it("rejoins when the signalling socket drops, and ends when the room has ended", async () => {
    const { call, statuses, fire } = setup();
    call.start();
    await tick();
    FakeWS.all[0]?.onclose?.({ code: 1006, reason: "" });
    fire(backoffFor(1));
    await tick();
    expect(FakeWS.all).toHaveLength(2);
    FakeWS.all[1]?.onclose?.({ code: 4410, reason: "ended" });
    expect(statuses.at(-1)).toBe("ended");
    fire(60_000);
    await tick();
    expect(FakeWS.all).toHaveLength(2);
  });

  it("ends when the API no longer gives a ticket, and gives up after too many failed rejoins", async () => {
    let n = 0;
    const refusing = setup(async () => {
      if (++n > 1) throw new TicketRefused("the session has ended");
      return { token: "t", ws_url: "/ws" };
    });
    refusing.call.start();
    await tick();
    FakeWS.all[0]?.onclose?.({ code: 1000, reason: "" });
    refusing.fire(backoffFor(1));
    await tick();
    expect(refusing.statuses.at(-1)).toBe("ended");

    const failing = setup(async () => {
      throw new Error("offline");
    });
    failing.call.start();
    for (let i = 0; i <= reconnect.maxAttempts; i++) {
      await tick();
      failing.fire(reconnect.maxBackoff);
    }
    await tick();
    expect(failing.statuses.at(-1)).toBe("failed");
  });

  it("sends a switched or stopped camera without renegotiating", async () => {
    const { call } = setup();
    call.start();
    await tick();
    FakeWS.all[0]?.deliver({ type: "welcome" });
    FakeWS.all[0]?.deliver({ type: "offer", sdp: offer([["0", "video", "recvonly"]]) });
    await tick();
    await tick();
    const other = { kind: "video", id: "back" } as unknown as MediaStreamTrack;
    await call.replaceTrack("video", other);
    expect(FakePC.all[0]?.transceivers[0]?.sender.track).toBe(other);
    await call.replaceTrack("video", null);
    expect(FakePC.all[0]?.transceivers[0]?.sender.track).toBeNull();
    expect(FakeWS.all[0]?.sent.filter((m) => m.type === "answer")).toHaveLength(1);
  });
});
