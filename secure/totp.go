package secure

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Time-based one-time passwords (RFC 6238): HMAC-SHA1, six digits, 30-second
// steps, the code of the step before and after accepted too (a phone's
// clock a little off). The caller keeps the last accepted step per user, so
// a code is good once.
const (
	TOTPPeriod = 30 * time.Second
	totpDigits = otp.DigitsSix
	// totpSkew is how many steps either side of now are accepted.
	totpSkew = 1
)

var totpOptions = totp.ValidateOpts{Period: uint(TOTPPeriod / time.Second), Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// NewTOTPSecret is a fresh 160-bit secret in base32 without padding, as
// authenticator apps take it.
func NewTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("secure: totp secret: %w", err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
}

// TOTPStep is the time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// TOTPCode is the code of secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	code, err := totp.GenerateCodeCustom(secret, t, totpOptions)
	if err != nil {
		return "", fmt.Errorf("secure: totp code: %w", err)
	}
	return code, nil
}

// MatchTOTP finds the step within the skew around now whose code is code,
// and reports whether one is. The caller accepts it only if the step is
// later than the last one it accepted.
func MatchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits.Length() {
		return 0, false
	}
	step := TOTPStep(now)
	for s := step - totpSkew; s <= step+totpSkew; s++ {
		want, err := TOTPCode(secret, time.Unix(s*int64(TOTPPeriod/time.Second), 0))
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPURI is the otpauth:// URI an authenticator app reads from the QR code.
func TOTPURI(issuer, account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}

// TOTPQRCode is a PNG of the QR code of uri, size pixels square.
func TOTPQRCode(uri string, size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, fmt.Errorf("secure: totp uri: %w", err)
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, fmt.Errorf("secure: qr code: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("secure: qr code: %w", err)
	}
	return buf.Bytes(), nil
}

// recoveryAlphabet leaves out letters and digits that read alike (0/O, 1/I/L).
const recoveryAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// RecoveryCodeCount is how many recovery codes a user gets at a time.
const RecoveryCodeCount = 10

// NewRecoveryCodes are n single-use codes of 10 characters (about 50 bits
// each) in two groups, e.g. "K7QM2-XW9PD".
func NewRecoveryCodes(n int) ([]string, error) {
	codes := make([]string, n)
	b := make([]byte, 1)
	for i := range codes {
		var sb strings.Builder
		for sb.Len() < 11 {
			if sb.Len() == 5 {
				sb.WriteByte('-')
				continue
			}
			if _, err := rand.Read(b); err != nil {
				return nil, fmt.Errorf("secure: recovery code: %w", err)
			}
			// Bytes past the last whole multiple of the alphabet are
			// drawn again, so every character is equally likely.
			if int(b[0]) >= 256-256%len(recoveryAlphabet) {
				continue
			}
			sb.WriteByte(recoveryAlphabet[int(b[0])%len(recoveryAlphabet)])
		}
		codes[i] = sb.String()
	}
	return codes, nil
}

// HashRecoveryCode is what is stored of a recovery code: the SHA-256 of it
// without spaces and dashes, in capitals (codes are random, so a fast hash
// is enough, as for tokens).
func HashRecoveryCode(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
	return HashToken("recovery:" + norm)
}
