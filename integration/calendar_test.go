package integration

import (
	"net/http"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"derma2go/devstack/mailsink"
)

// waitForMailWith waits for a mail of the consultation that matches.
func waitForMailWith(t *testing.T, consultationID, what string, match func(mailsink.Message) bool) mailsink.Message {
	t.Helper()
	var found mailsink.Message
	waitFor(t, what, func() bool {
		for _, m := range stack.Mail.Messages() {
			if mailConsultation(m) == consultationID && match(m) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

func icsProp(t *testing.T, cal *ics.Calendar, prop ics.ComponentProperty) string {
	t.Helper()
	p := cal.Events()[0].GetProperty(prop)
	if p == nil {
		return ""
	}
	return p.Value
}

// TestCalendarFilesFollowTheAppointment: the invitation, the delay notice
// and the cancellation each carry a calendar file for the same event (one
// UID) with a rising SEQUENCE; the organizer is the mail's sender and the
// location the waiting-room link the email gives.
func TestCalendarFilesFollowTheAppointment(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 44)
	email := newEmail("calendar")
	patient, _ := registerPatient(t, email, "calendar-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(50*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")

	invite := waitForMailWith(t, b.ID, "invitation with .ics", func(m mailsink.Message) bool {
		return hasICS(m) && strings.Contains(m.Attachments[len(m.Attachments)-1].ContentType, "method=REQUEST")
	})
	cal := parseICS(t, invite)
	from := invite.From
	if i := strings.LastIndex(from, "<"); i >= 0 {
		from = strings.Trim(from[i:], "<>")
	}
	uid := icsProp(t, cal, ics.ComponentPropertyUniqueId)
	location := icsProp(t, cal, ics.ComponentPropertyLocation)
	if !strings.EqualFold(icsProp(t, cal, ics.ComponentPropertyOrganizer), "mailto:"+from) {
		t.Errorf("ORGANIZER %q, mail from %q", icsProp(t, cal, ics.ComponentPropertyOrganizer), invite.From)
	}
	if location == "" || !strings.Contains(invite.Text, location) {
		t.Errorf("LOCATION %q is not the waiting-room link of the email:\n%s", location, invite.Text)
	}
	if icsProp(t, cal, ics.ComponentPropertySequence) != "0" {
		t.Errorf("invitation SEQUENCE %q", icsProp(t, cal, ics.ComponentPropertySequence))
	}

	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/delay", map[string]any{"minutes": 15}).expect(t, http.StatusOK)
	update := waitForMailWith(t, b.ID, "delay with .ics", func(m mailsink.Message) bool { return hasICS(m) && m.ID != invite.ID })
	ucal := parseICS(t, update)
	start, err := ucal.Events()[0].GetStartAt()
	if err != nil || !start.Equal(slot.Add(15*time.Minute)) || icsProp(t, ucal, ics.ComponentPropertyUniqueId) != uid ||
		icsProp(t, ucal, ics.ComponentPropertySequence) != "1" {
		t.Errorf("delay .ics: start %v (%v), UID %q, SEQUENCE %q", start, err, icsProp(t, ucal, ics.ComponentPropertyUniqueId),
			icsProp(t, ucal, ics.ComponentPropertySequence))
	}

	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/cancel", nil).expect(t, http.StatusOK)
	cancelled := waitForMailWith(t, b.ID, "cancellation with .ics", func(m mailsink.Message) bool {
		return hasICS(m) && strings.Contains(m.Attachments[len(m.Attachments)-1].ContentType, "method=CANCEL")
	})
	ccal := parseICS(t, cancelled)
	if !strings.Contains(string(cancelled.Attachments[len(cancelled.Attachments)-1].Data), "METHOD:CANCEL\r\n") ||
		icsProp(t, ccal, ics.ComponentPropertyUniqueId) != uid || icsProp(t, ccal, ics.ComponentPropertySequence) != "2" ||
		icsProp(t, ccal, ics.ComponentPropertyStatus) != "CANCELLED" {
		t.Errorf("cancellation .ics:\n%s", cancelled.Attachments[len(cancelled.Attachments)-1].Data)
	}
	for _, to := range cancelled.To {
		if !strings.EqualFold(strings.Trim(to, "<>"), email) {
			t.Errorf("cancellation sent to %v, want the patient", cancelled.To)
		}
	}
}

// TestThirdCancellationRequestIsRefused: after two rejections the patient
// gets a 409 problem that says what to do instead.
func TestThirdCancellationRequestIsRefused(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 45)
	patient, _ := registerPatient(t, newEmail("thrice"), "thrice-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(50*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")
	for i := range 2 {
		var st struct {
			Left *int `json:"cancellation_requests_left"`
		}
		patient.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).
			expect(t, http.StatusOK).decode(t, &st)
		if st.Left == nil || *st.Left != 1-i {
			t.Errorf("request %d: cancellation_requests_left = %v", i+1, st.Left)
		}
		doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/cancellation/reject", nil).expect(t, http.StatusOK)
	}
	p := patient.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).
		expect(t, http.StatusConflict).problem(t)
	if !strings.Contains(p.Detail, "contact op met de praktijk") { // in Dutch: the patient did not choose English
		t.Errorf("problem = %+v", p)
	}
}
