package video

import (
	"fmt"
	"net"
	"strconv"

	"github.com/pion/turn/v5"
)

// TURNOptions configure the embedded TURN server.
type TURNOptions struct {
	// UDPAddr is the TURN listening address, e.g. "0.0.0.0:3478".
	UDPAddr string
	// RelayIP is the address relayed candidates carry (the machine's
	// public address; 127.0.0.1 on one machine).
	RelayIP net.IP
	// Secret signs the short-lived credentials (TURN REST API style).
	Secret string
	// Realm; "" means "derma2go".
	Realm string
	// Peers are the only addresses the relay forwards to (the SFU's), so
	// the server is no open relay into the network it runs in.
	Peers []net.IP
}

// TURN is an embedded TURN server for clients that cannot reach the SFU's
// ports directly (strict firewalls); it relays only to the SFU.
type TURN struct {
	srv    *turn.Server
	conn   net.PacketConn
	opts   TURNOptions
	public string
}

// StartTURN starts the embedded TURN server.
func StartTURN(opts TURNOptions) (*TURN, error) {
	if opts.Secret == "" {
		return nil, fmt.Errorf("video: TURN needs a secret")
	}
	if opts.Realm == "" {
		opts.Realm = "derma2go"
	}
	if opts.RelayIP == nil {
		opts.RelayIP = net.IPv4(127, 0, 0, 1)
	}
	conn, err := net.ListenPacket("udp4", opts.UDPAddr)
	if err != nil {
		return nil, fmt.Errorf("video: TURN listen %s: %w", opts.UDPAddr, err)
	}
	allowed := func(_ net.Addr, peer net.IP) bool {
		for _, ip := range opts.Peers {
			if ip.Equal(peer) {
				return true
			}
		}
		return false
	}
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm:       opts.Realm,
		AuthHandler: turn.LongTermTURNRESTAuthHandler(opts.Secret, nil),
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn:            conn,
			RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{RelayAddress: opts.RelayIP, Address: "0.0.0.0"},
			PermissionHandler:     allowed,
		}},
	})
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("video: TURN: %w", err)
	}
	port := conn.LocalAddr().(*net.UDPAddr).Port
	return &TURN{srv: srv, conn: conn, opts: opts, public: net.JoinHostPort(opts.RelayIP.String(), strconv.Itoa(port))}, nil
}

// Addr is the TURN server's host:port as clients reach it.
func (t *TURN) Addr() string { return t.public }

// URL is the turn: URL of the server.
func (t *TURN) URL() string { return "turn:" + t.public + "?transport=udp" }

// Close stops the TURN server.
func (t *TURN) Close() error { return t.srv.Close() }
