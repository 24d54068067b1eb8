package video

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// room is one consultation's room.
type room struct {
	sfu *SFU
	id  uuid.UUID

	mu       sync.Mutex
	admitted bool
	peers    map[Role]*peer
	tracks   []*track
	closed   bool

	// test marks a test room; limit closes it at Options.TestRoomLimit.
	test  bool
	limit *time.Timer
}

// track is a published track: what one peer sends, forwarded to the peers
// the room's rule lets receive it.
type track struct {
	owner  *peer
	remote *webrtc.TrackRemote
	local  *webrtc.TrackLocalStaticRTP
	// receivers counts the peers bound to local (see peer.bind).
	receivers atomic.Int32
}

func newRoom(s *SFU, id uuid.UUID, admitted bool) *room {
	return &room{sfu: s, id: id, admitted: admitted, peers: map[Role]*peer{}}
}

// receives is the room's rule: before admission only the patient's echo,
// after it each side the other's media.
func receives(viewer, owner Role, admitted bool) bool {
	if admitted {
		return viewer != owner
	}
	return viewer == RolePatient && owner == RolePatient
}

// add makes a peer for role, refusing a second one.
func (r *room) add(role Role, sig signaller) (*peer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrRoomEnded
	}
	if _, taken := r.peers[role]; taken {
		return nil, ErrRoomFull
	}
	p := &peer{role: role, room: r, sig: sig, senders: map[*track]*webrtc.RTPSender{}}
	r.peers[role] = p
	r.sfu.metrics.peers.WithLabelValues(r.peerLabel(role)).Inc()
	return p, nil
}

// peerTestLabel is derma_video_peers' role of a connection test's peer:
// it is nobody's consultation, so it counts apart from the patients.
const peerTestLabel = "test"

// peerLabel is the role label of a peer of role in r.
func (r *room) peerLabel(role Role) string {
	if r.test {
		return peerTestLabel
	}
	return string(role)
}

// remove takes p and its tracks out of the room and reports whether the
// room is empty.
func (r *room) remove(p *peer) bool {
	r.mu.Lock()
	if r.peers[p.role] == p {
		delete(r.peers, p.role)
		r.sfu.metrics.peers.WithLabelValues(r.peerLabel(p.role)).Dec()
	}
	p.release()
	kept := r.tracks[:0]
	for _, t := range r.tracks {
		if t.owner != p {
			kept = append(kept, t)
		}
	}
	r.tracks = kept
	changed := r.reconcileLocked()
	empty := len(r.peers) == 0
	others := r.peerList()
	r.mu.Unlock()
	for _, q := range changed {
		q.negotiate(false)
	}
	for _, q := range others {
		q.sendState()
	}
	return empty
}

// receiveMTU is the largest RTP packet the SFU reads (pion's default
// receive MTU is 1460).
const receiveMTU = 1500

// publish starts forwarding what p sends on remote.
func (r *room) publish(p *peer, remote *webrtc.TrackRemote) {
	local, err := webrtc.NewTrackLocalStaticRTP(remote.Codec().RTPCodecCapability, remote.Kind().String(), string(p.role))
	if err != nil {
		r.sfu.log.Warn("video: local track", "err", err)
		return
	}
	t := &track{owner: p, remote: remote, local: local}
	r.mu.Lock()
	if r.closed || r.peers[p.role] != p {
		r.mu.Unlock()
		return
	}
	// A peer sends one track per kind: a new one replaces the old.
	kept := r.tracks[:0]
	for _, old := range r.tracks {
		if !(old.owner == p && old.remote.Kind() == remote.Kind()) {
			kept = append(kept, old)
		}
	}
	r.tracks = append(kept, t)
	changed := r.reconcileLocked()
	r.mu.Unlock()
	for _, q := range changed {
		q.negotiate(false)
	}
	go r.forward(t)
}

// forward copies t's packets to every peer bound to its local track until
// the remote track ends. One buffer and one packet are reused for every
// packet; the delay is measured from the packet's arrival on the UDP socket
// (arrivals) to the end of its write, or from the read when the socket's
// stamp is not found (ICE-TCP).
func (r *room) forward(t *track) {
	m := r.sfu.metrics.track(t.remote.Kind().String())
	buf := make([]byte, receiveMTU)
	var pkt rtp.Packet
	var seq sequence
	for {
		n, _, err := t.remote.Read(buf)
		if err != nil {
			break
		}
		read := monotime()
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			continue
		}
		m.receivedPackets.Inc()
		m.receivedBytes.Add(float64(n))
		if lost := seq.next(pkt.SequenceNumber); lost > 0 {
			m.lostPackets.Add(float64(lost))
		}
		receivers := t.receivers.Load()
		if receivers == 0 {
			continue
		}
		if err := t.local.WriteRTP(&pkt); err != nil {
			continue
		}
		at, ok := r.sfu.arrivals.lookup(pkt.SSRC, pkt.SequenceNumber)
		if !ok {
			at = read
		}
		m.delay.Observe(float64(monotime()-at) / 1e9)
		m.forwardedBytes.Add(float64(n) * float64(receivers))
	}
	r.mu.Lock()
	kept := r.tracks[:0]
	for _, x := range r.tracks {
		if x != t {
			kept = append(kept, x)
		}
	}
	r.tracks = kept
	changed := r.reconcileLocked()
	r.mu.Unlock()
	for _, q := range changed {
		q.negotiate(false)
	}
}

// setAdmitted applies the workflow's admission and rewires the room.
func (r *room) setAdmitted(admitted bool) {
	r.mu.Lock()
	r.admitted = admitted
	changed := r.reconcileLocked()
	peers := r.peerList()
	r.mu.Unlock()
	for _, q := range changed {
		q.negotiate(false)
	}
	for _, q := range peers {
		q.sendState()
	}
}

// reconcileLocked binds and unbinds tracks so every peer receives exactly
// what the rule allows, and returns the peers whose set changed (they need a
// new offer). r.mu is held.
func (r *room) reconcileLocked() []*peer {
	var changed []*peer
	for _, p := range r.peers {
		want := map[*track]bool{}
		for _, t := range r.tracks {
			if receives(p.role, t.owner.role, r.admitted) {
				want[t] = true
			}
		}
		if p.bind(want) {
			changed = append(changed, p)
		}
	}
	return changed
}

// peerList returns the room's peers; r.mu is held.
func (r *room) peerList() []*peer {
	out := make([]*peer, 0, len(r.peers))
	for _, p := range r.peers {
		out = append(out, p)
	}
	return out
}

// state describes the room to role.
func (r *room) state() Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	admitted := r.admitted
	var present []Role
	for _, role := range []Role{RolePatient, RoleDoctor} {
		if _, ok := r.peers[role]; ok {
			present = append(present, role)
		}
	}
	return Message{Type: MsgState, Admitted: &admitted, Peers: present}
}

// askKeyframe asks t's sender for a keyframe (a new receiver needs one).
func (t *track) askKeyframe() {
	_ = t.owner.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(t.remote.SSRC())}})
}

// close disconnects every peer.
func (r *room) close(reason string) {
	r.mu.Lock()
	r.closed = true
	peers := r.peerList()
	r.mu.Unlock()
	for _, p := range peers {
		p.sig.close(reason)
	}
}
