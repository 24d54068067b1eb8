package secure

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// ErrLinkInvalid is returned for a link token that is forged, altered or expired.
var ErrLinkInvalid = errors.New("secure: link is invalid or expired")

// Links signs and checks expiring capability tokens, e.g. a guest's access to
// one consultation. A token is purpose.subject.expiry.signature, signed with
// HMAC-SHA256 under a key derived from the lookup key.
type Links struct{ key []byte }

// NewLinks derives the link-signing key from a secret of at least 32 bytes.
func NewLinks(secret []byte) *Links {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("derma2go/links/v1"))
	return &Links{key: mac.Sum(nil)}
}

// Sign returns a token granting purpose on subject until expires.
func (l *Links) Sign(purpose, subject string, expires time.Time) string {
	payload := purpose + "." + subject + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + l.sig(payload)
}

// Verify checks a token for purpose and returns its subject.
func (l *Links) Verify(token, purpose string, now time.Time) (string, error) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", ErrLinkInvalid
	}
	payload, sig := token[:i], token[i+1:]
	if !hmac.Equal([]byte(sig), []byte(l.sig(payload))) {
		return "", ErrLinkInvalid
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 || parts[0] != purpose {
		return "", ErrLinkInvalid
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || now.Unix() > exp {
		return "", ErrLinkInvalid
	}
	return parts[1], nil
}

func (l *Links) sig(payload string) string {
	mac := hmac.New(sha256.New, l.key)
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
