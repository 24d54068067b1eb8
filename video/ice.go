package video

import (
	"strings"
	"time"

	"github.com/pion/turn/v5"
	"github.com/pion/webrtc/v4"
)

// ICE is the set of STUN and TURN servers handed to clients, with
// short-lived TURN credentials (the TURN REST API scheme that coturn's
// use-auth-secret and the embedded server both accept).
type ICE struct {
	// URLs are stun:, turn: and turns: URLs.
	URLs []string
	// Secret signs the TURN credentials.
	Secret string
}

// For returns the ICE servers for user, with TURN credentials valid for ttl.
func (c ICE) For(user string, ttl time.Duration) ([]webrtc.ICEServer, error) {
	var out []webrtc.ICEServer
	var relays []string
	for _, u := range c.URLs {
		if strings.HasPrefix(u, "stun:") {
			out = append(out, webrtc.ICEServer{URLs: []string{u}})
		} else {
			relays = append(relays, u)
		}
	}
	if len(relays) > 0 {
		name, password, err := turn.GenerateLongTermTURNRESTCredentials(c.Secret, user, ttl)
		if err != nil {
			return nil, err
		}
		out = append(out, webrtc.ICEServer{URLs: relays, Username: name, Credential: password})
	}
	return out, nil
}
