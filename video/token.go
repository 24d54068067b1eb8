package video

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"derma2go/secure"
)

// Role is a participant's part in a consultation's room.
type Role string

// The two roles of a room; a room holds at most one peer of each.
const (
	RolePatient Role = "patient"
	RoleDoctor  Role = "doctor"
)

// tokenPurpose is the purpose of room tokens among the signed links, and
// testPurpose that of test-room tokens: one purpose each, so that neither
// kind can be read as the other.
const (
	tokenPurpose = "video-room"
	testPurpose  = "video-test"
)

// ErrTokenInvalid is returned for a token that is forged, expired, for
// another purpose or malformed.
var ErrTokenInvalid = errors.New("video: room token invalid or expired")

// Grant is what a room token allows: one role in one consultation's room
// until Expires, or, for a test grant, the one place in a test room.
type Grant struct {
	// ConsultationID names the consultation's room; zero in a test grant.
	ConsultationID uuid.UUID
	Role           Role
	Expires        time.Time
	// TestRoom names a test room: an echo room of a single peer that no
	// consultation owns (the connection check of the support page). Its
	// peer has the patient's place, so what it sends comes back to it.
	TestRoom uuid.UUID
}

// Test reports whether g is a test grant.
func (g Grant) Test() bool { return g.TestRoom != uuid.Nil }

// Tokens signs and checks room tokens with the platform's link key.
type Tokens struct {
	links *secure.Links
	now   func() time.Time
}

// NewTokens returns room tokens signed by links; now is the clock (nil means
// time.Now).
func NewTokens(links *secure.Links, now func() time.Time) *Tokens {
	if now == nil {
		now = time.Now
	}
	return &Tokens{links: links, now: now}
}

// Sign returns a token for g. The API issues one only when the
// consultation's workflow lets the role into the room; a test grant's token
// names only its test room.
func (t *Tokens) Sign(g Grant) string {
	if g.Test() {
		return t.links.Sign(testPurpose, g.TestRoom.String(), g.Expires)
	}
	return t.links.Sign(tokenPurpose, g.ConsultationID.String()+":"+string(g.Role), g.Expires)
}

// Verify checks a token and returns its grant.
func (t *Tokens) Verify(token string) (Grant, error) {
	now := t.now()
	if subject, err := t.links.Verify(token, testPurpose, now); err == nil {
		room, err := uuid.Parse(subject)
		if err != nil || room == uuid.Nil {
			return Grant{}, ErrTokenInvalid
		}
		return Grant{TestRoom: room, Role: RolePatient}, nil
	}
	subject, err := t.links.Verify(token, tokenPurpose, now)
	if err != nil {
		return Grant{}, fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	}
	id, role, ok := strings.Cut(subject, ":")
	if !ok {
		return Grant{}, ErrTokenInvalid
	}
	cid, err := uuid.Parse(id)
	if err != nil {
		return Grant{}, ErrTokenInvalid
	}
	switch Role(role) {
	case RolePatient, RoleDoctor:
	default:
		return Grant{}, ErrTokenInvalid
	}
	return Grant{ConsultationID: cid, Role: Role(role)}, nil
}
