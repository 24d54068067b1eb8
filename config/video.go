package config

import (
	"net"
	"strings"
	"time"
)

// Video configures the SFU and its ICE servers.
type Video struct {
	// UDPAddr is the one UDP port all media uses (VIDEO_UDP_ADDR).
	UDPAddr string
	// TCPAddr is the ICE-TCP fallback port; "off" turns it off (VIDEO_TCP_ADDR).
	TCPAddr string
	// PublicIPs are announced instead of the local addresses, behind 1:1 NAT
	// (VIDEO_PUBLIC_IPS, comma-separated).
	PublicIPs []string
	// ICEServers are extra STUN/TURN URLs handed to clients
	// (VIDEO_ICE_SERVERS, comma-separated stun:/turn:/turns: URLs).
	ICEServers []string
	// TURNSecret signs short-lived TURN credentials for the turn: URLs and
	// the embedded TURN server (VIDEO_TURN_SECRET).
	TURNSecret string
	// TURNAddr runs the embedded TURN server on this UDP address when set
	// (VIDEO_TURN_ADDR); derma dev sets it.
	TURNAddr string
	// TokenTTL is how long a room token (and its TURN credentials) is valid
	// (VIDEO_TOKEN_TTL).
	TokenTTL time.Duration
}

func (r *reader) video() Video {
	v := Video{
		UDPAddr:    r.str("VIDEO_UDP_ADDR", ":7882"),
		TCPAddr:    r.str("VIDEO_TCP_ADDR", ":7881"),
		PublicIPs:  r.list("VIDEO_PUBLIC_IPS"),
		ICEServers: r.list("VIDEO_ICE_SERVERS"),
		TURNSecret: r.str("VIDEO_TURN_SECRET", ""),
		TURNAddr:   r.str("VIDEO_TURN_ADDR", ""),
		TokenTTL:   r.duration("VIDEO_TOKEN_TTL", 30*time.Minute),
	}
	if v.TCPAddr == "off" {
		v.TCPAddr = ""
	}
	for _, ip := range v.PublicIPs {
		if net.ParseIP(ip) == nil {
			r.fail("VIDEO_PUBLIC_IPS", "must be IP addresses, not %q", ip)
		}
	}
	for _, u := range v.ICEServers {
		if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
			r.fail("VIDEO_ICE_SERVERS", "must be stun:, turn: or turns: URLs, not %q", u)
		}
		if !strings.HasPrefix(u, "stun:") && v.TURNSecret == "" {
			r.fail("VIDEO_TURN_SECRET", "is required with a TURN server in VIDEO_ICE_SERVERS")
		}
	}
	if v.TURNAddr != "" && v.TURNSecret == "" {
		r.fail("VIDEO_TURN_SECRET", "is required with VIDEO_TURN_ADDR")
	}
	return v
}

// list reads a comma-separated list.
func (r *reader) list(name string) []string {
	raw, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []string
	for _, v := range strings.Split(raw, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
