package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"derma2go/demodata"
)

// portalDoctor gives a demo doctor video and in-person hours all day, every
// day, in 5-minute slots, and fees for video, in person and email advice.
func portalDoctor(t *testing.T, index int) (*apiClient, string) {
	t.Helper()
	doctor, s := loginAs(t, demodata.DoctorEmail(index), "doctor-demo-2026")
	var rules []map[string]any
	for day := range 7 {
		for _, typ := range []string{"video", "in_person"} {
			rules = append(rules, map[string]any{"type": typ, "weekday": day, "start": "00:00", "end": "24:00"})
		}
	}
	doctor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": rules}).expect(t, http.StatusOK)
	doctor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "video", "amount_cents": 6000, "duration_minutes": 5},
		{"type": "in_person", "amount_cents": 4500, "duration_minutes": 5},
		{"type": "email_advice", "amount_cents": 3500, "duration_minutes": 15},
	}}).expect(t, http.StatusOK)
	return doctor, s.User.ID
}

// firstSlot is the first free slot of a type from a moment on.
func firstSlot(t *testing.T, doctorID, typ string, from time.Time) time.Time {
	t.Helper()
	return firstSlotAs(t, newClient(t), doctorID, typ, from)
}

// firstSlotAs is firstSlot read by c: the doctor reads their own slots
// while they are not listed (then they are a 404 to anyone else).
func firstSlotAs(t *testing.T, c *apiClient, doctorID, typ string, from time.Time) time.Time {
	t.Helper()
	var p slotsPage
	c.do("GET", "/v1/doctors/"+doctorID+"/slots?type="+typ+"&from="+url.QueryEscape(from.UTC().Format(time.RFC3339)), nil).
		expect(t, http.StatusOK).decode(t, &p)
	if len(p.Items) == 0 {
		t.Fatalf("no %s slot from %s", typ, from)
	}
	return p.Items[0].Start
}

// euros prints cents as the Dutch page does ("€ 47,50").
func euros(cents int64) string { return fmt.Sprintf("€ %d,%02d", cents/100, cents%100) }

// TestWebPortalInBrowser runs web/e2e/portal.mjs in Debian's Chromium
// against the private stack: the register page; the patient portal on a
// phone (upcoming and past with the doctor's zone, the language switch); an
// account video booking cancelled two days ahead with the refund shown
// before confirming, confirmed by the doctor in the dashboard and refunded
// in the Mollie sandbox; an in-person visit marked attended whose invoice
// both the doctor and the patient (behind the PIN) download; a doctor who
// adds hours in the availability editor, after which the patient sees the
// new slot; email advice answered from the dashboard inbox and read behind
// the PIN; the access log and favourites; a PIN locked after wrong tries.
// Afterwards the API must hold what the browser did.
func TestWebPortalInBrowser(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	browserReady(t, root)
	ctx := context.Background()

	_, doctorID := portalDoctor(t, 172)
	_, doctorName := publicDoctor(t, 172)
	var fee int64
	if err := stack.Platform.Store.Pool.QueryRow(ctx, "SELECT admin_fee_cents FROM doctors WHERE user_id = $1", doctorID).Scan(&fee); err != nil {
		t.Fatal(err)
	}
	email, password := newEmail("portal"), "portal-patient-2026"
	patient, _ := registerPatient(t, email, password)

	// A video appointment two days ahead, paid.
	var video booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": firstSlot(t, doctorID, "video", time.Now().Add(50*time.Hour)).Format(time.RFC3339)}).
		expect(t, http.StatusCreated).decode(t, &video)
	payCheckout(t, video.CheckoutURL)
	waitConsultation(t, patient, video.ID, "scheduled")

	// An in-person visit starting within minutes (attended may be marked from 15 minutes before).
	var visit booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "in_person", "doctor_id": doctorID,
		"slot_start": firstSlot(t, doctorID, "in_person", time.Now().Add(time.Minute)).Format(time.RFC3339)}).
		expect(t, http.StatusCreated).decode(t, &visit)
	waitConsultation(t, patient, visit.ID, "scheduled")

	// Email advice, paid, the form in: it waits in the doctor's inbox.
	var advice booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctorID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &advice)
	payCheckout(t, advice.CheckoutURL)
	waitConsultation(t, patient, advice.ID, "awaiting_intake")
	patient.do("POST", "/v1/consultations/"+advice.ID+"/intake", map[string]any{"answers": map[string]any{
		"complaint": "Droge, jeukende plekken op beide handen", "location": "handen", "duration": "weeks",
		"question": "Is dit eczeem?",
	}, "birth_date": "1988-04-12"}).expect(t, http.StatusAccepted)
	waitConsultation(t, patient, advice.ID, "awaiting_advice")

	// A doctor with no hours yet, who adds them in the browser: tomorrow's weekday, 07:00–07:30.
	editor, editorSession := loginAs(t, demodata.DoctorEmail(173), "doctor-demo-2026")
	editor.do("PUT", "/v1/doctor/availability", map[string]any{"rules": []any{}}).expect(t, http.StatusOK)
	editor.do("PUT", "/v1/doctor/fees", map[string]any{"fees": []map[string]any{
		{"type": "video", "amount_cents": 5000, "duration_minutes": 15},
	}}).expect(t, http.StatusOK)
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	tomorrow := time.Now().In(ams).AddDate(0, 0, 1)
	newSlot := time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), 7, 0, 0, 0, ams)

	// A patient who will lock their PIN, with a consultation whose page asks it.
	lockedEmail, lockedPassword := newEmail("locked"), "locked-patient-2026"
	locked, _ := registerPatient(t, lockedEmail, lockedPassword)
	var lockedCase booking
	locked.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctorID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &lockedCase)

	out := filepath.Join(root, "web", "e2e", "out", "portal")
	cmd := exec.Command("node", filepath.Join(root, "web", "e2e", "portal.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+stack.APIURL, "E2E_OUT_DIR="+out, "CHROMIUM="+chromiumPath(),
		"E2E_REGISTER_EMAIL="+newEmail("register"),
		"E2E_PATIENT_EMAIL="+email, "E2E_PATIENT_PASSWORD="+password, "E2E_PIN="+testPIN,
		"E2E_DOCTOR_EMAIL="+demodata.DoctorEmail(172), "E2E_DOCTOR_PASSWORD=doctor-demo-2026", "E2E_DOCTOR_NAME="+doctorName,
		"E2E_VIDEO_CONSULTATION="+video.ID, "E2E_REFUND_TEXT="+euros(6000-fee),
		"E2E_INPERSON_CONSULTATION="+visit.ID, "E2E_ADVICE_CONSULTATION="+advice.ID,
		"E2E_EDITOR_EMAIL="+demodata.DoctorEmail(173), "E2E_EDITOR_ID="+editorSession.User.ID,
		fmt.Sprintf("E2E_NEW_WEEKDAY=%d", int(tomorrow.Weekday())),
		"E2E_LOCKED_EMAIL="+lockedEmail, "E2E_LOCKED_PASSWORD="+lockedPassword, "E2E_LOCKED_CONSULTATION="+lockedCase.ID,
	)
	if shots := os.Getenv("WEB_SCREENSHOTS_DIR"); shots != "" {
		cmd.Env = append(cmd.Env, "E2E_SHOTS_DIR="+shots)
	}
	started := time.Now()
	output, err := cmd.CombinedOutput()
	t.Logf("browser run (%s):\n%s", time.Since(started).Round(time.Millisecond), output)
	if err != nil {
		t.Fatalf("browser test failed: %v (screenshots in %s)", err, out)
	}

	// The cancellation the browser asked and the doctor confirmed: refunded
	// in the sandbox by the amount the page showed.
	waitConsultation(t, patient, video.ID, "cancelled")
	waitRefunded(t, video.ID, float64(6000-fee)/6000)

	// The visit marked attended has its invoice.
	waitConsultation(t, patient, visit.ID, "completed")
	var docs struct {
		Items []struct {
			Kind string `json:"kind"`
		} `json:"items"`
	}
	patient.do("GET", "/v1/consultations/"+visit.ID+"/documents", nil).expect(t, http.StatusOK).decode(t, &docs)
	if !strings.Contains(fmt.Sprint(docs.Items), "invoice") {
		t.Fatalf("the attended visit has no invoice: %+v", docs.Items)
	}

	// The advice written in the dashboard reached the patient.
	var v consultationView
	patient.do("GET", "/v1/consultations/"+advice.ID, nil).expect(t, http.StatusOK).decode(t, &v)
	if v.Advice == nil || !strings.Contains(*v.Advice, "eczeem") {
		t.Fatalf("advice written in the browser: %+v", v)
	}

	// The hours added in the editor give the slot tomorrow at 07:00.
	if got := firstSlot(t, editorSession.User.ID, "video", time.Now()); !got.Equal(newSlot) {
		t.Fatalf("first slot of the edited availability %s, want %s", got, newSlot)
	}

	// The favourite saved in the browser.
	var favs struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	patient.do("GET", "/v1/me/favourites", nil).expect(t, http.StatusOK).decode(t, &favs)
	if len(favs.Items) != 1 || favs.Items[0].ID != doctorID {
		t.Fatalf("favourites %+v, want the doctor %s", favs.Items, doctorID)
	}
}
