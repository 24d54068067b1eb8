package api

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/care"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/video"
)

// VideoRooms is the SFU the API issues room tokens for and whose signalling
// endpoint it serves (GET /v1/video/ws).
type VideoRooms struct {
	SFU    *video.SFU
	Tokens *video.Tokens
	// ICE are the STUN/TURN servers handed to clients, with TURN
	// credentials as short-lived as the token.
	ICE video.ICE
	// TTL is how long a room token is valid (VIDEO_TOKEN_TTL).
	TTL time.Duration
}

// testTokenTTL is how long a test-room token may be used to join: the
// support page opens the room at once. The room itself lasts at most the
// SFU's TestRoomLimit.
const testTokenTTL = time.Minute

// testTokenPerSource caps the test-room tokens one address gets: a visitor
// runs the check a few times, a script that opens rooms by the hundred does not.
var testTokenPerSource = limitPolicy{every: 30 * time.Second, burst: 10}

var textTestTokenTooMany = problemText{"Too many requests",
	"You have started the connection test many times in the last few minutes. Try again in %d seconds."}

// VideoTestTokenView is a token for a test room: an echo room of its own,
// which no consultation owns, where what the client sends comes back to it.
type VideoTestTokenView struct {
	Token string `json:"token"`
	// WSURL is the signalling WebSocket to open, the token in its query.
	WSURL     string `json:"ws_url"`
	ExpiresAt string `json:"expires_at"`
	// MaxSeconds is how long the test room stays open once joined.
	MaxSeconds int             `json:"max_seconds"`
	ICEServers []ICEServerView `json:"ice_servers"`
}

// videoTestToken issues a token for a new test room to anyone (no login: a
// visitor checks the connection before booking), rate-limited per source.
// The token names a random room id and nothing else; nothing about the
// caller is stored, so the route is not audited.
func (s *Server) videoTestToken(c *gin.Context) {
	if s.Video == nil {
		fail(c, errUnavailable("Video consultations are not available on this server."))
		return
	}
	if ok, wait := s.limits.allow(testTokenPerSource, "video-test-src:"+c.ClientIP()); !ok {
		seconds := int(math.Ceil(wait.Seconds()))
		c.Header("Retry-After", strconv.Itoa(seconds))
		fail(c, localProblem(c, requestLanguage(c, ""), http.StatusTooManyRequests, "rate-limited", textTestTokenTooMany, seconds))
		return
	}
	room := uuid.New()
	expires := s.Now().Add(testTokenTTL).UTC().Truncate(time.Second)
	token := s.Video.Tokens.Sign(video.Grant{TestRoom: room, Role: video.RolePatient, Expires: expires})
	ice, err := s.iceServers("test."+room.String(), testTokenTTL+s.Video.SFU.TestRoomLimit())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, VideoTestTokenView{Token: token, WSURL: s.videoWSURL(room.String(), token),
		ExpiresAt: expires.Format(timeLayout), MaxSeconds: int(s.Video.SFU.TestRoomLimit() / time.Second), ICEServers: ice})
}

// iceServers are the STUN/TURN servers for user, TURN credentials valid for ttl.
func (s *Server) iceServers(user string, ttl time.Duration) ([]ICEServerView, error) {
	servers, err := s.Video.ICE.For(user, ttl)
	if err != nil {
		return nil, err
	}
	ice := make([]ICEServerView, 0, len(servers))
	for _, sv := range servers {
		v := ICEServerView{URLs: sv.URLs, Username: sv.Username}
		if cred, ok := sv.Credential.(string); ok {
			v.Credential = cred
		}
		ice = append(ice, v)
	}
	return ice, nil
}

// VideoTokenView is a room token with what a client needs to join.
type VideoTokenView struct {
	Token string `json:"token"`
	// WSURL is the signalling WebSocket to open, the token in its query.
	WSURL     string `json:"ws_url"`
	Role      string `json:"role"`
	ExpiresAt string `json:"expires_at"`
	// Admitted: the session runs (patient and doctor see each other); until
	// then the patient sees only their own camera.
	Admitted   bool            `json:"admitted"`
	ICEServers []ICEServerView `json:"ice_servers"`
}

// ICEServerView is one STUN or TURN server in the form of RTCIceServer.
type ICEServerView struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// videoToken issues a room token to the consultation's patient (or guest)
// or doctor, when the workflow's live state opens the room to them.
func (s *Server) videoToken(c *gin.Context) {
	row := consultationOf(c)
	if s.Video == nil {
		fail(c, errUnavailable("Video consultations are not available on this server."))
		return
	}
	who := domain.ParticipantPatient
	if p := currentPrincipal(c); p != nil && p.Role == RoleDoctor {
		who = domain.ParticipantDoctor
	}
	room, err := s.care.VideoRoom(c, row, who)
	if err != nil {
		failCare(c, err)
		return
	}
	if !room.Open {
		fail(c, errVideoRoomClosed(c, row))
		return
	}
	expires := s.Now().Add(s.Video.TTL).UTC().Truncate(time.Second)
	token := s.Video.Tokens.Sign(video.Grant{ConsultationID: row.ID, Role: video.Role(who), Expires: expires})
	ice, err := s.iceServers(row.ID.String()+"."+string(who), s.Video.TTL)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, VideoTokenView{Token: token, WSURL: s.videoWSURL(row.ID.String(), token), Role: string(who),
		ExpiresAt: expires.Format(timeLayout), Admitted: room.Admitted, ICEServers: ice})
}

// videoWSURL is the signalling endpoint under PUBLIC_URL with the token. The
// room (the consultation id) rides along so that a proxy in front of several
// API instances can send both peers of a room to the same one (it hashes on
// it; deploy/nginx.conf); the SFU itself trusts only the token.
func (s *Server) videoWSURL(room, token string) string {
	base := s.PublicURL
	switch {
	case strings.HasPrefix(base, "https://"):
		base = "wss://" + strings.TrimPrefix(base, "https://")
	case strings.HasPrefix(base, "http://"):
		base = "ws://" + strings.TrimPrefix(base, "http://")
	}
	return strings.TrimRight(base, "/") + "/v1/video/ws?room=" + url.QueryEscape(room) + "&token=" + url.QueryEscape(token)
}

// videoSignal is the SFU's signalling WebSocket. The token is the pass; a
// test room's token names no consultation and goes to the SFU as it is. For
// a consultation's room the
// workflow is asked once more as the peer joins: an ended consultation
// closes its room for good (410), a running session admits the room (after
// a restart, or when another API instance took the doctor's start). When
// the workflow does not answer, the signed token alone lets the peer in, so
// a call survives a Temporal outage.
func (s *Server) videoSignal(c *gin.Context) {
	if s.Video == nil {
		fail(c, errUnavailable("Video consultations are not available on this server."))
		return
	}
	if g, err := s.Video.Tokens.Verify(c.Query("token")); err == nil && !g.Test() {
		row, err := s.Store.GetConsultation(c, g.ConsultationID)
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			s.Video.SFU.End(g.ConsultationID)
		} else if err != nil {
			fail(c, err)
			return
		} else {
			room, err := s.care.VideoRoom(c, row, domain.Participant(g.Role))
			switch {
			case errors.Is(err, care.ErrUnavailable):
				logger(c).WarnContext(c, "video: workflow does not answer; admitting on the token", "err", err)
			case err != nil:
				fail(c, err)
				return
			case room.Ended:
				s.Video.SFU.End(row.ID)
			case !room.Open:
				fail(c, errVideoRoomClosed(c, row))
				return
			case room.Admitted:
				s.Video.SFU.Admit(row.ID)
			}
		}
	}
	s.Video.SFU.ServeHTTP(c.Writer, c.Request)
}

// errVideoRoomClosed is the 409 of a room that is not open now, in the
// caller's language (the consultation's for a guest).
func errVideoRoomClosed(c *gin.Context, row db.Consultation) error {
	lang := row.Language
	if p := currentPrincipal(c); p != nil && p.Language != "" {
		lang = p.Language
	}
	return newProblem(http.StatusConflict, "video-room-closed", "Conflict",
		"The video room of this consultation is not open now: it opens when the patient checks in "+
			"to the waiting room (from 10 minutes before the start) and closes when the session ends.").inLanguage(lang)
}
