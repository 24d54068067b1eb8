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

// tokenPurpose is the purpose of room tokens among the signed links.
const tokenPurpose = "video-room"

// ErrTokenInvalid is returned for a token that is forged, expired, for
// another purpose or malformed.
var ErrTokenInvalid = errors.New("video: room token invalid or expired")

// Grant is what a room token allows: one role in one consultation's room
// until Expires.
type Grant struct {
	ConsultationID uuid.UUID
	Role           Role
	Expires        time.Time
}

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
// consultation's workflow lets the role into the room.
func (t *Tokens) Sign(g Grant) string {
	return t.links.Sign(tokenPurpose, g.ConsultationID.String()+":"+string(g.Role), g.Expires)
}

// Verify checks a token and returns its grant.
func (t *Tokens) Verify(token string) (Grant, error) {
	subject, err := t.links.Verify(token, tokenPurpose, t.now())
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
