package documents

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

func TestInvitationICSParses(t *testing.T) {
	start := time.Date(2026, 3, 29, 9, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	b, err := InvitationICS(Invitation{UID: "consultation-1@derma2go", Start: start, End: start.Add(15 * time.Minute),
		Summary: "Videoconsult dr. Jansen", Location: "https://derma2go.test/wait", Organizer: "no-reply@derma2go.test",
		Attendee: "pim@example.nl", Stamp: start})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b)
	}
	evs := cal.Events()
	if len(evs) != 1 || !bytes.Contains(b, []byte("METHOD:REQUEST")) {
		t.Fatalf("events %d:\n%s", len(evs), b)
	}
	got, err := evs[0].GetStartAt()
	if err != nil || !got.Equal(start) {
		t.Fatalf("start %v (%v), want %v", got, err, start)
	}
	if _, err := InvitationICS(Invitation{UID: "x", Start: start, End: start}); err == nil {
		t.Fatal("an empty event was accepted")
	}
}

// checkLines asserts RFC 5545 §3.1: every line ends in CRLF, no line is
// longer than 75 octets, and folding never splits a UTF-8 character.
func checkLines(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("output does not end in CRLF")
	}
	if n := bytes.Count(b, []byte("\n")); n != bytes.Count(b, []byte("\r\n")) {
		t.Errorf("%d line feeds without a carriage return", n-bytes.Count(b, []byte("\r\n")))
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a character: %q", i+1, line)
		}
	}
}

// unfold joins folded lines (RFC 5545 §3.1) and returns the value of the
// first property called name.
func unfold(b []byte, name string) string {
	text := strings.ReplaceAll(string(b), "\r\n ", "")
	for _, line := range strings.Split(text, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && (k == name || strings.HasPrefix(k, name+";")) {
			return v
		}
	}
	return ""
}

func TestInvitationICSLinesAndFolding(t *testing.T) {
	start := time.Date(2026, 10, 25, 13, 0, 0, 0, time.UTC)
	waiting := "https://derma2go.example/consultations/8f14e45f-ceea-467f-a0e6-4c1e3f5e7a21/waiting-room?access=" +
		strings.Repeat("eyJhbGciOiJIUzI1NiJ9", 6)
	inv := Invitation{UID: "8f14e45f-ceea-467f-a0e6-4c1e3f5e7a21@derma2go", Start: start, End: start.Add(20 * time.Minute),
		Summary:  "Videoconsult met dr. Özdemir-Ünal — Dermatologie Zuidoost, één afspraak van twintig minuten",
		Location: waiting, URL: waiting, Organizer: "no-reply@derma2go.test", Attendee: "pim@example.nl", Stamp: start}
	b, err := InvitationICS(inv)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, b)
	if got := unfold(b, "LOCATION"); got != waiting {
		t.Errorf("LOCATION unfolded = %q, want %q", got, waiting)
	}
	if got := unfold(b, "ORGANIZER"); got != "mailto:no-reply@derma2go.test" {
		t.Errorf("ORGANIZER = %q", got)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	ev := cal.Events()[0]
	if p := ev.GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != inv.Summary {
		t.Errorf("SUMMARY parsed = %+v", p)
	}
	if p := ev.GetProperty(ics.ComponentPropertyLocation); p == nil || p.Value != waiting {
		t.Errorf("LOCATION parsed = %+v", p)
	}
}

func TestInvitationICSCancelAndUpdate(t *testing.T) {
	start := time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC)
	base := Invitation{UID: "c-1@derma2go", Start: start, End: start.Add(20 * time.Minute), Summary: "Videoconsult",
		Organizer: "no-reply@derma2go.test", Attendee: "pim@example.nl", Stamp: start}
	moved := base
	moved.Sequence, moved.Start, moved.End = 1, start.Add(30*time.Minute), start.Add(50*time.Minute)
	cancelled := moved
	cancelled.Sequence, cancelled.Cancelled = 2, true

	for _, tt := range []struct {
		name   string
		inv    Invitation
		method string
		status string
		seq    string
	}{
		{"request", base, "REQUEST", "CONFIRMED", "0"},
		{"update", moved, "REQUEST", "CONFIRMED", "1"},
		{"cancel", cancelled, "CANCEL", "CANCELLED", "2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := InvitationICS(tt.inv)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, b)
			if got := unfold(b, "METHOD"); got != tt.method {
				t.Errorf("METHOD = %q, want %s", got, tt.method)
			}
			if got := unfold(b, "UID"); got != "c-1@derma2go" {
				t.Errorf("UID = %q", got)
			}
			if got := unfold(b, "SEQUENCE"); got != tt.seq {
				t.Errorf("SEQUENCE = %q, want %s", got, tt.seq)
			}
			if got := unfold(b, "STATUS"); got != tt.status {
				t.Errorf("STATUS = %q, want %s", got, tt.status)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := cal.Events()[0].GetStartAt(); err != nil || !got.Equal(tt.inv.Start) {
				t.Errorf("start = %v (%v), want %v", got, err, tt.inv.Start)
			}
		})
	}
}
