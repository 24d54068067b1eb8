package integration

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"derma2go/demodata"
	"derma2go/devstack/mailsink"
)

// roundTheClockDoctor gives a demo doctor video hours every day, all day,
// with 5-minute slots, so a test can book a slot that starts within
// minutes at any time of day.
func roundTheClockDoctor(t *testing.T, index int) (*apiClient, string) {
	t.Helper()
	doctor, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	var rules []map[string]any
	for day := range 7 {
		rules = append(rules, map[string]any{"type": "video", "weekday": day, "start": "00:00", "end": "24:00"})
	}
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": rules}).expect(t, http.StatusOK)
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "video", "amount_cents": 6000, "duration_minutes": 5},
	}}).expect(t, http.StatusOK)
	return doctor, s.User.ID
}

type booking struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	CheckoutURL string `json:"checkout_url"`
}

// firstSlotFrom is the doctor's first video slot from from that starts
// more than a minute from now.
func firstSlotFrom(t *testing.T, doctorID string, from time.Time) time.Time {
	t.Helper()
	return firstSlotFromAs(t, newClient(t), doctorID, from)
}

// firstSlotFromAs is firstSlotFrom read by c (see firstSlotAs).
func firstSlotFromAs(t *testing.T, c *apiClient, doctorID string, from time.Time) time.Time {
	t.Helper()
	var p slotsPage
	c.do("GET", "/v1/doctors/"+doctorID+"/slots?type=video&from="+url.QueryEscape(from.UTC().Format(time.RFC3339)), nil).
		expect(t, http.StatusOK).decode(t, &p)
	// A slot that starts within the minute may be gone before the booking
	// reaches the API on a loaded machine ("not free: in the past").
	for _, it := range p.Items {
		if it.Start.After(time.Now().Add(time.Minute)) {
			return it.Start
		}
	}
	t.Fatalf("no video slot from %s more than a minute ahead", from)
	return time.Time{}
}

func payCheckout(t *testing.T, checkout string) {
	t.Helper()
	res, err := http.PostForm(checkout, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

func waitConsultation(t *testing.T, c *apiClient, id, want string) {
	t.Helper()
	waitFor(t, "status "+want, func() bool {
		var v consultationView
		c.do("GET", "/v1/consultations/"+id, nil).expect(t, http.StatusOK).decode(t, &v)
		return v.Status == want
	})
}

func TestVideoAppointmentEndToEnd(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 20)
	email := newEmail("video")
	patient, _ := registerPatient(t, email, "video-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now())

	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	if b.CheckoutURL == "" {
		t.Fatalf("no checkout for a video booking: %+v", b)
	}
	// Held while paying: nobody else can take it.
	other, _ := registerPatient(t, newEmail("other"), "other-password-1")
	other.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusConflict)

	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")

	// The invitation carries a valid .ics for the booked slot.
	invite := waitForMail(t, email, "")
	deadline := time.Now().Add(20 * time.Second)
	for !hasICS(invite) && time.Now().Before(deadline) {
		for _, m := range stack.Mail.Messages() {
			if mailConsultation(m) == b.ID && hasICS(m) {
				invite = m
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cal := parseICS(t, invite)
	start, err := cal.Events()[0].GetStartAt()
	if err != nil || !start.Equal(slot) {
		t.Fatalf("ics start %v (%v), want %v", start, err, slot)
	}

	patient.do("POST", "/v1/consultations/"+b.ID+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "Itchy red patches on both hands", "location": "hands", "duration": "weeks", "question": "Is it eczema?",
	}, "birth_date": "1990-07-01"}).expect(t, http.StatusAccepted)

	// The doctor cannot start before the patient waits.
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/start", nil).expect(t, http.StatusConflict).problem(t)
	patient.do("POST", "/v1/consultations/"+b.ID+"/checkin", nil).expect(t, http.StatusOK)
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/start", nil).expect(t, http.StatusOK)
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/prescriptions", map[string]any{
		"medication": "Hydrocortisone cream", "strength": "1%", "dosage": "twice daily", "duration_days": 14,
		"instructions": "Apply thinly to the patches.", "send_by_email": true,
	}).expect(t, http.StatusCreated)
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/end", nil).expect(t, http.StatusOK)
	waitConsultation(t, patient, b.ID, "completed")

	var docs struct {
		Items []struct {
			Kind string `json:"kind"`
			URL  string `json:"url"`
		} `json:"items"`
	}
	patient.do("GET", "/v1/consultations/"+b.ID+"/documents", nil).expect(t, http.StatusOK).decode(t, &docs)
	var rxURL string
	for _, d := range docs.Items {
		if d.Kind == "prescription" {
			rxURL = d.URL
		}
	}
	if rxURL == "" {
		t.Fatalf("no prescription in documents: %+v", docs.Items)
	}
	if pdf := patient.do("GET", rxURL, nil).expect(t, http.StatusOK); !bytes.Contains(pdf.Body, []byte("Hydrocortisone")) {
		t.Fatal("prescription PDF lacks the medication")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rxMail, err := stack.Mail.WaitFor(ctx, func(m mailsink.Message) bool {
		return mailConsultation(m) == b.ID && len(m.Attachments) == 1 && strings.Contains(m.Attachments[0].ContentType, "pdf") &&
			strings.HasPrefix(m.Attachments[0].Name, "recept-")
	})
	if err != nil {
		t.Fatalf("no prescription mail with its PDF: %v", err)
	}
	if !bytes.Contains(rxMail.Attachments[0].Data, []byte("Hydrocortisone")) {
		t.Fatal("mailed prescription PDF lacks the medication")
	}
	other.do("GET", rxURL, nil).expect(t, http.StatusNotFound)

	patient.do("POST", "/v1/consultations/"+b.ID+"/review", map[string]any{"rating": 5, "text": "Very helpful"}).
		expect(t, http.StatusCreated)
}

func TestCancellationThirtyHoursAheadRefundsPriceMinusFee(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 21)
	email := newEmail("cancel")
	patient, _ := registerPatient(t, email, "cancel-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(30*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")

	var fee int
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT admin_fee_cents FROM doctors WHERE user_id = $1", doctorID).Scan(&fee); err != nil {
		t.Fatal(err)
	}
	var state struct {
		Status                  string `json:"status"`
		CancellationRefundCents *int64 `json:"cancellation_refund_cents"`
	}
	patient.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).
		expect(t, http.StatusOK).decode(t, &state)
	if state.Status != "cancellation_requested" || state.CancellationRefundCents == nil || *state.CancellationRefundCents != int64(6000-fee) {
		t.Fatalf("after request: %+v (fee %d)", state, fee)
	}
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/cancellation/confirm", nil).expect(t, http.StatusOK)
	waitConsultation(t, patient, b.ID, "cancelled")
	waitRefunded(t, b.ID, float64(6000-fee)/6000)

	// The slot is free again.
	var p slotsPage
	newClient(t).do("GET", "/v1/doctors/"+doctorID+"/slots?type=video&from="+url.QueryEscape(slot.Format(time.RFC3339)), nil).
		expect(t, http.StatusOK).decode(t, &p)
	if len(p.Items) == 0 || !p.Items[0].Start.Equal(slot) {
		t.Fatal("the cancelled slot is not free again")
	}
}

func hasICS(m mailsink.Message) bool {
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			return true
		}
	}
	return false
}

func parseICS(t *testing.T, m mailsink.Message) *ics.Calendar {
	t.Helper()
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			cal, err := ics.ParseCalendar(bytes.NewReader(a.Data))
			if err != nil {
				t.Fatalf("ics: %v\n%s", err, a.Data)
			}
			if len(cal.Events()) != 1 {
				t.Fatalf("ics has %d events", len(cal.Events()))
			}
			return cal
		}
	}
	t.Fatalf("mail %q has no .ics", m.Subject)
	return nil
}
