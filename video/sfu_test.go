package video

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/google/uuid"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"derma2go/secure"
)

// testSFU starts an SFU on loopback with its signalling endpoint.
func testSFU(t *testing.T, now func() time.Time) (*SFU, *Tokens, string, *prometheus.Registry) {
	t.Helper()
	return testSFUWith(t, now, nil)
}

func testSFUWith(t *testing.T, now func() time.Time, admitted func(context.Context, uuid.UUID) bool) (*SFU, *Tokens, string, *prometheus.Registry) {
	t.Helper()
	tokens := NewTokens(secure.NewLinks([]byte("0123456789abcdef0123456789abcdef")), now)
	reg := prometheus.NewRegistry()
	s, err := New(Options{UDPAddr: "127.0.0.1:0", TCPAddr: "127.0.0.1:0", IncludeLoopback: true, Tokens: tokens, Registry: reg, Admitted: admitted})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		_ = s.Close()
	})
	return s, tokens, "ws" + strings.TrimPrefix(srv.URL, "http"), reg
}

// client is a real pion peer that publishes a fake camera and microphone
// and counts the packets it receives per sending role.
type client struct {
	t    *testing.T
	pc   *webrtc.PeerConnection
	conn *websocket.Conn

	mu       sync.Mutex
	received map[Role]*atomic.Int64
	states   []Message
	// videoSeqs counts the video packets received per sequence number
	// (all senders), lastVideoSeq and videoSSRC are the last one's.
	videoSeqs    map[uint16]int
	lastVideoSeq uint16
	videoSSRC    uint32
	closed       chan struct{}
	stopping     atomic.Bool
	// publisher feeds the client's media; nil is publish (samples).
	publisher func(*client)
}

func dial(t *testing.T, url, token string) (*client, *http.Response, error) {
	t.Helper()
	return dialWith(t, url, token, webrtc.Configuration{})
}

// dialWith is dial with the client's peer-connection configuration (ICE
// servers, relay-only policy).
func dialWith(t *testing.T, url, token string, cfg webrtc.Configuration) (*client, *http.Response, error) {
	t.Helper()
	return dialClient(t, url, token, cfg, nil)
}

// dialClient is dialWith with the client's publisher (nil: publish).
func dialClient(t *testing.T, url, token string, cfg webrtc.Configuration, publisher func(*client)) (*client, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, url+"?token="+token, nil)
	if err != nil {
		return nil, resp, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	// Receiver and sender reports, as every browser sends them.
	ir := &interceptor.Registry{}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir)).NewPeerConnection(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, pc: pc, conn: conn, received: map[Role]*atomic.Int64{
		RolePatient: {}, RoleDoctor: {},
	}, closed: make(chan struct{}), publisher: publisher, videoSeqs: map[uint16]int{}}
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		counter := c.received[Role(remote.StreamID())]
		video := remote.Kind() == webrtc.RTPCodecTypeVideo
		for {
			pkt, _, err := remote.ReadRTP()
			if err != nil {
				return
			}
			if counter != nil {
				counter.Add(1)
			}
			if video {
				c.mu.Lock()
				c.videoSSRC = uint32(remote.SSRC())
				c.videoSeqs[pkt.SequenceNumber]++
				c.lastVideoSeq = pkt.SequenceNumber
				c.mu.Unlock()
			}
		}
	})
	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand != nil {
			init := cand.ToJSON()
			c.send(Message{Type: MsgCandidate, Candidate: &init})
		}
	})
	go c.run()
	t.Cleanup(c.close)
	return c, resp, nil
}

func (c *client) send(m Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = wsjson.Write(ctx, c.conn, m)
}

// run answers the server's offers, publishing on the first one.
func (c *client) run() {
	defer close(c.closed)
	published := false
	for {
		var m Message
		if err := wsjson.Read(context.Background(), c.conn, &m); err != nil {
			return
		}
		switch m.Type {
		case MsgOffer:
			if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
				c.fail("set offer: %v", err)
				return
			}
			if !published {
				published = true
				if c.publisher != nil {
					c.publisher(c)
				} else {
					c.publish()
				}
			}
			answer, err := c.pc.CreateAnswer(nil)
			if err == nil {
				err = c.pc.SetLocalDescription(answer)
			}
			if err != nil {
				c.fail("answer: %v", err)
				return
			}
			c.send(Message{Type: MsgAnswer, SDP: answer.SDP})
		case MsgCandidate:
			_ = c.pc.AddICECandidate(*m.Candidate)
		case MsgState, MsgWelcome:
			c.mu.Lock()
			c.states = append(c.states, m)
			c.mu.Unlock()
		}
	}
}

// publish adds a fake camera (VP8) and microphone (Opus) and feeds them.
func (c *client) publish() {
	video, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}, "video", "camera")
	audio, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "camera")
	for _, tr := range []webrtc.TrackLocal{audio, video} {
		if _, err := c.pc.AddTrack(tr); err != nil {
			c.t.Errorf("add track: %v", err)
		}
	}
	go func() {
		frame := make([]byte, 1200)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-c.closed:
				return
			case <-tick.C:
				_ = video.WriteSample(media.Sample{Data: frame, Duration: 20 * time.Millisecond})
				_ = audio.WriteSample(media.Sample{Data: frame[:80], Duration: 20 * time.Millisecond})
			}
		}
	}()
}

func (c *client) count(from Role) int64 { return c.received[from].Load() }

// fail reports a signalling failure unless the test is closing the client.
func (c *client) fail(format string, args ...any) {
	if !c.stopping.Load() {
		c.t.Errorf(format, args...)
	}
}

func (c *client) close() {
	c.stopping.Store(true)
	_ = c.conn.Close(websocket.StatusNormalClosure, "")
	<-c.closed
	_ = c.pc.Close()
}

// eventually waits up to d for ok.
func eventually(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func grant(id uuid.UUID, role Role) Grant {
	return Grant{ConsultationID: id, Role: role, Expires: time.Now().Add(time.Hour)}
}

// TestWaitingPatientGetsOnlyTheEchoUntilAdmitted: before admission the
// patient's own media comes back (equipment test) and nothing flows between
// patient and doctor; after it both receive each other and the echo stops.
func TestWaitingPatientGetsOnlyTheEchoUntilAdmitted(t *testing.T) {
	s, tokens, url, reg := testSFU(t, nil)
	id := uuid.New()
	patient, _, err := dial(t, url, tokens.Sign(grant(id, RolePatient)))
	if err != nil {
		t.Fatal(err)
	}
	doctor, _, err := dial(t, url, tokens.Sign(grant(id, RoleDoctor)))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "patient receives their own echo", func() bool { return patient.count(RolePatient) > 20 })
	time.Sleep(time.Second)
	if n := patient.count(RoleDoctor); n != 0 {
		t.Fatalf("waiting patient received %d packets from the doctor before admission", n)
	}
	if n := doctor.count(RolePatient); n != 0 {
		t.Fatalf("doctor received %d packets from the waiting patient before admission", n)
	}
	if got := testutil.ToFloat64(s.metrics.peers.WithLabelValues("patient")); got != 1 {
		t.Fatalf("derma_video_peers{role=patient} = %v, want 1", got)
	}

	s.Admit(id)
	eventually(t, 10*time.Second, "patient receives the doctor", func() bool { return patient.count(RoleDoctor) > 20 })
	eventually(t, 10*time.Second, "doctor receives the patient", func() bool { return doctor.count(RolePatient) > 20 })
	echo := patient.count(RolePatient)
	time.Sleep(time.Second)
	if n := patient.count(RolePatient) - echo; n > 5 {
		t.Fatalf("the patient's echo went on after admission: %d more packets", n)
	}
	if n, err := testutil.GatherAndCount(reg, "derma_video_forwarded_bytes_total", "derma_video_forward_delay_seconds"); err != nil || n == 0 {
		t.Fatalf("forwarding metrics: %d series, %v", n, err)
	}
}

// TestRoomRefusesBadTokensAndAThirdPeer: an expired token, a forged one and
// a second peer in a taken role are refused before the upgrade; a token of
// another consultation lands in that other room only.
func TestRoomRefusesBadTokensAndAThirdPeer(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	s, tokens, url, _ := testSFU(t, clock)
	id := uuid.New()

	expired := tokens.Sign(Grant{ConsultationID: id, Role: RolePatient, Expires: now.Add(-time.Second)})
	if _, resp, err := dial(t, url, expired); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token: err %v, resp %v; want 401", err, resp)
	}
	forged := strings.Replace(tokens.Sign(grant(id, RolePatient)), "patient", "doctor", 1)
	if _, resp, err := dial(t, url, forged); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged token: err %v, resp %v; want 401", err, resp)
	}

	if _, _, err := dial(t, url, tokens.Sign(grant(id, RolePatient))); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "room open", func() bool { return s.Rooms() == 1 })
	if _, resp, err := dial(t, url, tokens.Sign(grant(id, RolePatient))); err == nil || resp == nil || resp.StatusCode != http.StatusConflict {
		t.Fatalf("second patient: err %v, resp %v; want 409", err, resp)
	}

	other, _, err := dial(t, url, tokens.Sign(grant(uuid.New(), RoleDoctor)))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "second room", func() bool { return s.Rooms() == 2 })
	s.Admit(id)
	time.Sleep(1500 * time.Millisecond)
	if n := other.count(RolePatient); n != 0 {
		t.Fatalf("a doctor in another consultation's room received %d packets", n)
	}

	s.End(id)
	if _, resp, err := dial(t, url, tokens.Sign(grant(id, RoleDoctor))); err == nil || resp == nil || resp.StatusCode != http.StatusGone {
		t.Fatalf("ended room: err %v, resp %v; want 410", err, resp)
	}
}

// TestICERestartKeepsMediaFlowing: a client's restart request gets a new
// offer with fresh ICE credentials and media keeps flowing.
func TestICERestartKeepsMediaFlowing(t *testing.T) {
	_, tokens, url, _ := testSFU(t, nil)
	id := uuid.New()
	patient, _, err := dial(t, url, tokens.Sign(grant(id, RolePatient)))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "echo", func() bool { return patient.count(RolePatient) > 10 })
	before := patient.pc.RemoteDescription().SDP
	patient.send(Message{Type: MsgRestart})
	eventually(t, 5*time.Second, "new offer", func() bool {
		rd := patient.pc.RemoteDescription()
		return rd != nil && iceUfrag(rd.SDP) != iceUfrag(before)
	})
	n := patient.count(RolePatient)
	eventually(t, 10*time.Second, "media after restart", func() bool { return patient.count(RolePatient) > n+20 })
}

func iceUfrag(sdp string) string {
	for _, line := range strings.Split(sdp, "\n") {
		if strings.HasPrefix(line, "a=ice-ufrag:") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

// TestRelayOnlyClientReachesTheSFUThroughTURN: a client that may only use
// relayed candidates (a strict firewall) gets its echo through the embedded
// TURN server with short-lived credentials; with a wrong password it gets
// nothing.
func TestRelayOnlyClientReachesTheSFUThroughTURN(t *testing.T) {
	_, tokens, url, _ := testSFU(t, nil)
	tr, err := StartTURN(TURNOptions{UDPAddr: "127.0.0.1:0", Secret: "turn-secret-for-tests", Peers: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Close() })
	servers, err := ICE{URLs: []string{"stun:stun.example.org:3478", tr.URL()}, Secret: "turn-secret-for-tests"}.For("patient-1", time.Minute)
	if err != nil || len(servers) != 2 || servers[1].Username == "" {
		t.Fatalf("ICE servers = %+v, %v", servers, err)
	}
	ice := servers[1]
	relay := webrtc.Configuration{ICEServers: []webrtc.ICEServer{ice}, ICETransportPolicy: webrtc.ICETransportPolicyRelay}
	c, _, err := dialWith(t, url, tokens.Sign(grant(uuid.New(), RolePatient)), relay)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 15*time.Second, "echo through TURN", func() bool { return c.count(RolePatient) > 20 })
	pair, err := c.pc.GetSenders()[0].Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil {
		t.Fatalf("selected candidate pair: %v, %v", pair, err)
	}
	if pair.Local.Typ != webrtc.ICECandidateTypeRelay {
		t.Fatalf("selected local candidate is %s, want relay", pair.Local.Typ)
	}

	bad := ice
	bad.Credential = "wrong"
	relayBad := webrtc.Configuration{ICEServers: []webrtc.ICEServer{bad}, ICETransportPolicy: webrtc.ICETransportPolicyRelay}
	c2, _, err := dialWith(t, url, tokens.Sign(grant(uuid.New(), RolePatient)), relayBad)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if n := c2.count(RolePatient); n != 0 {
		t.Fatalf("a client with a wrong TURN password received %d packets", n)
	}
}

// TestRoomAsksTheAuthorityWhenItOpens: a room that opens while the session
// already runs (this process restarted, the peers rejoin) is admitted on the
// authority's word, without a new Admit.
func TestRoomAsksTheAuthorityWhenItOpens(t *testing.T) {
	running := uuid.New()
	_, tokens, url, _ := testSFUWith(t, nil, func(_ context.Context, id uuid.UUID) bool { return id == running })
	patient, _, err := dial(t, url, tokens.Sign(grant(running, RolePatient)))
	if err != nil {
		t.Fatal(err)
	}
	doctor, _, err := dial(t, url, tokens.Sign(grant(running, RoleDoctor)))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "patient receives the doctor", func() bool { return patient.count(RoleDoctor) > 20 })
	eventually(t, 10*time.Second, "doctor receives the patient", func() bool { return doctor.count(RolePatient) > 20 })
}
