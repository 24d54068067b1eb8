package video

import (
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pion/rtcp"
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
}

// track is a published track: what one peer sends, forwarded to the peers
// the room's rule lets receive it.
type track struct {
	owner  *peer
	remote *webrtc.TrackRemote
	local  *webrtc.TrackLocalStaticRTP
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
	r.sfu.metrics.peers.WithLabelValues(string(role)).Inc()
	return p, nil
}

// remove takes p and its tracks out of the room and reports whether the
// room is empty.
func (r *room) remove(p *peer) bool {
	r.mu.Lock()
	if r.peers[p.role] == p {
		delete(r.peers, p.role)
		r.sfu.metrics.peers.WithLabelValues(string(p.role)).Dec()
	}
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
// the remote track ends.
func (r *room) forward(t *track) {
	m := r.sfu.metrics
	kind := t.remote.Kind().String()
	bytes := m.forwardedBytes.WithLabelValues(kind)
	delay := m.forwardDelay.WithLabelValues(kind)
	for {
		pkt, _, err := t.remote.ReadRTP()
		if err != nil {
			break
		}
		began := time.Now()
		if err := t.local.WriteRTP(pkt); err != nil {
			continue
		}
		delay.Observe(time.Since(began).Seconds())
		bytes.Add(float64(pkt.MarshalSize()))
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
