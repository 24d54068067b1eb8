/** Small readings of a session description, for the SFU client. */

type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** A media section of an SDP: its mid, kind, direction (as the writer of the SDP sees it) and stream id. */
export interface Section {
  mid: string;
  kind: string;
  direction: Direction;
  /** the a=msid stream id: the role whose media the section carries */
  stream?: string;
}

/** sectionsOf lists the media sections of an SDP. */
export function sectionsOf(sdp: string): Section[] {
  const out: Section[] = [];
  let cur: Section | undefined;
  for (const raw of sdp.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("m=")) {
      cur = { mid: "", kind: line.slice(2).split(" ")[0] ?? "", direction: "sendrecv" };
      out.push(cur);
    } else if (!cur) {
    } else if (line.startsWith("a=mid:")) {
      cur.mid = line.slice(6);
    } else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line)) {
      cur.direction = line.slice(2) as Direction;
    } else if (line.startsWith("a=msid:")) {
      const id = line.slice(7).split(" ")[0];
      if (id && id !== "-") cur.stream = id;
    }
  }
  return out;
}

const receives = (d: Direction) => d === "recvonly" || d === "sendrecv";
const sends = (d: Direction) => d === "sendonly" || d === "sendrecv";

/** What the client does with one section of the SFU's offer. */
export interface Plan {
  /** the client's direction in its answer */
  direction: Direction;
  /** the kind of the client's own track sent here, if this is where it publishes */
  publish?: string;
  /** the role whose media the client receives here, if any */
  from?: string;
}

/**
 * planAnswer reads the SFU's offer: the client publishes its camera and
 * microphone on the first section of each kind on which the SFU receives,
 * and receives on every section on which the SFU sends (the SFU may send on
 * the client's publishing sections too: pion reuses them). The answer's
 * direction of each section mirrors the offer's.
 */
export function planAnswer(offer: string): Map<string, Plan> {
  const out = new Map<string, Plan>();
  const kinds = new Set<string>();
  for (const s of sectionsOf(offer)) {
    const publish = receives(s.direction) && !kinds.has(s.kind);
    if (publish) kinds.add(s.kind);
    const from = sends(s.direction) ? (s.stream ?? "unknown") : undefined;
    const direction: Direction = publish ? (from ? "sendrecv" : "sendonly") : from ? "recvonly" : "inactive";
    out.set(s.mid, { direction, ...(publish ? { publish: s.kind } : {}), ...(from ? { from } : {}) });
  }
  return out;
}
