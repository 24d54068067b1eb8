// Package video is Derma2Go's selective forwarding unit: one room per
// consultation with at most one patient and one doctor, signalling over
// WebSocket, ICE on one UDP port (with ICE-TCP on one TCP port as fallback).
//
// The rule of a room: until the doctor admits the patient, the patient's own
// media comes back to them (the equipment test) and neither side receives
// the other; once admitted, each receives the other and no echo. Media is
// forwarded packet by packet and never stored.
//
// Test rooms (a test grant) are echo rooms of one peer that no consultation
// owns, for the connection check before any booking: they are kept apart
// from the consultations' rooms (no token of one kind reaches a room of the
// other), live at most TestRoomLimit, close when their peer leaves, and are
// neither admitted, ended nor swept by the workflows' side.
package video

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Options configure an SFU.
type Options struct {
	// UDPAddr is the one UDP address all ICE traffic uses (UDP mux), e.g.
	// ":3478"... ("127.0.0.1:0" picks a free loopback port).
	UDPAddr string
	// TCPAddr is the ICE-TCP fallback address; "" turns ICE-TCP off.
	TCPAddr string
	// PublicIPs are announced as host candidates instead of the local
	// addresses (1:1 NAT, e.g. a cloud VM's public address).
	PublicIPs []string
	// ICEServers are the STUN/TURN servers handed to clients.
	ICEServers []webrtc.ICEServer
	// IncludeLoopback offers loopback candidates (tests and one-machine dev).
	IncludeLoopback bool
	// Tokens checks room tokens.
	Tokens *Tokens
	// Admitted asks the authority (the consultation's workflow) whether the
	// session of a consultation is running, when a room opens that Admit
	// has not been called for (after a restart of this process, or on
	// another instance). nil means only Admit admits.
	Admitted func(ctx context.Context, consultationID uuid.UUID) bool
	// TestRoomLimit is the longest a test room stays open (0 means
	// DefaultTestRoomLimit); its peer is disconnected then.
	TestRoomLimit time.Duration
	// MaxTestRooms caps the test rooms open at once (0 means
	// DefaultMaxTestRooms); one more is refused with 503.
	MaxTestRooms int
	// Registry receives the SFU's metrics; nil registers none.
	Registry prometheus.Registerer
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// SFU holds the rooms and the WebRTC machinery they share.
type SFU struct {
	api     *webrtc.API
	opts    Options
	log     *slog.Logger
	metrics *metrics
	udp     *net.UDPConn
	tcp     net.Listener
	// arrivals holds the arrival times of RTP packets on udp.
	arrivals *arrivals

	mu    sync.Mutex
	rooms map[uuid.UUID]*room
	// tests are the test rooms, by their own ids (never a consultation's
	// room: the two maps keep the kinds apart).
	tests map[uuid.UUID]*room
	// admitted and ended remember the workflow's word for rooms that have
	// no peer yet.
	admitted map[uuid.UUID]bool
	ended    map[uuid.UUID]bool
	closed   bool
}

// ErrRoomFull is returned when the role's place in the room is taken.
var ErrRoomFull = errors.New("video: this role is already in the room")

// ErrRoomEnded is returned for a room whose session has ended.
var ErrRoomEnded = errors.New("video: the session has ended")

// ErrTestRoomsBusy is returned when MaxTestRooms test rooms are open.
var ErrTestRoomsBusy = errors.New("video: too many connection tests at once")

// Defaults of Options.TestRoomLimit and Options.MaxTestRooms: a connection
// check needs a few seconds; a test room is one peer's echo, so a hundred
// of them weigh about as much as fifty consultations.
const (
	DefaultTestRoomLimit = time.Minute
	DefaultMaxTestRooms  = 100
)

// New opens the ICE ports and returns an SFU.
func New(opts Options) (*SFU, error) {
	if opts.Tokens == nil {
		return nil, errors.New("video: Options.Tokens is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.UDPAddr == "" {
		opts.UDPAddr = "127.0.0.1:0"
	}
	if opts.TestRoomLimit <= 0 {
		opts.TestRoomLimit = DefaultTestRoomLimit
	}
	if opts.MaxTestRooms <= 0 {
		opts.MaxTestRooms = DefaultMaxTestRooms
	}
	s := &SFU{opts: opts, log: opts.Logger, rooms: map[uuid.UUID]*room{}, tests: map[uuid.UUID]*room{},
		admitted: map[uuid.UUID]bool{}, ended: map[uuid.UUID]bool{}}
	s.metrics = newMetrics(opts.Registry)

	laddr, err := net.ResolveUDPAddr("udp", opts.UDPAddr)
	if err != nil {
		return nil, fmt.Errorf("video: udp address %s: %w", opts.UDPAddr, err)
	}
	udp, err := net.ListenUDP("udp", laddr)
	if err != nil {
		return nil, fmt.Errorf("video: listen udp %s: %w", opts.UDPAddr, err)
	}
	s.udp = udp
	// A burst of packets while the socket's reader waits for a CPU must not
	// overflow the kernel's default buffer (~200 KiB, ~60 ms of 20 sessions);
	// the kernel caps the request at net.core.[rw]mem_max.
	_ = udp.SetReadBuffer(udpBuffer)
	_ = udp.SetWriteBuffer(udpBuffer)
	s.arrivals = &arrivals{}
	se := webrtc.SettingEngine{}
	se.SetICEUDPMux(webrtc.NewICEUDPMux(nil, &stampConn{UDPConn: udp, arrivals: s.arrivals}))
	networks := []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6}
	if opts.TCPAddr != "" {
		tcp, err := net.Listen("tcp", opts.TCPAddr)
		if err != nil {
			_ = udp.Close()
			return nil, fmt.Errorf("video: listen tcp %s: %w", opts.TCPAddr, err)
		}
		s.tcp = tcp
		se.SetICETCPMux(webrtc.NewICETCPMux(nil, tcp, 8))
		networks = append(networks, webrtc.NetworkTypeTCP4, webrtc.NetworkTypeTCP6)
	}
	se.SetNetworkTypes(networks)
	se.SetIncludeLoopbackCandidate(opts.IncludeLoopback)
	if len(opts.PublicIPs) > 0 {
		err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External: opts.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost,
		})
		if err != nil {
			s.closeListeners()
			return nil, fmt.Errorf("video: public addresses %v: %w", opts.PublicIPs, err)
		}
	}
	se.SetICETimeouts(5*time.Second, 15*time.Second, 2*time.Second)

	me := &webrtc.MediaEngine{}
	if err := me.RegisterDefaultCodecs(); err != nil {
		s.closeListeners()
		return nil, fmt.Errorf("video: codecs: %w", err)
	}
	ir, err := interceptors(me)
	if err != nil {
		s.closeListeners()
		return nil, fmt.Errorf("video: interceptors: %w", err)
	}
	s.api = webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir))
	return s, nil
}

// udpBuffer is the size asked for the UDP socket's kernel buffers.
const udpBuffer = 4 << 20

// interceptors are pion's default interceptors but the statistics one,
// whose per-packet bookkeeping only feeds PeerConnection.GetStats, which
// the SFU does not call: NACK (generating and answering), RTCP sender and
// receiver reports, TWCC feedback and the simulcast header extensions.
func interceptors(me *webrtc.MediaEngine) (*interceptor.Registry, error) {
	ir := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(me, ir); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(me); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureTWCCSender(me, ir); err != nil {
		return nil, err
	}
	return ir, nil
}

// UDPAddr is the address of the ICE UDP port.
func (s *SFU) UDPAddr() net.Addr { return s.udp.LocalAddr() }

// TCPAddr is the address of the ICE-TCP port, nil when off.
func (s *SFU) TCPAddr() net.Addr {
	if s.tcp == nil {
		return nil
	}
	return s.tcp.Addr()
}

// TestRoomLimit is the longest a test room stays open.
func (s *SFU) TestRoomLimit() time.Duration { return s.opts.TestRoomLimit }

// ICEServers are the STUN/TURN servers clients should use.
func (s *SFU) ICEServers() []webrtc.ICEServer { return s.opts.ICEServers }

// Admit lets the patient and the doctor of a consultation see and hear each
// other (the workflow accepted the doctor's start of the session).
func (s *SFU) Admit(consultationID uuid.UUID) {
	s.mu.Lock()
	s.admitted[consultationID] = true
	r := s.rooms[consultationID]
	s.mu.Unlock()
	if r != nil {
		r.setAdmitted(true)
	}
}

// End closes a consultation's room for good (the session ended or was
// cancelled): its peers are disconnected and nobody may join again.
func (s *SFU) End(consultationID uuid.UUID) {
	s.mu.Lock()
	s.ended[consultationID] = true
	r := s.rooms[consultationID]
	delete(s.rooms, consultationID)
	s.mu.Unlock()
	if r != nil {
		r.close("the session has ended")
		s.metrics.rooms.Dec()
	}
}

// join puts a new peer of role into its consultation's room, or the test
// grant's peer into its test room.
func (s *SFU) join(ctx context.Context, g Grant, sig signaller) (*room, *peer, error) {
	if g.Test() {
		return s.joinTest(g, sig)
	}
	s.mu.Lock()
	known := s.admitted[g.ConsultationID]
	s.mu.Unlock()
	if !known && s.opts.Admitted != nil && s.opts.Admitted(ctx, g.ConsultationID) {
		s.Admit(g.ConsultationID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.ended[g.ConsultationID] {
		return nil, nil, ErrRoomEnded
	}
	r := s.rooms[g.ConsultationID]
	if r == nil {
		r = newRoom(s, g.ConsultationID, s.admitted[g.ConsultationID])
		s.rooms[g.ConsultationID] = r
		s.metrics.rooms.Inc()
	}
	p, err := r.add(g.Role, sig)
	if err != nil {
		return nil, nil, err
	}
	return r, p, nil
}

// joinTest opens the test room of g with its one peer; the room closes
// after TestRoomLimit at the latest.
func (s *SFU) joinTest(g Grant, sig signaller) (*room, *peer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, ErrRoomEnded
	}
	if s.tests[g.TestRoom] != nil {
		return nil, nil, ErrRoomFull
	}
	if len(s.tests) >= s.opts.MaxTestRooms {
		return nil, nil, ErrTestRoomsBusy
	}
	r := newRoom(s, g.TestRoom, false)
	r.test = true
	p, err := r.add(RolePatient, sig)
	if err != nil {
		return nil, nil, err
	}
	s.tests[g.TestRoom] = r
	r.limit = time.AfterFunc(s.opts.TestRoomLimit, func() {
		s.dropTest(r)
		r.close("the connection test has ended")
	})
	return r, p, nil
}

// dropTest takes the test room r out of the SFU.
func (s *SFU) dropTest(r *room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tests[r.id] == r {
		delete(s.tests, r.id)
	}
	r.limit.Stop()
}

// leave removes p from r, and r from the SFU once it is empty.
func (s *SFU) leave(r *room, p *peer) {
	empty := r.remove(p)
	if !empty {
		return
	}
	if r.test {
		s.dropTest(r)
		return
	}
	s.mu.Lock()
	if s.rooms[r.id] == r {
		delete(s.rooms, r.id)
		s.metrics.rooms.Dec()
	}
	s.mu.Unlock()
}

// Close disconnects every peer and closes the ICE ports.
func (s *SFU) Close() error {
	s.mu.Lock()
	s.closed = true
	rooms := s.rooms
	s.rooms = map[uuid.UUID]*room{}
	s.metrics.rooms.Sub(float64(len(rooms)))
	tests := s.tests
	s.tests = map[uuid.UUID]*room{}
	s.mu.Unlock()
	for _, r := range tests {
		r.limit.Stop()
		r.close("the video service is shutting down")
	}
	for _, r := range rooms {
		r.close("the video service is shutting down")
	}
	return s.closeListeners()
}

func (s *SFU) closeListeners() error {
	err := s.udp.Close()
	if s.tcp != nil {
		err = errors.Join(err, s.tcp.Close())
	}
	return err
}

// Rooms reports how many consultations' rooms are open (for tests and the
// status page); test rooms are not among them.
func (s *SFU) Rooms() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rooms)
}

// TestRooms reports how many test rooms are open.
func (s *SFU) TestRooms() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tests)
}

// TestRoomOpen reports whether the test room id is open.
func (s *SFU) TestRoomOpen(id uuid.UUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tests[id] != nil
}

// RoomOpen reports whether the consultation id's room is open.
func (s *SFU) RoomOpen(id uuid.UUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rooms[id] != nil
}

// RoomIDs lists the consultations whose rooms are open, so a caller can
// hold them against the workflow's state. Test rooms are not listed: no
// workflow owns them (they close by themselves).
func (s *SFU) RoomIDs() []uuid.UUID {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]uuid.UUID, 0, len(s.rooms))
	for id := range s.rooms {
		ids = append(ids, id)
	}
	return ids
}
