package video

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/pion/webrtc/v4"
)

// Signalling message types. The server sends welcome, offer, candidate,
// state and bye; the client sends answer, candidate and restart (ask for an
// ICE restart after a network change). Only the server makes offers, so
// offers never cross.
const (
	MsgWelcome   = "welcome"
	MsgOffer     = "offer"
	MsgAnswer    = "answer"
	MsgCandidate = "candidate"
	MsgRestart   = "restart"
	MsgState     = "state"
	MsgBye       = "bye"
)

// Message is one signalling message.
type Message struct {
	Type       string                   `json:"type"`
	SDP        string                   `json:"sdp,omitempty"`
	Candidate  *webrtc.ICECandidateInit `json:"candidate,omitempty"`
	Role       Role                     `json:"role,omitempty"`
	Admitted   *bool                    `json:"admitted,omitempty"`
	Peers      []Role                   `json:"peers,omitempty"`
	ICEServers []webrtc.ICEServer       `json:"ice_servers,omitempty"`
	Reason     string                   `json:"reason,omitempty"`
}

// WebSocket close codes of the signalling channel (4000–4999 are the
// application's).
const (
	closeRoomFull  websocket.StatusCode = 4409
	closeRoomEnded websocket.StatusCode = 4410
	closeProtocol  websocket.StatusCode = 4400
	closeTestsBusy websocket.StatusCode = 4503
)

// maxMessage caps one signalling message (an SDP is a few KiB).
const maxMessage = 64 << 10

// ServeHTTP is the signalling endpoint: GET with ?token=<room token>,
// upgraded to a WebSocket. A bad token is refused with 401, a taken role
// with 409 and an ended session with 410, before the upgrade.
func (s *SFU) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g, err := s.opts.Tokens.Verify(r.URL.Query().Get("token"))
	if err != nil {
		problem(w, http.StatusUnauthorized, "video-token-invalid", "The room token is invalid or has expired.")
		return
	}
	if err := s.canJoin(g); err != nil {
		if errors.Is(err, ErrRoomFull) {
			problem(w, http.StatusConflict, "video-room-full", "Someone is already in this room in your role.")
		} else if errors.Is(err, ErrTestRoomsBusy) {
			w.Header().Set("Retry-After", "10")
			problem(w, http.StatusServiceUnavailable, "video-test-busy", "Too many connection tests are running; try again shortly.")
		} else {
			problem(w, http.StatusGone, "video-room-ended", "This video session has ended.")
		}
		return
	}
	// A signalling channel lives as long as the session: the HTTP server's
	// read and write deadlines must not cut it; pings detect a dead client.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(maxMessage)
	ws := newWSSignaller(conn)
	defer ws.close("")
	rm, p, err := s.join(r.Context(), g, ws)
	if err != nil {
		code := closeRoomEnded
		if errors.Is(err, ErrRoomFull) {
			code = closeRoomFull
		} else if errors.Is(err, ErrTestRoomsBusy) {
			code = closeTestsBusy
		}
		_ = conn.Close(code, err.Error())
		return
	}
	defer s.leave(rm, p)
	if err := s.connect(rm, p); err != nil {
		s.log.Warn("video: peer connection", "err", err, "role", g.Role)
		return
	}
	defer p.pc.Close()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go keepAlive(ctx, conn, ws)
	s.readLoop(ctx, conn, p)
}

// pingEvery is how often the signalling channel is pinged; a client that
// does not answer within pingEvery is disconnected, which frees its role
// for a rejoin.
const pingEvery = 10 * time.Second

func keepAlive(ctx context.Context, conn *websocket.Conn, ws *wsSignaller) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, pingEvery)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				ws.close("")
				return
			}
		}
	}
}

// canJoin reports, before the upgrade, whether g's role could join now.
func (s *SFU) canJoin(g Grant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.Test() {
		switch {
		case s.closed:
			return ErrRoomEnded
		case s.tests[g.TestRoom] != nil:
			return ErrRoomFull
		case len(s.tests) >= s.opts.MaxTestRooms:
			return ErrTestRoomsBusy
		}
		return nil
	}
	if s.closed || s.ended[g.ConsultationID] {
		return ErrRoomEnded
	}
	if r := s.rooms[g.ConsultationID]; r != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
		if _, taken := r.peers[g.Role]; taken {
			return ErrRoomFull
		}
	}
	return nil
}

// connect makes p's peer connection, with one audio and one video
// transceiver the client publishes on, and sends the first offer.
func (s *SFU) connect(r *room, p *peer) error {
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			_ = pc.Close()
			return err
		}
	}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		p.localCandidate(c.ToJSON())
	})
	pc.OnTrack(func(remote *webrtc.TrackRemote, _ *webrtc.RTPReceiver) { r.publish(p, remote) })
	p.mu.Lock()
	p.pc = pc
	p.mu.Unlock()
	st := r.state()
	p.sig.send(Message{Type: MsgWelcome, Role: p.role, Admitted: st.Admitted, Peers: st.Peers, ICEServers: s.opts.ICEServers})
	for _, q := range r.others(p) {
		q.sendState()
	}
	// Tracks already published that p may receive.
	r.mu.Lock()
	r.reconcileLocked()
	r.mu.Unlock()
	p.negotiate(false)
	return nil
}

// readLoop handles the client's messages until the socket closes.
func (s *SFU) readLoop(ctx context.Context, conn *websocket.Conn, p *peer) {
	for {
		var m Message
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return
		}
		var err error
		switch m.Type {
		case MsgAnswer:
			err = p.answered(m.SDP)
		case MsgCandidate:
			if m.Candidate != nil {
				p.remoteCandidate(*m.Candidate)
			}
		case MsgRestart:
			p.negotiate(true)
		default:
			err = errors.New("unknown message type")
		}
		if err != nil {
			_ = conn.Close(closeProtocol, "bad signalling message")
			return
		}
	}
}

// others returns the peers of r besides p.
func (r *room) others(p *peer) []*peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*peer
	for _, q := range r.peers {
		if q != p {
			out = append(out, q)
		}
	}
	return out
}

// wsSignaller sends messages over a WebSocket from one writer goroutine, so
// a slow client never blocks the room.
type wsSignaller struct {
	conn *websocket.Conn
	out  chan Message
	once sync.Once
	done chan struct{}
}

func newWSSignaller(conn *websocket.Conn) *wsSignaller {
	w := &wsSignaller{conn: conn, out: make(chan Message, 64), done: make(chan struct{})}
	go w.write()
	return w
}

func (w *wsSignaller) write() {
	for {
		select {
		case <-w.done:
			return
		case m := <-w.out:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := wsjson.Write(ctx, w.conn, m)
			cancel()
			if err != nil {
				w.close("")
				return
			}
		}
	}
}

func (w *wsSignaller) send(m Message) {
	select {
	case <-w.done:
	case w.out <- m:
	default:
		// A client that does not read its messages is dropped.
		w.close("signalling backlog")
	}
}

func (w *wsSignaller) close(reason string) {
	w.once.Do(func() {
		close(w.done)
		if reason != "" {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = wsjson.Write(ctx, w.conn, Message{Type: MsgBye, Reason: reason})
			cancel()
		}
		_ = w.conn.Close(websocket.StatusNormalClosure, reason)
	})
}

// problem writes an RFC 9457 problem.
func problem(w http.ResponseWriter, status int, typ, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"type": "https://derma2go.nl/problems/" + typ, "title": http.StatusText(status), "status": status, "detail": detail,
	})
}
