package secure

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"derma2go/config"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestFieldsRoundTripAndRotation(t *testing.T) {
	old, err := NewFields([]config.NamedKey{{ID: "k1", Key: key(1)}}, key(9))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := old.EncryptString("users.email", "anna@example.nl")
	if err != nil {
		t.Fatal(err)
	}
	if KeyID(sealed) != "k1" || bytes.Contains(sealed, []byte("anna")) {
		t.Fatalf("ciphertext %x: key id %q", sealed, KeyID(sealed))
	}
	rotated, err := NewFields([]config.NamedKey{{ID: "k2", Key: key(2)}, {ID: "k1", Key: key(1)}}, key(9))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.DecryptString("users.email", sealed); err != nil || got != "anna@example.nl" {
		t.Fatalf("old ciphertext after rotation: %q, %v", got, err)
	}
	fresh, _ := rotated.EncryptString("users.email", "anna@example.nl")
	if KeyID(fresh) != "k2" {
		t.Fatalf("new ciphertext uses key %q, want k2", KeyID(fresh))
	}
	if _, err := old.Decrypt("users.email", fresh); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("unknown key id: err = %v", err)
	}
	if _, err := rotated.Decrypt("users.name", sealed); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("wrong context: err = %v", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := rotated.Decrypt("users.email", tampered); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("tampered: err = %v", err)
	}
	for _, junk := range [][]byte{nil, {5}, {2, 'k', '1'}} {
		if _, err := rotated.Decrypt("users.email", junk); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("junk %x: err = %v", junk, err)
		}
	}
}

func TestLookupIsKeyedAndNormalised(t *testing.T) {
	f, _ := NewFields([]config.NamedKey{{ID: "k1", Key: key(1)}}, key(9))
	g, _ := NewFields([]config.NamedKey{{ID: "k1", Key: key(1)}}, key(8))
	a, b := f.Lookup("users.email", " Anna@Example.NL "), f.Lookup("users.email", "anna@example.nl")
	if !bytes.Equal(a, b) {
		t.Fatal("lookup is not normalised")
	}
	if bytes.Equal(a, g.Lookup("users.email", "anna@example.nl")) {
		t.Fatal("lookup does not depend on the key")
	}
	if bytes.Equal(a, f.Lookup("users.name", "anna@example.nl")) {
		t.Fatal("lookup does not depend on the context")
	}
}

func TestPasswordHash(t *testing.T) {
	p := Argon2Params{Memory: 1024, Time: 1, Threads: 1}
	h, err := HashPassword("correct horse", p)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckPassword("correct horse", h); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := CheckPassword("wrong horse", h); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := HashPassword("correct horse", p)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if err := CheckPassword("x", bad); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("malformed hash %q: err = %v", bad, err)
		}
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) < 40 || !bytes.Equal(hash, HashToken(tok)) {
		t.Fatalf("token %q", tok)
	}
	tok2, _, _ := NewToken()
	if tok == tok2 {
		t.Fatal("tokens repeat")
	}
}

func TestSignedLinks(t *testing.T) {
	l := NewLinks(key(7))
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tok := l.Sign("guest", "c0ffee", now.Add(time.Hour))
	if sub, err := l.Verify(tok, "guest", now); err != nil || sub != "c0ffee" {
		t.Fatalf("valid link: %q, %v", sub, err)
	}
	cases := map[string]struct {
		token, purpose string
		at             time.Time
	}{
		"expired":       {tok, "guest", now.Add(time.Hour + time.Second)},
		"other purpose": {tok, "reset", now},
		"other subject": {"guest.deadbeef" + tok[len("guest.c0ffee"):], "guest", now},
		"other key":     {NewLinks(key(6)).Sign("guest", "c0ffee", now.Add(time.Hour)), "guest", now},
		"garbage":       {"nonsense", "guest", now},
	}
	for name, c := range cases {
		if _, err := l.Verify(c.token, c.purpose, c.at); !errors.Is(err, ErrLinkInvalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestIsCommonPassword(t *testing.T) {
	for _, pw := range []string{"1234567890", "QwertyUIOP", "basketball", "Basketball2024!", "iloveyou12345", "password123456"} {
		if !IsCommonPassword(pw) {
			t.Errorf("%q is not taken as common", pw)
		}
	}
	for _, pw := range []string{"doctor-demo-2026", "first-password-1", "correct horse battery staple", "9081726354", "xk4!tree-lamp"} {
		if IsCommonPassword(pw) {
			t.Errorf("%q is taken as common", pw)
		}
	}
	if len(commonPasswords) < 3000 {
		t.Fatalf("only %d common passwords loaded", len(commonPasswords))
	}
}
