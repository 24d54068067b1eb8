package documents

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// FuzzInvitationICS renders invitations with arbitrary texts and times:
// the file keeps RFC 5545's lines (CRLF, at most 75 octets, whole UTF-8
// characters), parses back to exactly one event with the same UID and
// summary, and no text field can add a property of its own.
func FuzzInvitationICS(f *testing.F) {
	f.Add("consultation-1@derma2go", "Videoconsult dr. Jansen", "Neem je verzekeringspas mee", "https://derma2go.test/wait",
		"no-reply@derma2go.test", "pim@example.nl", int64(1774767600), uint16(15), uint8(0), false)
	f.Add("c@d", "a;b,c\\d\nATTENDEE:mailto:evil@x", "é\r\nEND:VEVENT", "Dam 1, Amsterdam", "o@x", "a@y", int64(0), uint16(1), uint8(3), true)
	f.Fuzz(func(t *testing.T, uid, summary, description, location, organizer, attendee string, startUnix int64, minutes uint16, seq uint8, cancelled bool) {
		for _, s := range []string{uid, summary, description, location, organizer, attendee} {
			if !utf8.ValidString(s) {
				return // the callers hand over UTF-8 text only
			}
		}
		start := time.Unix(startUnix%(400*365*24*3600), 0).UTC()
		inv := Invitation{UID: uid, Sequence: int(seq), Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
			Summary: summary, Description: description, Location: location, Organizer: organizer, Attendee: attendee,
			Cancelled: cancelled, Stamp: start}
		b, err := InvitationICS(inv)
		if err != nil {
			if validUID(uid) && minutes > 0 {
				t.Fatalf("refused %+v: %v", inv, err)
			}
			return
		}
		checkLines(t, b)
		unfolded := strings.Split(strings.ReplaceAll(string(b), "\r\n ", ""), "\r\n")
		counts := map[string]int{}
		for _, line := range unfolded {
			name, _, _ := strings.Cut(line, ":")
			name, _, _ = strings.Cut(name, ";")
			counts[name]++
		}
		for _, name := range []string{"BEGIN", "END"} {
			if counts[name] != 2 {
				t.Fatalf("%d %s lines: a text field broke the structure\n%s", counts[name], name, b)
			}
		}
		for _, name := range []string{"UID", "SUMMARY", "ATTENDEE", "ORGANIZER", "METHOD", "STATUS", "DTSTART"} {
			if counts[name] > 1 {
				t.Fatalf("%d %s lines: a text field added a property\n%s", counts[name], name, b)
			}
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("does not parse: %v\n%s", err, b)
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events\n%s", len(evs), b)
		}
		if got := evs[0].Id(); got != uid {
			t.Fatalf("UID %q, want %q", got, uid)
		}
		if p := evs[0].GetProperty(ics.ComponentPropertySummary); p == nil || p.Value != summary {
			t.Fatalf("SUMMARY parsed %+v, want %q\n%s", p, summary, b)
		}
	})
}
