package loadgen

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"derma2go/video"
)

// The synthetic media. Video: 25 frames/s, a keyframe every 2 s of 12 kB
// and delta frames of 2.3 kB, i.e. 500 kbps, cut into packets of at most
// 1,100 bytes of payload (3 per delta frame, 11 per keyframe, ~80 packets/s).
// Audio: one 80-byte Opus frame every 20 ms (32 kbps, 50 packets/s).
const (
	tick          = 20 * time.Millisecond
	keyframeEvery = 50
	keyframeBytes = 12000
	deltaBytes    = 2306
	maxPayload    = 1100
	opusBytes     = 80
)

// Every packet's payload carries, after the VP8 payload descriptor (one
// byte, video only), a mark: the magic, the stream's packet number and the
// send time (Unix nanoseconds; sender and receiver share the machine's
// clock).
const (
	markMagic = 0x44524d42 // "DRMB"
	markSize  = 16
)

// counters are the load generator's totals over all peers.
type counters struct {
	sent     atomic.Int64
	received atomic.Int64
	bytesIn  atomic.Int64
	delay    latency
}

// peer is one participant: a pion peer connection with its signalling.
type peer struct {
	role  video.Role
	pc    *webrtc.PeerConnection
	conn  *websocket.Conn
	count *counters

	// got counts the marked packets received per kind (0 audio, 1 video).
	got      [2]atomic.Int64
	closed   chan struct{}
	stopping atomic.Bool
	errMu    sync.Mutex
	err      error
}

// newAPI is the pion API of the load generator's peers: loopback only, no
// mDNS; with interceptors the peers send RTCP feedback (receiver reports,
// NACKs, TWCC) as browsers do.
func newAPI(interceptors bool) (*webrtc.API, error) {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if interceptors {
		if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
			return nil, err
		}
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir)), nil
}

// dial connects a peer to the SFU's signalling URL with a room token.
func dial(ctx context.Context, api *webrtc.API, wsURL, token string, role video.Role, count *counters) (*peer, error) {
	conn, _, err := websocket.Dial(ctx, wsURL+"?token="+token, nil)
	if err != nil {
		return nil, fmt.Errorf("signalling: %w", err)
	}
	conn.SetReadLimit(1 << 20)
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		_ = conn.CloseNow()
		return nil, err
	}
	p := &peer{role: role, pc: pc, conn: conn, count: count, closed: make(chan struct{})}
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { p.receive(remote) })
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			init := c.ToJSON()
			p.send(video.Message{Type: video.MsgCandidate, Candidate: &init})
		}
	})
	go p.run()
	return p, nil
}

func (p *peer) send(m video.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = wsjson.Write(ctx, p.conn, m)
}

func (p *peer) fail(err error) {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	if p.err == nil && !p.stopping.Load() {
		p.err = err
	}
}

// failure is the peer's signalling failure, if any.
func (p *peer) failure() error {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	return p.err
}

// run answers the server's offers, publishing on the first one.
func (p *peer) run() {
	defer close(p.closed)
	published := false
	for {
		var m video.Message
		if err := wsjson.Read(context.Background(), p.conn, &m); err != nil {
			if !p.stopping.Load() {
				p.fail(fmt.Errorf("signalling closed: %w", err))
			}
			return
		}
		switch m.Type {
		case video.MsgOffer:
			if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
				p.fail(fmt.Errorf("offer: %w", err))
				return
			}
			if !published {
				published = true
				if err := p.publish(); err != nil {
					p.fail(err)
					return
				}
			}
			answer, err := p.pc.CreateAnswer(nil)
			if err == nil {
				err = p.pc.SetLocalDescription(answer)
			}
			if err != nil {
				p.fail(fmt.Errorf("answer: %w", err))
				return
			}
			p.send(video.Message{Type: video.MsgAnswer, SDP: answer.SDP})
		case video.MsgCandidate:
			if m.Candidate != nil {
				_ = p.pc.AddICECandidate(*m.Candidate)
			}
		case video.MsgBye:
			p.fail(errors.New("the SFU said bye: " + m.Reason))
		}
	}
}

// publish adds the camera and microphone tracks and starts feeding them.
func (p *peer) publish() error {
	vt, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "camera")
	if err != nil {
		return err
	}
	at, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "camera")
	if err != nil {
		return err
	}
	for _, tr := range []webrtc.TrackLocal{at, vt} {
		if _, err := p.pc.AddTrack(tr); err != nil {
			return err
		}
	}
	go p.feed(vt, at)
	return nil
}

// stream is one outgoing RTP stream.
type stream struct {
	track   *webrtc.TrackLocalStaticRTP
	pkt     rtp.Packet
	number  uint32
	payload [maxPayload]byte
}

// write sends one marked packet of size payload bytes; vp8 prefixes the
// payload descriptor (start of a frame when first).
func (s *stream) write(count *counters, size int, vp8, first, marker bool) error {
	b := s.payload[:size]
	off := 0
	if vp8 {
		b[0] = 0
		if first {
			b[0] = 0x10
		}
		off = 1
	}
	s.number++
	binary.BigEndian.PutUint32(b[off:], markMagic)
	binary.BigEndian.PutUint32(b[off+4:], s.number)
	binary.BigEndian.PutUint64(b[off+8:], uint64(time.Now().UnixNano()))
	s.pkt.Payload = b
	s.pkt.Marker = marker
	s.pkt.SequenceNumber++
	if err := s.track.WriteRTP(&s.pkt); err != nil {
		return err
	}
	count.sent.Add(1)
	return nil
}

// feed sends the synthetic media until the peer closes.
func (p *peer) feed(vt, at *webrtc.TrackLocalStaticRTP) {
	v := &stream{track: vt}
	a := &stream{track: at}
	for _, s := range []*stream{v, a} {
		s.pkt.Version = 2
		s.pkt.SequenceNumber = uint16(rand.Uint32())
		s.pkt.Timestamp = rand.Uint32()
	}
	// Peers start at random phases of the tick so their packets spread.
	select {
	case <-p.closed:
		return
	case <-time.After(time.Duration(rand.Int64N(int64(tick)))):
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-p.closed:
			return
		case <-t.C:
		}
		if err := a.write(p.count, opusBytes, false, false, false); err != nil {
			return
		}
		a.pkt.Timestamp += 960
		if n%2 != 0 {
			continue
		}
		frame := n / 2
		size := deltaBytes
		if frame%keyframeEvery == 0 {
			size = keyframeBytes
		}
		packets := (size + maxPayload - 1) / maxPayload
		for i := range packets {
			if err := v.write(p.count, size/packets, true, i == 0, i == packets-1); err != nil {
				return
			}
		}
		v.pkt.Timestamp += 3600
	}
}

// receive reads a track of the other side, counting its marked packets and
// their delay.
func (p *peer) receive(remote *webrtc.TrackRemote) {
	kind, off := 0, 0
	if remote.Kind() == webrtc.RTPCodecTypeVideo {
		kind, off = 1, 1
	}
	buf := make([]byte, 1500)
	var h rtp.Header
	for {
		n, _, err := remote.Read(buf)
		if err != nil {
			return
		}
		now := time.Now().UnixNano()
		hl, err := h.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		b := buf[hl:n]
		if len(b) < off+markSize || binary.BigEndian.Uint32(b[off:]) != markMagic {
			continue
		}
		sent := int64(binary.BigEndian.Uint64(b[off+8:]))
		p.got[kind].Add(1)
		p.count.received.Add(1)
		p.count.bytesIn.Add(int64(n))
		p.count.delay.observe(time.Duration(now - sent))
	}
}

// flowing reports whether the peer receives both kinds from the other side.
func (p *peer) flowing() bool { return p.got[0].Load() > 0 && p.got[1].Load() > 0 }

// close hangs up.
func (p *peer) close() {
	p.stopping.Store(true)
	_ = p.conn.Close(websocket.StatusNormalClosure, "")
	select {
	case <-p.closed:
	case <-time.After(5 * time.Second):
	}
	_ = p.pc.Close()
}
