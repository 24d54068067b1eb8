// Package videotest is a real pion client of the SFU's signalling, for
// tests outside package video (the API's integration tests): it publishes a
// camera and a microphone, answers the server's offers, and decodes the
// video it receives, so a test can tell whose picture arrived.
//
// Each role's camera sends a VP8 key frame of one colour (the patient red,
// the doctor blue; 64×48, made once with Chromium's WebP encoder, whose
// lossy images are VP8 key frames); the receiver reassembles the frames from
// RTP, decodes them with golang.org/x/image/vp8 and counts them by colour.
package videotest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/samplebuilder"
	"golang.org/x/image/vp8"

	"derma2go/video"
)

// keyFrames are the cameras' pictures: one VP8 key frame per role.
var keyFrames = map[video.Role]string{
	video.RolePatient: "kAMAnQEqQAAwAD5tNphJJCMioSKoAIANiWcAdgAAKjTGOHwZgAD+7tPf//Abr4tpl//9zgf92T/+2T/1IAAAAA==",
	video.RoleDoctor:  "kAMAnQEqQAAwAD5tNphJJCMioSKoAIANiWcAdgAAKjTGOHwZgAD+8Por//7Sz/6ln/1LP8eX/+tr23hhQAAAAA==",
}

// opusSilence is one Opus frame of silence.
var opusSilence = []byte{0xf8, 0xff, 0xfe}

// Peer is one participant's client.
type Peer struct {
	role video.Role
	pc   *webrtc.PeerConnection
	conn *websocket.Conn
	udp  *cuttable

	decoded  [2]atomic.Int64 // by the colour's role: 0 patient, 1 doctor
	packets  sync.Map        // stream id (the sender's role) → *atomic.Int64
	mu       sync.Mutex
	err      error
	bye      string
	admitted bool
	done     chan struct{}
	stopping atomic.Bool
}

// Dial opens the signalling WebSocket at wsURL (with its ?token=) as role
// and starts the peer connection. On a refusal before the upgrade the
// response carries the status.
func Dial(ctx context.Context, wsURL string, role video.Role) (*Peer, *http.Response, error) {
	conn, resp, err := websocket.Dial(ctx, wsURL, nil)
	if err != nil {
		return nil, resp, err
	}
	sock, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		_ = conn.CloseNow()
		return nil, nil, err
	}
	p := &Peer{role: role, conn: conn, udp: &cuttable{PacketConn: sock}, done: make(chan struct{})}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEUDPMux(webrtc.NewICEUDPMux(nil, p.udp))
	// A cut path fails within seconds, as a browser's would after a network change.
	se.SetICETimeouts(2*time.Second, 4*time.Second, 500*time.Millisecond)
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		_ = conn.CloseNow()
		return nil, nil, err
	}
	if p.pc, err = webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me)).NewPeerConnection(webrtc.Configuration{}); err != nil {
		_ = conn.CloseNow()
		return nil, nil, err
	}
	p.pc.OnTrack(p.receive)
	p.pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c != nil {
			init := c.ToJSON()
			p.send(video.Message{Type: video.MsgCandidate, Candidate: &init})
		}
	})
	go p.run()
	return p, nil, nil
}

func (p *Peer) send(m video.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = wsjson.Write(ctx, p.conn, m)
}

func (p *Peer) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil && !p.stopping.Load() {
		p.err = err
	}
}

// run answers the server's offers until the socket closes, publishing the
// camera and microphone with the first answer.
func (p *Peer) run() {
	defer close(p.done)
	published := false
	for {
		var m video.Message
		if err := wsjson.Read(context.Background(), p.conn, &m); err != nil {
			return
		}
		switch m.Type {
		case video.MsgOffer:
			if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
				p.fail(fmt.Errorf("videotest: set offer: %w", err))
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
				p.fail(fmt.Errorf("videotest: answer: %w", err))
				return
			}
			p.send(video.Message{Type: video.MsgAnswer, SDP: answer.SDP})
		case video.MsgCandidate:
			if m.Candidate != nil {
				_ = p.pc.AddICECandidate(*m.Candidate)
			}
		case video.MsgWelcome, video.MsgState:
			if m.Admitted != nil {
				p.mu.Lock()
				p.admitted = *m.Admitted
				p.mu.Unlock()
			}
		case video.MsgBye:
			p.mu.Lock()
			p.bye = m.Reason
			p.mu.Unlock()
		}
	}
}

// publish adds the camera (this role's key frame, 30 frames a second) and
// the microphone (silence) and feeds them until the peer closes.
func (p *Peer) publish() error {
	frame, err := base64.StdEncoding.DecodeString(keyFrames[p.role])
	if err != nil {
		return err
	}
	cam, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "camera")
	if err != nil {
		return err
	}
	mic, err := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "camera")
	if err != nil {
		return err
	}
	for _, tr := range []webrtc.TrackLocal{mic, cam} {
		if _, err := p.pc.AddTrack(tr); err != nil {
			return err
		}
	}
	go func() {
		tick := time.NewTicker(33 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-tick.C:
				_ = cam.WriteSample(media.Sample{Data: frame, Duration: 33 * time.Millisecond})
				_ = mic.WriteSample(media.Sample{Data: opusSilence, Duration: 33 * time.Millisecond})
			}
		}
	}()
	return nil
}

// receive counts a track's packets by its stream id (the SFU names it
// after the sender's role) and decodes its video frames.
func (p *Peer) receive(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	v, _ := p.packets.LoadOrStore(remote.StreamID(), new(atomic.Int64))
	count := v.(*atomic.Int64)
	var sb *samplebuilder.SampleBuilder
	if remote.Kind() == webrtc.RTPCodecTypeVideo {
		sb = samplebuilder.New(64, &codecs.VP8Packet{}, remote.Codec().ClockRate)
	}
	for {
		pkt, _, err := remote.ReadRTP()
		if err != nil {
			return
		}
		count.Add(1)
		if sb == nil {
			continue
		}
		sb.Push(pkt)
		for s := sb.Pop(); s != nil; s = sb.Pop() {
			if role, ok := decode(s.Data); ok {
				p.decoded[index(role)].Add(1)
			}
		}
	}
}

// decode decodes a VP8 frame and tells whose camera it shows by its colour.
func decode(frame []byte) (video.Role, bool) {
	d := vp8.NewDecoder()
	d.Init(bytes.NewReader(frame), len(frame))
	fh, err := d.DecodeFrameHeader()
	if err != nil || !fh.KeyFrame {
		return "", false
	}
	img, err := d.DecodeFrame()
	if err != nil || img.Rect.Dx() != 64 || img.Rect.Dy() != 48 {
		return "", false
	}
	cb, cr := img.Cb[0], img.Cr[0]
	switch {
	case cr > 170 && cb < 140:
		return video.RolePatient, true
	case cb > 170 && cr < 140:
		return video.RoleDoctor, true
	}
	return "", false
}

func index(r video.Role) int {
	if r == video.RoleDoctor {
		return 1
	}
	return 0
}

// Frames is how many video frames showing from's camera this peer decoded.
func (p *Peer) Frames(from video.Role) int64 { return p.decoded[index(from)].Load() }

// Packets is how many RTP packets (audio and video) this peer received on
// the tracks the SFU forwards from from.
func (p *Peer) Packets(from video.Role) int64 {
	if v, ok := p.packets.Load(string(from)); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// Admitted is the room's admission as the server last said it.
func (p *Peer) Admitted() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.admitted
}

// Err is the first signalling error the peer met.
func (p *Peer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Bye is the reason of the server's goodbye, if it said one.
func (p *Peer) Bye() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bye
}

// Done is closed when the signalling channel has closed.
func (p *Peer) Done() <-chan struct{} { return p.done }

// ICEState is the peer connection's ICE connection state.
func (p *Peer) ICEState() webrtc.ICEConnectionState { return p.pc.ICEConnectionState() }

// CutNetwork drops every UDP packet to and from this peer (its path to the
// SFU is cut) until RestoreNetwork.
func (p *Peer) CutNetwork() { p.udp.cut.Store(true) }

// RestoreNetwork lets the peer's UDP packets through again.
func (p *Peer) RestoreNetwork() { p.udp.cut.Store(false) }

// Restart asks the server for an ICE restart, as a client does after a
// network change.
func (p *Peer) Restart() { p.send(video.Message{Type: video.MsgRestart}) }

// Close hangs up: the WebSocket, the peer connection and its socket.
func (p *Peer) Close() {
	p.stopping.Store(true)
	_ = p.conn.Close(websocket.StatusNormalClosure, "")
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		_ = p.conn.CloseNow()
		<-p.done
	}
	_ = p.pc.Close()
	_ = p.udp.Close()
}

// cuttable is a UDP socket whose path can be cut.
type cuttable struct {
	net.PacketConn
	cut atomic.Bool
}

// ReadFrom drops what arrives while the path is cut.
func (c *cuttable) ReadFrom(b []byte) (int, net.Addr, error) {
	for {
		n, addr, err := c.PacketConn.ReadFrom(b)
		if err != nil || !c.cut.Load() {
			return n, addr, err
		}
	}
}

// WriteTo drops what is sent while the path is cut.
func (c *cuttable) WriteTo(b []byte, addr net.Addr) (int, error) {
	if c.cut.Load() {
		return len(b), nil
	}
	return c.PacketConn.WriteTo(b, addr)
}
