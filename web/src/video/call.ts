/**
 * The client side of our SFU's signalling (video/signal.go): the server
 * makes every offer and the client answers; ICE candidates trickle both
 * ways; the client asks for an ICE restart with {"type":"restart"}.
 *
 * Reconnecting: when the connection drops (ICE "disconnected" for a moment,
 * or "failed") the client asks for an ICE restart; when that does not bring
 * it back, or the signalling socket closes, it rejoins from scratch with a
 * new ticket (a new room token) and a new peer connection, with backoff.
 */
import { planAnswer } from "./sdp";

/** What the API hands out for joining a room. */
export interface Ticket {
  token: string;
  ws_url: string;
  ice_servers?: { urls: string[] | string; username?: string; credential?: string }[];
}

/** TicketRefused is thrown by a ticket source when joining is no longer allowed (the session ended). */
export class TicketRefused extends Error {}

export type CallStatus = "connecting" | "connected" | "reconnecting" | "ended" | "failed";

/** The room as the SFU describes it. */
export interface RoomState {
  role?: string;
  admitted: boolean;
  peers: string[];
}

export interface CallEvents {
  onStatus?: (s: CallStatus, reason?: string) => void;
  onRoom?: (s: RoomState) => void;
  /** the media another participant's role sends (the patient's own echo before admission); null when it stops */
  onRemote?: (role: string, stream: MediaStream | null) => void;
}

/** What the call needs of the browser (replaced in tests). */
export interface CallDeps {
  WebSocket: new (url: string) => WebSocket;
  RTCPeerConnection: new (c: RTCConfiguration) => RTCPeerConnection;
  MediaStream: new () => MediaStream;
  setTimeout: (f: () => void, ms: number) => unknown;
  clearTimeout: (t: unknown) => void;
  base: string;
}

/** Timings of the reconnect rules, in milliseconds. */
export const reconnect = {
  /** how long "disconnected" may last before an ICE restart is asked */
  disconnectedGrace: 2000,
  /** how long an ICE restart may take before a full rejoin */
  restartTimeout: 10000,
  /** first backoff before a rejoin; doubled each try up to maxBackoff */
  backoff: 500,
  maxBackoff: 8000,
  /** rejoins in a row without getting connected before giving up */
  maxAttempts: 8,
} as const;

/** backoffFor is the wait before the n-th rejoin in a row (n ≥ 1). */
export function backoffFor(n: number): number {
  return Math.min(reconnect.maxBackoff, reconnect.backoff * 2 ** Math.max(0, n - 1));
}

/** wsURL makes the signalling URL absolute (ws: or wss: as the page) with the token. */
export function wsURL(t: Ticket, base: string): string {
  const u = new URL(t.ws_url, base);
  if (u.protocol === "http:") u.protocol = "ws:";
  if (u.protocol === "https:") u.protocol = "wss:";
  if (!u.searchParams.has("token")) u.searchParams.set("token", t.token);
  return u.toString();
}

interface Msg {
  type: string;
  sdp?: string;
  candidate?: RTCIceCandidateInit;
  role?: string;
  admitted?: boolean;
  peers?: string[] | null;
  ice_servers?: Ticket["ice_servers"];
  reason?: string;
}

const closeRoomEnded = 4410;

function browserDeps(d: Partial<CallDeps>): CallDeps {
  return {
    WebSocket: d.WebSocket ?? WebSocket,
    RTCPeerConnection: d.RTCPeerConnection ?? RTCPeerConnection,
    MediaStream: d.MediaStream ?? MediaStream,
    setTimeout: d.setTimeout ?? ((f, ms) => setTimeout(f, ms)),
    clearTimeout: d.clearTimeout ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>)),
    base: d.base ?? location.href,
  };
}

/** Call is one participant's connection to a consultation's room. */
export class Call {
  private deps: CallDeps;
  private ws: WebSocket | undefined;
  private pc: RTCPeerConnection | undefined;
  private generation = 0;
  private chain: Promise<void> = Promise.resolve();
  private heldCandidates: RTCIceCandidateInit[] = [];
  private senders = new Map<string, RTCRtpSender>();
  private remote = new Map<string, MediaStream>();
  private timers = new Set<unknown>();
  private restartTimer: unknown;
  private attempts = 0;
  private done = false;
  private iceServers: RTCIceServer[] = [];
  status: CallStatus = "connecting";
  room: RoomState = { admitted: false, peers: [] };

  constructor(
    private ticket: () => Promise<Ticket>,
    private local: MediaStream,
    private events: CallEvents = {},
    deps?: Partial<CallDeps>,
  ) {
    this.deps = browserDeps(deps ?? {});
  }

  /** start joins the room. */
  start(): void {
    void this.connect();
  }

  /** hangUp leaves the room for good. */
  hangUp(): void {
    this.finish("ended", "hung up");
  }

  /** peer is the current peer connection (for getStats), if any. */
  get peer(): RTCPeerConnection | undefined {
    return this.pc;
  }

  /** stats reads the current connection's statistics. */
  async stats(): Promise<RTCStatsReport | undefined> {
    return this.pc?.getStats();
  }

  /**
   * replaceTrack sends another camera or microphone track (a switched
   * device), or nothing (camera off), without renegotiating.
   */
  async replaceTrack(kind: "audio" | "video", track: MediaStreamTrack | null): Promise<void> {
    for (const t of this.local.getTracks()) if (t.kind === kind) this.local.removeTrack(t);
    if (track) this.local.addTrack(track);
    await this.senders.get(kind)?.replaceTrack(track);
  }

  /** setLocal sends another stream's tracks (the devices were opened anew). */
  async setLocal(stream: MediaStream): Promise<void> {
    this.local = stream;
    for (const [kind, sender] of this.senders) {
      await sender.replaceTrack(stream.getTracks().find((t) => t.kind === kind) ?? null);
    }
  }

  private setStatus(s: CallStatus, reason?: string): void {
    if (this.status === s && !reason) return;
    this.status = s;
    this.events.onStatus?.(s, reason);
  }

  private later(f: () => void, ms: number): unknown {
    const t = this.deps.setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private cancel(t: unknown): void {
    if (t === undefined) return;
    this.deps.clearTimeout(t);
    this.timers.delete(t);
  }

  private async connect(): Promise<void> {
    if (this.done) return;
    const gen = ++this.generation;
    let t: Ticket;
    try {
      t = await this.ticket();
    } catch (err) {
      if (err instanceof TicketRefused) this.finish("ended", err.message);
      else this.rejoin();
      return;
    }
    if (gen !== this.generation || this.done) return;
    this.iceServers = (t.ice_servers ?? []).map((s) => ({
      urls: s.urls,
      ...(s.username ? { username: s.username } : {}),
      ...(s.credential ? { credential: s.credential } : {}),
    }));
    const ws = new this.deps.WebSocket(wsURL(t, this.deps.base));
    this.ws = ws;
    ws.onmessage = (e: MessageEvent) => {
      if (gen !== this.generation) return;
      let m: Msg;
      try {
        m = JSON.parse(String(e.data)) as Msg;
      } catch {
        return;
      }
      this.chain = this.chain.then(() => this.handle(gen, m)).catch(() => this.rejoin());
    };
    ws.onclose = (e: CloseEvent) => {
      if (gen !== this.generation || this.done) return;
      if (e.code === closeRoomEnded) this.finish("ended", e.reason);
      else this.rejoin();
    };
  }

  private send(m: Msg): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(m));
  }

  private async handle(gen: number, m: Msg): Promise<void> {
    if (gen !== this.generation || this.done) return;
    switch (m.type) {
      case "welcome":
        if (m.ice_servers?.length && this.iceServers.length === 0) {
          this.iceServers = m.ice_servers.map((s) => ({
            urls: s.urls,
            username: s.username,
            credential: s.credential,
          }));
        }
        this.newPeer(gen);
        this.roomState(m);
        return;
      case "state":
        this.roomState(m);
        return;
      case "offer":
        await this.answer(gen, m.sdp ?? "");
        return;
      case "candidate":
        if (!m.candidate) return;
        if (!this.pc?.remoteDescription) this.heldCandidates.push(m.candidate);
        else await this.pc.addIceCandidate(m.candidate).catch(() => {});
        return;
      case "bye":
        this.events.onStatus?.("reconnecting", m.reason);
        return;
    }
  }

  private roomState(m: Msg): void {
    this.room = {
      role: m.role ?? this.room.role,
      admitted: m.admitted ?? this.room.admitted,
      peers: m.peers ?? [],
    };
    this.events.onRoom?.(this.room);
  }

  private newPeer(gen: number): void {
    this.closePeer();
    const pc = new this.deps.RTCPeerConnection({ iceServers: this.iceServers, bundlePolicy: "max-bundle" });
    this.pc = pc;
    pc.onicecandidate = (e) => {
      if (gen === this.generation && e.candidate)
        this.send({ type: "candidate", candidate: e.candidate.toJSON() });
    };
    pc.onconnectionstatechange = () => {
      if (gen === this.generation) this.connectionChanged(pc.connectionState);
    };
  }

  private async answer(gen: number, sdp: string): Promise<void> {
    const pc = this.pc;
    if (!pc) throw new Error("an offer before the welcome");
    await pc.setRemoteDescription({ type: "offer", sdp });
    const plan = planAnswer(sdp);
    const received = new Map<string, MediaStreamTrack[]>();
    for (const t of pc.getTransceivers()) {
      const p = t.mid !== null ? plan.get(t.mid) : undefined;
      if (!p) continue;
      t.direction = p.direction;
      if (p.publish && this.senders.get(p.publish) !== t.sender) {
        this.senders.set(p.publish, t.sender);
        await t.sender.replaceTrack(this.local.getTracks().find((x) => x.kind === p.publish) ?? null);
      }
      if (p.from) received.set(p.from, [...(received.get(p.from) ?? []), t.receiver.track]);
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (gen !== this.generation) return;
    this.send({ type: "answer", sdp: answer.sdp ?? "" });
    const held = this.heldCandidates;
    this.heldCandidates = [];
    for (const c of held) await pc.addIceCandidate(c).catch(() => {});
    this.received(received);
  }

  /**
   * received tells the page whose media now arrives: one stream per role,
   * new whenever its tracks change (a receiver is reused when the SFU swaps
   * the echo for the doctor, so ontrack alone would miss it).
   */
  private received(now: Map<string, MediaStreamTrack[]>): void {
    for (const [role, stream] of [...this.remote]) {
      if (!now.has(role)) {
        this.remote.delete(role);
        this.events.onRemote?.(role, null);
        continue;
      }
      const want = now.get(role) ?? [];
      const have = stream.getTracks();
      if (want.length === have.length && want.every((t) => have.includes(t))) now.delete(role);
    }
    for (const [role, tracks] of now) {
      const stream = new this.deps.MediaStream();
      for (const t of tracks) stream.addTrack(t);
      this.remote.set(role, stream);
      this.events.onRemote?.(role, stream);
    }
  }

  private connectionChanged(s: RTCPeerConnectionState): void {
    if (s === "connected") {
      this.attempts = 0;
      this.cancel(this.restartTimer);
      this.restartTimer = undefined;
      this.setStatus("connected");
    } else if (s === "disconnected") {
      this.setStatus("reconnecting");
      if (this.restartTimer === undefined) {
        this.restartTimer = this.later(() => {
          this.restartTimer = undefined;
          if (this.pc?.connectionState !== "connected") this.restartIce();
        }, reconnect.disconnectedGrace);
      }
    } else if (s === "failed") {
      this.setStatus("reconnecting");
      this.cancel(this.restartTimer);
      this.restartTimer = undefined;
      this.restartIce();
    }
  }

  private restartIce(): void {
    if (this.ws?.readyState !== 1) {
      this.rejoin();
      return;
    }
    this.send({ type: "restart" });
    const gen = this.generation;
    this.restartTimer = this.later(() => {
      this.restartTimer = undefined;
      if (gen === this.generation && this.pc?.connectionState !== "connected") this.rejoin();
    }, reconnect.restartTimeout);
  }

  private rejoin(): void {
    if (this.done) return;
    this.generation++;
    this.teardown();
    this.attempts++;
    if (this.attempts > reconnect.maxAttempts) {
      this.finish("failed");
      return;
    }
    this.setStatus("reconnecting");
    this.later(() => void this.connect(), backoffFor(this.attempts));
  }

  private closePeer(): void {
    this.senders.clear();
    this.heldCandidates = [];
    for (const role of [...this.remote.keys()]) {
      this.remote.delete(role);
      this.events.onRemote?.(role, null);
    }
    if (this.pc) {
      this.pc.onicecandidate = null;
      this.pc.onconnectionstatechange = null;
      this.pc.close();
      this.pc = undefined;
    }
  }

  private teardown(): void {
    this.cancel(this.restartTimer);
    this.restartTimer = undefined;
    this.closePeer();
    if (this.ws) {
      this.ws.onmessage = null;
      this.ws.onclose = null;
      if (this.ws.readyState <= 1) this.ws.close(1000);
      this.ws = undefined;
    }
  }

  private finish(s: CallStatus, reason?: string): void {
    if (this.done) return;
    this.done = true;
    this.generation++;
    this.teardown();
    for (const t of [...this.timers]) this.cancel(t);
    this.setStatus(s, reason);
  }
}
