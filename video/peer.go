package video

import (
	"fmt"
	"sync"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// signaller carries a peer's signalling messages.
type signaller interface {
	send(Message)
	close(reason string)
}

// peer is one participant's connection to a room.
type peer struct {
	role Role
	room *room
	sig  signaller
	pc   *webrtc.PeerConnection

	mu          sync.Mutex
	senders     map[*track]*webrtc.RTPSender
	negotiating bool
	pending     bool
	restart     bool

	// Candidates wait until their description is on the other side: the
	// server's own while an offer is being made (holding), the client's
	// until its first answer is applied.
	cmu        sync.Mutex
	holding    bool
	heldLocal  []webrtc.ICECandidateInit
	heldRemote []webrtc.ICECandidateInit
}

// localCandidate sends one of the server's ICE candidates, after the offer
// it belongs to.
func (p *peer) localCandidate(c webrtc.ICECandidateInit) {
	p.cmu.Lock()
	defer p.cmu.Unlock()
	if p.holding {
		p.heldLocal = append(p.heldLocal, c)
		return
	}
	p.sig.send(Message{Type: MsgCandidate, Candidate: &c})
}

// hold holds or releases the server's candidates.
func (p *peer) hold(on bool) {
	p.cmu.Lock()
	defer p.cmu.Unlock()
	p.holding = on
	if on {
		return
	}
	for i := range p.heldLocal {
		p.sig.send(Message{Type: MsgCandidate, Candidate: &p.heldLocal[i]})
	}
	p.heldLocal = nil
}

// remoteCandidate adds one of the client's candidates, or keeps it until
// the client's answer is applied. A stale candidate (of an earlier ICE
// generation) is dropped.
func (p *peer) remoteCandidate(c webrtc.ICECandidateInit) {
	p.cmu.Lock()
	if p.pc.RemoteDescription() == nil {
		p.heldRemote = append(p.heldRemote, c)
		p.cmu.Unlock()
		return
	}
	p.cmu.Unlock()
	_ = p.pc.AddICECandidate(c)
}

// flushRemote adds the client's candidates that arrived before its answer.
func (p *peer) flushRemote() {
	p.cmu.Lock()
	held := p.heldRemote
	p.heldRemote = nil
	p.cmu.Unlock()
	for _, c := range held {
		_ = p.pc.AddICECandidate(c)
	}
}

// bind makes the peer receive exactly the tracks in want and reports
// whether anything changed.
func (p *peer) bind(want map[*track]bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pc == nil {
		return false
	}
	changed := false
	for t, s := range p.senders {
		if !want[t] {
			_ = p.pc.RemoveTrack(s)
			delete(p.senders, t)
			t.receivers.Add(-1)
			changed = true
		}
	}
	for t := range want {
		if _, ok := p.senders[t]; ok {
			continue
		}
		s, err := p.pc.AddTrack(t.local)
		if err != nil {
			p.room.sfu.log.Warn("video: add track", "err", err, "role", p.role)
			continue
		}
		p.senders[t] = s
		t.receivers.Add(1)
		changed = true
		go p.readRTCP(s, t)
	}
	return changed
}

// release forgets the tracks the peer receives (it is leaving; closing its
// peer connection unbinds them from the local tracks).
func (p *peer) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for t := range p.senders {
		t.receivers.Add(-1)
	}
	clear(p.senders)
}

// readRTCP handles what the peer reports about a track it receives: a
// keyframe request goes to the track's sender, receiver reports feed the
// loss metric.
func (p *peer) readRTCP(s *webrtc.RTPSender, t *track) {
	t.askKeyframe()
	loss := p.room.sfu.metrics.packetLoss.WithLabelValues(t.remote.Kind().String())
	for {
		pkts, _, err := s.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			switch v := pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				t.askKeyframe()
			case *rtcp.ReceiverReport:
				for _, rep := range v.Reports {
					loss.Observe(float64(rep.FractionLost) / 256)
				}
			}
		}
	}
}

// negotiate sends the peer a new offer, or remembers to once the current
// exchange is answered. restart asks for an ICE restart.
func (p *peer) negotiate(restart bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pc == nil {
		return
	}
	if p.negotiating {
		p.pending = true
		p.restart = p.restart || restart
		return
	}
	p.hold(true)
	defer p.hold(false)
	offer, err := p.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: restart})
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		p.room.sfu.log.Warn("video: offer", "err", err, "role", p.role)
		p.sig.close("negotiation failed")
		return
	}
	p.negotiating = true
	p.sig.send(Message{Type: MsgOffer, SDP: offer.SDP})
}

// answered applies the peer's answer and sends a pending offer, if any.
func (p *peer) answered(sdp string) error {
	p.mu.Lock()
	if !p.negotiating {
		p.mu.Unlock()
		return fmt.Errorf("an answer without an offer")
	}
	err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp})
	p.negotiating = false
	again, restart := p.pending, p.restart
	p.pending, p.restart = false, false
	p.mu.Unlock()
	if err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	p.flushRemote()
	if again {
		p.negotiate(restart)
	}
	return nil
}

// sendState tells the peer who is in the room and whether it is admitted.
func (p *peer) sendState() { p.sig.send(p.room.state()) }
