package integration

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"derma2go/devstack/mailsink"
	"derma2go/workflows"
)

// workflowRecord is everything Temporal keeps about a consultation that an
// operator can read: every history event (failures included), the pending
// activities with their last failure, and the state query.
func workflowRecord(t *testing.T, consultationID string) (events []*historypb.HistoryEvent, all string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	id := workflows.ConsultationWorkflowID(consultationID)
	var b strings.Builder
	it := stack.Platform.Temporal.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		events = append(events, ev)
		b.WriteString(protojson.Format(ev))
	}
	desc, err := stack.Platform.Temporal.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	b.WriteString(protojson.Format(desc))
	if v, err := stack.Platform.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryState); err == nil {
		var st workflows.ConsultationState
		if err := v.Get(&st); err == nil {
			b.WriteString(st.LastError)
		}
	}
	return events, b.String()
}

// TestFailedSendKeepsTheAddressOutOfTemporal: the SMTP server refuses the
// guest's address (its reply echoes it, as real servers' do). The failed
// send shows in the workflow's history, and nothing Temporal keeps names
// the address.
func TestFailedSendKeepsTheAddressOutOfTemporal(t *testing.T) {
	ac := newAdviceCase(t, 41)
	stack.Mail.RefuseRecipient(ac.guestEmail)
	defer stack.Mail.AcceptRecipient(ac.guestEmail)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")

	// Wait until the send has failed: given up (a failed event in the
	// history) or at least retried once (a pending activity's last failure).
	var failure string
	deadline := time.Now().Add(30 * time.Second)
	for {
		events, all := workflowRecord(t, ac.id)
		for _, ev := range events {
			if f := ev.GetActivityTaskFailedEventAttributes().GetFailure(); f != nil {
				// Failure texts are sealed like payloads: read through the
				// codec, as the Temporal UI shows them to an admin.
				failure += failureConverter().FailureToError(f).Error() + "\n"
			}
		}
		if failure != "" || strings.Contains(all, `"lastFailure"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, all := workflowRecord(t, ac.id)
	local, _, _ := strings.Cut(ac.guestEmail, "@")
	for _, secret := range []string{strings.ToLower(ac.guestEmail), local} {
		if strings.Contains(strings.ToLower(all), secret) {
			i := strings.Index(strings.ToLower(all), secret)
			t.Errorf("Temporal keeps %q: …%s…", secret, all[max(0, i-200):min(len(all), i+100)])
		}
	}
	if failure == "" {
		t.Fatal("no failed SendEmail in the history: a permanent refusal (550) was retried instead of given up")
	}
	if !strings.Contains(failure, "send email payment_received") || !strings.Contains(failure, "550") {
		t.Errorf("failures %q do not say which email failed and how", failure)
	}
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == ac.id {
			t.Errorf("mail %q reached a refused recipient", m.Subject)
		}
	}
}

// euroEN is an amount as English readers write it: €39.00.
var (
	euroEN = regexp.MustCompile(`€\d{1,3}(,\d{3})*\.\d{2}\b`)
	euroNL = regexp.MustCompile(`€ \d{1,3}(\.\d{3})*,\d{2}\b`)
)

// TestEnglishGuestGetsEnglishMailAndPages: a guest who books in English is
// sent back from the checkout to the web client's payment page with
// lang=en, gets English amounts and
// is not greeted by their address; a decline for urgent care tells them to
// seek care now.
func TestEnglishGuestGetsEnglishMailAndPages(t *testing.T) {
	ac := newAdviceCase(t, 42) // language "en"
	res, err := http.PostForm(ac.checkout, url.Values{"status": {"paid"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Request.URL.Path != "/payment-return" || res.Request.URL.Query().Get("lang") != "en" {
		t.Errorf("checkout returned to %s", res.Request.URL)
	}
	// The page is the web client's; it renders in the link's language in
	// the browser (TestWebClientInBrowser), here it must be that page.
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(page), `id="root"`) {
		t.Errorf("payment-return answered %d %s:\n%s", res.StatusCode, res.Header.Get("Content-Type"), page)
	}

	paid := waitForMail(t, ac.guestEmail, "Payment received")
	checkEnglishGuestMail(t, paid, ac.guestEmail)
	if !euroEN.MatchString(paid.Text) {
		t.Errorf("no English amount in:\n%s", paid.Text)
	}

	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/decline", map[string]any{"reason": "urgent_care_needed"}).
		expect(t, http.StatusAccepted)
	declined := waitForMail(t, ac.guestEmail, "urgent care")
	checkEnglishGuestMail(t, declined, ac.guestEmail)
	if !strings.Contains(declined.Text, "Please seek urgent care now") || strings.Contains(declined.Text, "another dermatologist") {
		t.Errorf("urgent decline says:\n%s", declined.Text)
	}
}

func checkEnglishGuestMail(t *testing.T, m mailsink.Message, guest string) {
	t.Helper()
	if !strings.Contains(m.Text, "Dear Sir or Madam,") || strings.Contains(m.Text, "Dear "+guest) {
		t.Errorf("%q greets wrongly:\n%s", m.Subject, m.Text)
	}
	if euroNL.MatchString(m.Text) || strings.Contains(m.Text, " om ") {
		t.Errorf("%q uses Dutch formats:\n%s", m.Subject, m.Text)
	}
}

// TestPatientListShowsTimesAndDoctor: the patient's list names the doctor
// and the booked start and end.
func TestPatientListShowsTimesAndDoctor(t *testing.T) {
	_, doctorID := roundTheClockDoctor(t, 43)
	patient, _ := registerPatient(t, newEmail("list"), "list-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(48*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)

	var doctor struct {
		Name string `json:"name"`
	}
	newClient(t).do("GET", "/v1/doctors/"+doctorID, nil).expect(t, http.StatusOK).decode(t, &doctor)
	var list struct {
		Items []struct {
			ID         string     `json:"id"`
			DoctorName string     `json:"doctor_name"`
			StartsAt   *time.Time `json:"starts_at"`
			EndsAt     *time.Time `json:"ends_at"`
		} `json:"items"`
	}
	patient.do("GET", "/v1/consultations", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("list = %+v", list.Items)
	}
	it := list.Items[0]
	if it.ID != b.ID || doctor.Name == "" || it.DoctorName != doctor.Name || it.StartsAt == nil || !it.StartsAt.Equal(slot) ||
		it.EndsAt == nil || !it.EndsAt.Equal(slot.Add(5*time.Minute)) {
		t.Errorf("list item = %+v (doctor %q, slot %s)", it, doctor.Name, slot)
	}
}
