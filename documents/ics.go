package documents

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Invitation is an appointment as a calendar event.
type Invitation struct {
	UID         string // stable per consultation, so updates replace the event
	Sequence    int    // raise on every change of the same appointment
	Start, End  time.Time
	Summary     string
	Description string
	Location    string // address, or the waiting-room URL for video
	URL         string
	Organizer   string // email address: the sender of the email that carries the file
	Attendee    string // email address
	Cancelled   bool
	Stamp       time.Time
}

// InvitationICS renders an iCalendar (RFC 5545) invitation, METHOD:REQUEST
// (or CANCEL, with the same UID and a higher Sequence, to take the event out
// of the patient's calendar), with times in UTC so every calendar converts
// them correctly. Lines end in CRLF and are folded at 75 octets, as RFC 5545
// §3.1 requires.
func InvitationICS(inv Invitation) ([]byte, error) {
	if !validUID(inv.UID) || !inv.End.After(inv.Start) {
		return nil, fmt.Errorf("documents: invitation needs a UID (letters, digits, @ . _ -) and an end after its start")
	}
	cal := ics.NewCalendarFor("Derma2Go")
	method := ics.MethodRequest
	if inv.Cancelled {
		method = ics.MethodCancel
	}
	cal.SetMethod(method)
	ev := cal.AddEvent(inv.UID)
	ev.SetDtStampTime(inv.Stamp.UTC())
	ev.SetSequence(inv.Sequence)
	ev.SetStartAt(inv.Start.UTC())
	ev.SetEndAt(inv.End.UTC())
	ev.SetSummary(inv.Summary)
	if inv.Description != "" {
		ev.SetDescription(inv.Description)
	}
	if inv.Location != "" {
		ev.SetLocation(inv.Location)
	}
	if inv.URL != "" {
		ev.SetURL(inv.URL)
	}
	if inv.Organizer != "" {
		ev.SetOrganizer("mailto:" + inv.Organizer)
	}
	if inv.Attendee != "" {
		ev.AddAttendee("mailto:"+inv.Attendee, ics.ParticipationStatusNeedsAction, ics.WithRSVP(false))
	}
	if inv.Cancelled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
	var b strings.Builder
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows, ics.WithLineLength(75)); err != nil {
		return nil, fmt.Errorf("documents: ics: %w", err)
	}
	return []byte(b.String()), nil
}

// validUID reports whether uid is a non-empty identifier of letters,
// digits and "@._-", such as "<consultation id>@derma2go": calendar
// programs compare UIDs verbatim, so one with characters that iCalendar
// escapes (backslash, comma, semicolon, line breaks) would not come back as
// written and a cancellation would not find its event.
func validUID(uid string) bool {
	if uid == "" || len(uid) > 255 {
		return false
	}
	for _, r := range uid {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("@._-", r):
		default:
			return false
		}
	}
	return true
}
