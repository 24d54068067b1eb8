package documents

import (
	"bytes"
	"testing"
	"time"

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
