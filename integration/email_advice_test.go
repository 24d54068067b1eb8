package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack/mailsink"
	"derma2go/payments"
	"derma2go/workflows"
)

// adviceCase is one email-advice consultation walked through the API.
type adviceCase struct {
	t          *testing.T
	doctor     *apiClient
	doctorID   string
	guestEmail string
	id         string
	access     string
	checkout   string
}

// sessions caches logins per email: the tests log in as the same demo
// accounts many times, and the login rate limit (per IP) would refuse them.
// Doctors and admins give the second factor once per session (see
// giveSecondFactor); a cached session that died is opened again.
var (
	sessionsMu sync.Mutex
	sessions   = map[string]session{}
)

func loginAs(t *testing.T, email, password string) (*apiClient, session) {
	t.Helper()
	sessionsMu.Lock()
	defer sessionsMu.Unlock()
	s, ok := sessions[email]
	if ok && (&apiClient{t: t, token: s.Token}).do("GET", "/v1/me", nil).Status != http.StatusOK {
		ok = false // revoked, or idle past the role's limit
	}
	if !ok {
		newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": email, "password": password}).
			expect(t, http.StatusOK).decode(t, &s)
		giveSecondFactor(t, &apiClient{t: t, token: s.Token}, email, password, &s)
		if s.User.Role == "patient" {
			c := &apiClient{t: t, token: s.Token}
			c.do("PUT", "/v1/me/pin", map[string]any{"pin": testPIN, "password": password}).expect(t, http.StatusNoContent)
			c.do("POST", "/v1/me/pin/unlock", map[string]any{"pin": testPIN}).expect(t, http.StatusOK)
		}
		sessions[email] = s
	}
	return &apiClient{t: t, token: s.Token}, s
}

func newAdviceCase(t *testing.T, doctorIndex int) *adviceCase {
	t.Helper()
	doctor, s := loginAs(t, demodata.DoctorEmail(doctorIndex), "doctor-demo-2026")
	ac := &adviceCase{t: t, doctor: doctor, doctorID: s.User.ID, guestEmail: newEmail("guest")}
	var created struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		CheckoutURL string `json:"checkout_url"`
		AccessLink  string `json:"access_link"`
		AccessToken string `json:"access_token"`
	}
	newClient(t).do("POST", "/v1/consultations", map[string]any{
		"type": "email_advice", "doctor_id": ac.doctorID, "form": "short", "guest_email": ac.guestEmail, "language": "en",
	}).expect(t, http.StatusCreated).decode(t, &created)
	if created.Status != "awaiting_payment" || !strings.HasPrefix(created.CheckoutURL, stack.MollieURL+"/checkout/") ||
		created.AccessToken == "" || !strings.Contains(created.AccessLink, "access=") {
		t.Fatalf("created %+v", created)
	}
	ac.id, ac.access, ac.checkout = created.ID, created.AccessToken, created.CheckoutURL
	return ac
}

// guestPath adds the guest's access token to a consultation path.
func (ac *adviceCase) guestPath(suffix string) string {
	return "/v1/consultations/" + ac.id + suffix + "?access=" + url.QueryEscape(ac.access)
}

// pay presses a button on the sandbox's hosted checkout page, as a browser would.
func (ac *adviceCase) pay(status string) {
	ac.t.Helper()
	res, err := http.PostForm(ac.checkout, url.Values{"status": {status}})
	if err != nil {
		ac.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		ac.t.Fatalf("checkout → %d", res.StatusCode)
	}
}

type consultationView struct {
	ID        string  `json:"id"`
	Status    string  `json:"status"`
	DueAt     *string `json:"due_at"`
	Advice    *string `json:"advice"`
	Photos    int     `json:"photos"`
	HasIntake bool    `json:"has_intake"`
}

// waitStatus polls the guest's view until the workflow has projected want.
func (ac *adviceCase) waitStatus(want string) consultationView {
	ac.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var v consultationView
	for {
		newClient(ac.t).do("GET", ac.guestPath(""), nil).expect(ac.t, http.StatusOK).decode(ac.t, &v)
		if v.Status == want {
			return v
		}
		if time.Now().After(deadline) {
			ac.t.Fatalf("consultation %s is %q, want %q", ac.id, v.Status, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitWorkflowDone waits for the workflow to end and returns its final state.
func (ac *adviceCase) waitWorkflowDone() workflows.ConsultationState {
	ac.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var final workflows.ConsultationState
	if err := stack.Platform.Temporal.GetWorkflow(ctx, workflows.ConsultationWorkflowID(ac.id), "").Get(ctx, &final); err != nil {
		ac.t.Fatalf("workflow result: %v", err)
	}
	return final
}

func (ac *adviceCase) submitIntake() {
	ac.t.Helper()
	newClient(ac.t).do("POST", ac.guestPath("/intake"), map[string]any{"answers": map[string]any{
		"complaint": "A red, scaly patch on my elbow for two months",
		"location":  "left elbow", "duration": "months", "question": "Is this psoriasis and what can I do?",
	}, "patient_name": guestName, "birth_date": guestBirthDate}).expect(ac.t, http.StatusAccepted)
}

// The guest's name and date of birth, asked at intake for the invoice.
const (
	guestName      = "Gita Gast"
	guestBirthDate = "1984-02-29"
)

const adviceText = "This looks like mild plaque psoriasis. Use a greasy emollient twice daily and see your GP if it spreads."

func (ac *adviceCase) answer() {
	ac.t.Helper()
	ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/advice", map[string]any{"text": adviceText}).
		expect(ac.t, http.StatusAccepted)
}

func photoJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{180, 60, 50, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	jpg := buf.Bytes()
	exif := append([]byte("Exif\x00\x00"), "GPSLatitude=52.37"...)
	seg := append([]byte{0xFF, 0xE1, 0, byte(len(exif) + 2)}, exif...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

func multipartPhoto(t *testing.T, data []byte) (string, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("photo", "elbow.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), body.Bytes()
}

func TestEmailAdviceGuestEndToEnd(t *testing.T) {
	ac := newAdviceCase(t, 0)
	guest := newClient(t)

	// Before payment: no form, no photos.
	guest.raw("POST", ac.guestPath("/photos"), "image/jpeg", photoJPEG(t)).expect(t, http.StatusConflict).problem(t)

	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	waitForMail(t, ac.guestEmail, "")

	// Photos: two good ones (EXIF stripped), a PDF and an oversize one refused.
	ct, body := multipartPhoto(t, photoJPEG(t))
	guest.raw("POST", ac.guestPath("/photos"), ct, body).expect(t, http.StatusCreated)
	guest.raw("POST", ac.guestPath("/photos"), "image/jpeg", photoJPEG(t)).expect(t, http.StatusCreated)
	guest.raw("POST", ac.guestPath("/photos"), "application/pdf", []byte("%PDF-1.7 not a photo")).
		expect(t, http.StatusUnsupportedMediaType).problem(t)
	guest.raw("POST", ac.guestPath("/photos"), "image/jpeg", append(photoJPEG(t), make([]byte, 11<<20)...)).
		expect(t, http.StatusRequestEntityTooLarge).problem(t)

	// Wrong form fields → 422 naming them; nothing stored.
	res := guest.raw("POST", ac.guestPath("/intake"), "application/json",
		[]byte(`{"answers":{"complaint":"short","duration":"forever","colour":"red"}}`)).expect(t, http.StatusUnprocessableEntity)
	if p := res.problem(t); len(p.Errors) == 0 || !strings.HasPrefix(p.Errors[0].Field, "answers.") {
		t.Fatalf("intake problem %+v", p)
	}
	ac.submitIntake()
	v := ac.waitStatus("awaiting_advice")
	if v.DueAt == nil || v.Photos != 2 || !v.HasIntake {
		t.Fatalf("after intake: %+v", v)
	}
	guest.do("POST", ac.guestPath("/intake"), map[string]any{"answers": map[string]any{
		"complaint": "Another complaint entirely", "location": "knee", "duration": "days", "question": "Again?",
	}}).expect(t, http.StatusConflict)

	// The doctor's inbox shows it with its deadline, the form and the photos.
	var inbox struct {
		Items []struct {
			ID    string  `json:"id"`
			DueAt *string `json:"due_at"`
			Guest bool    `json:"guest"`
		} `json:"items"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations?type=email_advice&status=awaiting_advice", nil).expect(t, http.StatusOK).decode(t, &inbox)
	found := false
	for _, it := range inbox.Items {
		found = found || (it.ID == ac.id && it.DueAt != nil && it.Guest)
	}
	if !found {
		t.Fatalf("consultation %s not in the doctor's inbox: %+v", ac.id, inbox.Items)
	}
	var detail struct {
		Intake   map[string]any `json:"intake"`
		PhotoIDs []string       `json:"photo_ids"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusOK).decode(t, &detail)
	if detail.Intake["location"] != "left elbow" || len(detail.PhotoIDs) != 2 {
		t.Fatalf("doctor detail %+v", detail)
	}
	photo := ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id+"/photos/"+detail.PhotoIDs[0], nil).expect(t, http.StatusOK)
	if !bytes.HasPrefix(photo.Body, []byte{0xFF, 0xD8}) || bytes.Contains(photo.Body, []byte("GPSLatitude")) {
		t.Fatal("stored photo is not a clean JPEG")
	}

	// Another doctor cannot see or answer it; email advice never gets a prescription.
	other, _ := loginAs(t, demodata.DoctorEmail(1), "doctor-demo-2026")
	other.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusNotFound).problem(t)
	other.do("POST", "/v1/doctor/consultations/"+ac.id+"/advice", map[string]any{"text": adviceText}).
		expect(t, http.StatusNotFound).problem(t)
	ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/prescriptions", map[string]any{
		"medication": "Betamethasone", "strength": "0.1%", "dosage": "once daily", "duration_days": 14, "instructions": "thin layer",
	}).expect(t, http.StatusUnprocessableEntity).problem(t)

	ac.answer()
	v = ac.waitStatus("completed")
	if v.Advice == nil || *v.Advice != adviceText {
		t.Fatalf("advice in the portal: %v", v.Advice)
	}
	msg := waitForMail(t, ac.guestEmail, "is ready")
	if !strings.Contains(msg.Text, "greasy emollient") {
		t.Fatalf("advice mail lacks the advice:\n%s", msg.Text)
	}
	ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/advice", map[string]any{"text": adviceText}).
		expect(t, http.StatusConflict).problem(t)

	// The workflow ends after the review request.
	waitForMail(t, ac.guestEmail, "How was your")
	if final := ac.waitWorkflowDone(); final.Status != workflows.StatusCompleted {
		t.Fatalf("workflow ended %s", final.Status)
	}

	// Invoice: in the doctor's list, as PDF for doctor and guest.
	var invoices struct {
		Items []struct {
			ID             string `json:"id"`
			ConsultationID string `json:"consultation_id"`
			Number         string `json:"number"`
			PDFURL         string `json:"pdf_url"`
		} `json:"items"`
	}
	ac.doctor.do("GET", "/v1/doctor/invoices", nil).expect(t, http.StatusOK).decode(t, &invoices)
	var pdfPath string
	for _, inv := range invoices.Items {
		if inv.ConsultationID == ac.id {
			pdfPath = inv.PDFURL
		}
	}
	if pdfPath == "" {
		t.Fatalf("no invoice for %s in %+v", ac.id, invoices.Items)
	}
	if pdf := ac.doctor.do("GET", pdfPath, nil).expect(t, http.StatusOK); !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
		t.Fatal("doctor's invoice is not a PDF")
	}
	if pdf := guest.do("GET", ac.guestPath("/invoice.pdf"), nil).expect(t, http.StatusOK); !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
		t.Fatal("guest's invoice is not a PDF")
	}
	other.do("GET", pdfPath, nil).expect(t, http.StatusNotFound)
	newClient(t).do("GET", "/v1/consultations/"+ac.id, nil).expect(t, http.StatusNotFound)
}

func TestEmailAdviceSurvivesWorkerRestarts(t *testing.T) {
	ac := newAdviceCase(t, 2)
	stack.StopWorker()
	ac.pay("paid") // the webhook's signal waits in Temporal
	if err := stack.StartWorker(); err != nil {
		t.Fatal(err)
	}
	ac.waitStatus("awaiting_intake")
	stack.StopWorker()
	ac.submitIntake()
	if err := stack.StartWorker(); err != nil {
		t.Fatal(err)
	}
	ac.waitStatus("awaiting_advice")
	ac.answer()
	ac.waitStatus("completed")
	waitForMail(t, ac.guestEmail, "How was your")
	ac.waitWorkflowDone()

	// Nothing was sent twice: one email per template to the guest.
	seen := map[string]int{}
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == ac.id {
			seen[m.Subject+" → "+strings.Join(m.To, ",")]++
		}
	}
	if len(seen) < 4 {
		t.Fatalf("expected payment, invoice, advice and review mails, got %v", seen)
	}
	for subject, n := range seen {
		if n != 1 {
			t.Errorf("%q sent %d times", subject, n)
		}
	}
}

func TestMollieWebhookTrustsNothing(t *testing.T) {
	anon := newClient(t)
	form := func(id string) []byte { return []byte(url.Values{"id": {id}}.Encode()) }
	anon.raw("POST", "/v1/webhooks/mollie", "application/x-www-form-urlencoded", form("tr_unknown123")).
		expect(t, http.StatusNotFound).problem(t)
	anon.raw("POST", "/v1/webhooks/mollie", "application/x-www-form-urlencoded", form("")).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	anon.raw("POST", "/v1/webhooks/mollie", "application/json", []byte(`{"id":"tr_x"}`)).
		expect(t, http.StatusUnsupportedMediaType).problem(t)

	// A webhook for a real but unpaid payment leaves the consultation waiting;
	// repeating the paid webhook changes nothing and sends nothing twice.
	ac := newAdviceCase(t, 3)
	var paymentID string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		"SELECT id FROM payments WHERE consultation_id = $1", ac.id).Scan(&paymentID); err != nil {
		t.Fatal(err)
	}
	anon.raw("POST", "/v1/webhooks/mollie", "application/x-www-form-urlencoded", form(paymentID)).expect(t, http.StatusOK)
	if v := ac.waitStatus("awaiting_payment"); v.Status != "awaiting_payment" {
		t.Fatal(v.Status)
	}
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	for range 3 {
		anon.raw("POST", "/v1/webhooks/mollie", "application/x-www-form-urlencoded", form(paymentID)).expect(t, http.StatusOK)
	}
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")
	counts := map[string]int{}
	for _, m := range stack.Mail.Messages() {
		if mailConsultation(m) == ac.id {
			counts[m.Subject]++
		}
	}
	for subject, n := range counts {
		if n != 1 {
			t.Errorf("%q sent %d times after duplicate webhooks", subject, n)
		}
	}
}

func TestEmailAdviceDeclineRefundsInFull(t *testing.T) {
	ac := newAdviceCase(t, 4)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ac.doctor.do("POST", "/v1/doctor/consultations/"+ac.id+"/decline", map[string]any{"reason": "needs_physical_exam"}).
		expect(t, http.StatusAccepted)
	ac.waitStatus("declined")
	waitRefunded(t, ac.id, 1.0)
}

// waitRefunded waits until the sandbox shows settled refunds of share × the
// amount paid for a consultation (exactly).
func waitRefunded(t *testing.T, consultationID string, share float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		paid, refunded := sandboxMoney(t, consultationID)
		if paid > 0 && refunded == int64(float64(paid)*share) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandbox: consultation %s paid %d, refunded %d; want %.0f%% refunded", consultationID, paid, refunded, share*100)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sandboxMoney sums what the sandbox holds as paid and as settled refunds
// for a consultation.
func sandboxMoney(t *testing.T, consultationID string) (paid, refunded int64) {
	t.Helper()
	for _, p := range stack.Mollie.Payments() {
		var meta struct {
			ConsultationID string `json:"consultation_id"`
		}
		if json.Unmarshal(p.Metadata, &meta) != nil || meta.ConsultationID != consultationID {
			continue
		}
		if p.Status == "paid" {
			paid += cents(t, p.Amount.Value)
		}
		for _, r := range p.Refunds {
			if r.Status == "refunded" {
				refunded += cents(t, r.Amount.Value)
			}
		}
	}
	return paid, refunded
}

func cents(t *testing.T, value string) int64 {
	t.Helper()
	n, err := payments.ParseCents(value)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// mailConsultation is the consultation an email is about.
func mailConsultation(m mailsink.Message) string {
	if v := m.Headers[textproto.CanonicalMIMEHeaderKey("X-Derma2Go-Consultation")]; len(v) > 0 {
		return v[0]
	}
	return ""
}
