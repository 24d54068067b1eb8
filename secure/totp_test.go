package secure

import (
	"encoding/base32"
	"strings"
	"testing"
	"time"
)

// TestTOTPOfRFC6238: the SHA-1 test vectors of RFC 6238 appendix B (the
// last six of the eight digits), and a code is matched to its step within
// one step either side, not beyond.
func TestTOTPOfRFC6238(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1111111111: "050471",
		1234567890: "005924", 2000000000: "279037", 20000000000: "353130"} {
		got, err := TOTPCode(secret, time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("T=%d: %q (%v), want %q", unix, got, err, want)
		}
	}
	now := time.Unix(1234567890, 0)
	code, _ := TOTPCode(secret, now)
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		if step, ok := MatchTOTP(secret, code, now.Add(d)); !ok || step != TOTPStep(now) {
			t.Errorf("code checked %v away: step %d ok %v", d, step, ok)
		}
	}
	for _, d := range []time.Duration{-61 * time.Second, 61 * time.Second} {
		if _, ok := MatchTOTP(secret, code, now.Add(d)); ok {
			t.Errorf("code accepted %v away", d)
		}
	}
	if _, ok := MatchTOTP(secret, "12345", now); ok {
		t.Error("five digits accepted")
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes, err := NewRecoveryCodes(RecoveryCodeCount)
	if err != nil || len(codes) != RecoveryCodeCount {
		t.Fatal(codes, err)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || strings.ContainsAny(c, "01OIL") || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if string(HashRecoveryCode(codes[0])) != string(HashRecoveryCode(" "+strings.ToLower(strings.ReplaceAll(codes[0], "-", ""))+" ")) {
		t.Error("the hash of a code typed without the dash, in lower case, differs")
	}
	uri := TOTPURI("Derma2Go", "dr@example.nl", "JBSWY3DPEHPK3PXP")
	png, err := TOTPQRCode(uri, 200)
	if err != nil || len(png) < 100 || string(png[1:4]) != "PNG" {
		t.Fatalf("qr: %v", err)
	}
}
