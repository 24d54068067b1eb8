package domain

import (
	"errors"
	"fmt"
	"testing"
)

func TestNormalizeWidgetOrigins(t *testing.T) {
	good := map[string]string{
		"https://praktijk.example.nl":       "https://praktijk.example.nl",
		"HTTPS://Praktijk.Example.NL/":      "https://praktijk.example.nl",
		"https://praktijk.example.nl:443":   "https://praktijk.example.nl",
		"https://praktijk.example.nl:8443":  "https://praktijk.example.nl:8443",
		"https://xn--bcher-kva.example":     "https://xn--bcher-kva.example",
		"https://203.0.113.7":               "https://203.0.113.7",
		"https://[2001:db8::1]:8443":        "https://[2001:db8::1]:8443",
		" https://www.huidarts-utrecht.nl ": "https://www.huidarts-utrecht.nl",
	}
	for in, want := range good {
		got, err := NormalizeWidgetOrigins([]string{in}, false)
		if err != nil || len(got) != 1 || got[0] != want {
			t.Errorf("%q → %v, %v; want %q", in, got, err, want)
		}
	}
	loopback := map[string]string{
		"http://localhost:5173": "http://localhost:5173",
		"http://127.0.0.1:9000": "http://127.0.0.1:9000",
		"http://[::1]:9000":     "http://[::1]:9000",
		"http://localhost:80":   "http://localhost",
	}
	for in, want := range loopback {
		if got, err := NormalizeWidgetOrigins([]string{in}, true); err != nil || got[0] != want {
			t.Errorf("dev %q → %v, %v; want %q", in, got, err, want)
		}
		if _, err := NormalizeWidgetOrigins([]string{in}, false); !isReason(err, OriginNotHTTPS) {
			t.Errorf("production %q → %v, want %s", in, err, OriginNotHTTPS)
		}
	}
	bad := map[string]string{
		"":                                      OriginNotURL,
		"praktijk.example.nl":                   OriginNotURL,
		"https://*.example.nl":                  OriginNotURL,
		"https://a.example.nl; script-src *":    OriginNotURL,
		"https://a.example.nl https://b.nl":     OriginNotURL,
		"https://a.example.nl,https://b.nl":     OriginNotURL,
		"https://a.example.nl'":                 OriginNotURL,
		"https://a.example.nl\r\nSet-Cookie: x": OriginNotURL,
		"'self'":                                OriginNotURL,
		"'none'":                                OriginNotURL,
		"http://praktijk.example.nl":            OriginNotHTTPS,
		"http://10.0.0.1":                       OriginNotHTTPS,
		"ftp://praktijk.example.nl":             OriginNotHTTPS,
		"javascript://alert(1)":                 OriginNotHTTPS,
		"https://praktijk.example.nl/booking":   OriginHasPath,
		"https://praktijk.example.nl?x=1":       OriginHasPath,
		"https://praktijk.example.nl/#top":      OriginHasPath,
		"https://user:pw@praktijk.example.nl":   OriginCredentials,
		"https://praktijk.example.nl:0":         OriginBadPort,
		"https://praktijk.example.nl:70000":     OriginBadPort,
		"https://praktijk.example.nl:":          OriginBadPort,
		"https://praktijk":                      OriginBadHost,
		"https://-bad.example.nl":               OriginBadHost,
		"https://bad_host.example.nl":           OriginBadHost,
		"https://bücher.example":                OriginBadHost,
	}
	for in, want := range bad {
		if got, err := NormalizeWidgetOrigins([]string{in}, true); !isReason(err, want) {
			t.Errorf("%q → %v, %v; want %s", in, got, err, want)
		}
	}
	// The list: the first refusal is named by its position; duplicates after
	// normalisation; at most MaxWidgetOrigins.
	_, err := NormalizeWidgetOrigins([]string{"https://a.example.nl", "https://b.example.nl", "http://b.example.nl"}, false)
	var oe *OriginError
	if !errors.As(err, &oe) || oe.Index != 2 || oe.Reason != OriginNotHTTPS {
		t.Errorf("third bad → %v", err)
	}
	if _, err := NormalizeWidgetOrigins([]string{"https://a.example.nl", "HTTPS://A.example.nl:443/"}, false); !isReason(err, OriginDuplicate) {
		t.Errorf("duplicate → %v", err)
	}
	var many []string
	for i := range MaxWidgetOrigins + 1 {
		many = append(many, fmt.Sprintf("https://site%d.example.nl", i))
	}
	if _, err := NormalizeWidgetOrigins(many, false); !isReason(err, OriginTooMany) {
		t.Errorf("too many → %v", err)
	}
	if got, err := NormalizeWidgetOrigins(many[:MaxWidgetOrigins], false); err != nil || len(got) != MaxWidgetOrigins {
		t.Errorf("the maximum → %v, %v", got, err)
	}
	if got, err := NormalizeWidgetOrigins(nil, false); err != nil || got == nil || len(got) != 0 {
		t.Errorf("none → %#v, %v (want an empty list)", got, err)
	}
}

func isReason(err error, reason string) bool {
	var oe *OriginError
	return errors.As(err, &oe) && oe.Reason == reason
}
